// The JSON config that turns any ONNX face detector into a facepatch detector
// (`--detector onnx:<model.onnx> --detector-config <config.json>`). Example, for ULFD's RFB-320
// export without post-processing:
//
//   {
//     "input":  { "width": 320, "height": 240, "channelOrder": "RGB", "scale": 255, "mean": 127, "std": 128 },
//     "scores": { "output": "scores", "faceIndex": 1 },
//     "boxes":  { "output": "boxes", "encoding": "ssd", "variances": [0.1, 0.2] },
//     "priors": { "strides": [8, 16, 32, 64], "minSizes": [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]],
//                 "clamp": true, "centres": "feature-map" },
//     "nmsIoU": 0.3
//   }
//
// Fields:
// - input.name: the graph input to feed (default: the model's first input). width/height: the
//   model input size every image is resized to (default: the model's declared static H and W).
//   channelOrder 'RGB' | 'BGR' (default RGB); pixels in [0, 1] are multiplied by `scale`
//   (default 255), then (x - mean) / std per channel (mean default 0, std default 1; a number or
//   three numbers in the model's channel order). layout: 'NCHW' (default, PyTorch exports) or
//   'NHWC' (TensorFlow exports), the layout of the graph input.
// - scores.output: output (or intermediate value) name(s), [B, A, C] or [B, A]; several names are
//   concatenated along the anchor axis. faceIndex: the face column of C (default: the last).
//   activation: 'none' (default; the model already gives probabilities), 'softmax' or 'sigmoid'.
// - boxes.output: name(s) of a [B, A, >=4] output (extra columns such as landmarks are ignored).
//   encoding 'ssd': offsets from the priors with variances [centre, size] (default [0.1, 0.2]);
//   'corners': [x1, y1, x2, y2], in `units` 'normalized' (default, of the model input) or 'pixels'
//   (of the model input).
// - priors: grid priors (see gridPriors.ts): strides, minSizes, clamp (default false), centres
//   'stride' (default, RetinaFace-style) or 'feature-map' (ULFD-style); required for 'ssd'.
//   For 'corners' without priors the reported anchors are the boxes the model predicts on a
//   uniform grey image (an approximation).
// - name, family ('ssd' default), nmsIoU (default 0.4), inputDescription: reported metadata.
import { readFileSync } from 'node:fs';
import { InputFileError } from '../../util/errors.js';
import type { DetectorFamily } from '../types.js';
import type { GridPriorSpec } from './gridPriors.js';
import { jsonErrorLine } from './jsonErrorLine.js';

export interface OnnxDetectorConfig {
  name?: string;
  family?: DetectorFamily;
  inputDescription?: string;
  input: {
    name?: string;
    width?: number;
    height?: number;
    channelOrder?: 'RGB' | 'BGR';
    layout?: 'NCHW' | 'NHWC';
    scale?: number;
    mean?: number | [number, number, number];
    std?: number | [number, number, number];
  };
  scores: {
    output: string | string[];
    faceIndex?: number;
    activation?: 'none' | 'softmax' | 'sigmoid';
  };
  boxes: {
    output: string | string[];
    encoding: 'ssd' | 'corners';
    units?: 'normalized' | 'pixels';
    variances?: [number, number];
  };
  priors?: GridPriorSpec;
  nmsIoU?: number;
}

const FAMILIES: readonly DetectorFamily[] = ['ssd', 'retinanet', 'yolo', 'cascade', 'anchor-free', 'single-level'];

/** Validates a parsed config; every problem names `source` and the field. */
export function parseOnnxDetectorConfig(raw: unknown, source: string): OnnxDetectorConfig {
  const fail = (field: string, problem: string): never => {
    throw new InputFileError(source, `detector config field "${field}": ${problem}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const known = (obj: Record<string, unknown>, prefix: string, allowed: string[]) => {
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) fail(`${prefix}${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  };
  const optionalNumber = (obj: Record<string, unknown>, key: string, field: string, positive = false): number | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) fail(field, `expected a ${positive ? 'positive ' : ''}number`);
    return v as number;
  };
  const perChannel = (obj: Record<string, unknown>, key: string, field: string, positive: boolean) => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0)) return v;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) {
      return v as [number, number, number];
    }
    return fail(field, `expected a ${positive ? 'positive ' : ''}number or a list of three`);
  };
  const outputNames = (v: unknown, field: string): string | string[] => {
    if (typeof v === 'string' && v !== '') return v;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '')) return v as string[];
    return fail(field, 'expected an output name or a non-empty list of names');
  };
  const oneOf = <T extends string>(v: unknown, field: string, choices: readonly T[]): T | undefined => {
    if (v === undefined) return undefined;
    if (!choices.includes(v as T)) fail(field, `expected one of ${choices.join(', ')}`);
    return v as T;
  };

  if (!isObject(raw)) return fail('(top level)', 'expected a JSON object');
  known(raw, '', ['name', 'family', 'inputDescription', 'input', 'scores', 'boxes', 'priors', 'nmsIoU']);
  const input = raw.input ?? {};
  if (!isObject(input)) return fail('input', 'expected an object');
  known(input, 'input.', ['name', 'width', 'height', 'channelOrder', 'layout', 'scale', 'mean', 'std']);
  if (input.name !== undefined && typeof input.name !== 'string') fail('input.name', 'expected a string');
  for (const key of ['width', 'height']) {
    const v = input[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)) fail(`input.${key}`, 'expected a positive integer');
  }
  const scores = raw.scores;
  if (!isObject(scores)) return fail('scores', 'required: an object naming the score output');
  known(scores, 'scores.', ['output', 'faceIndex', 'activation']);
  const faceIndex = scores.faceIndex;
  if (faceIndex !== undefined && (typeof faceIndex !== 'number' || !Number.isInteger(faceIndex) || faceIndex < 0)) {
    fail('scores.faceIndex', 'expected a non-negative integer');
  }
  const boxes = raw.boxes;
  if (!isObject(boxes)) return fail('boxes', 'required: an object naming the box output and its encoding');
  known(boxes, 'boxes.', ['output', 'encoding', 'units', 'variances']);
  const encoding = oneOf(boxes.encoding, 'boxes.encoding', ['ssd', 'corners'] as const);
  if (encoding === undefined) fail('boxes.encoding', 'required: "ssd" or "corners"');
  const variances = boxes.variances;
  if (variances !== undefined && !(Array.isArray(variances) && variances.length === 2 && variances.every((v) => typeof v === 'number' && v > 0))) {
    fail('boxes.variances', 'expected two positive numbers [centre, size]');
  }
  let priors: GridPriorSpec | undefined;
  if (raw.priors !== undefined) {
    const p = raw.priors;
    if (!isObject(p)) return fail('priors', 'expected an object');
    known(p, 'priors.', ['strides', 'minSizes', 'clamp', 'centres']);
    const strides = p.strides;
    const minSizes = p.minSizes;
    if (!Array.isArray(strides) || strides.length === 0 || !strides.every((s) => typeof s === 'number' && s > 0)) {
      fail('priors.strides', 'expected a non-empty list of positive numbers');
    }
    if (
      !Array.isArray(minSizes) ||
      minSizes.length !== (strides as number[]).length ||
      !minSizes.every((l) => Array.isArray(l) && l.length > 0 && l.every((s) => typeof s === 'number' && s > 0))
    ) {
      fail('priors.minSizes', 'expected one non-empty list of positive sizes per stride');
    }
    if (p.clamp !== undefined && typeof p.clamp !== 'boolean') fail('priors.clamp', 'expected true or false');
    priors = {
      strides: strides as number[],
      minSizes: minSizes as number[][],
      clamp: p.clamp as boolean | undefined,
      centres: oneOf(p.centres, 'priors.centres', ['stride', 'feature-map'] as const),
    };
  }
  if (encoding === 'ssd' && !priors) fail('priors', 'required when boxes.encoding is "ssd"');
  const nmsIoU = optionalNumber(raw, 'nmsIoU', 'nmsIoU');
  if (nmsIoU !== undefined && (nmsIoU <= 0 || nmsIoU > 1)) fail('nmsIoU', 'expected a number in (0, 1]');
  if (raw.name !== undefined && typeof raw.name !== 'string') fail('name', 'expected a string');
  if (raw.inputDescription !== undefined && typeof raw.inputDescription !== 'string') fail('inputDescription', 'expected a string');

  return {
    name: raw.name as string | undefined,
    family: oneOf(raw.family, 'family', FAMILIES),
    inputDescription: raw.inputDescription as string | undefined,
    input: {
      name: input.name as string | undefined,
      width: input.width as number | undefined,
      height: input.height as number | undefined,
      channelOrder: oneOf(input.channelOrder, 'input.channelOrder', ['RGB', 'BGR'] as const),
      layout: oneOf(input.layout, 'input.layout', ['NCHW', 'NHWC'] as const),
      scale: optionalNumber(input, 'scale', 'input.scale', true),
      mean: perChannel(input, 'mean', 'input.mean', false),
      std: perChannel(input, 'std', 'input.std', true),
    },
    scores: {
      output: outputNames(scores.output, 'scores.output'),
      faceIndex: faceIndex as number | undefined,
      activation: oneOf(scores.activation, 'scores.activation', ['none', 'softmax', 'sigmoid'] as const),
    },
    boxes: {
      output: outputNames(boxes.output, 'boxes.output'),
      encoding: encoding as 'ssd' | 'corners',
      units: oneOf(boxes.units, 'boxes.units', ['normalized', 'pixels'] as const),
      variances: variances as [number, number] | undefined,
    },
    priors,
    nmsIoU,
  };
}

/**
 * Reads a detector config given as a JSON file path or as inline JSON text (a string starting
 * with "{"), as `--detector-config` accepts both.
 */
export function readOnnxDetectorConfig(fileOrJson: string): OnnxDetectorConfig {
  const inline = fileOrJson.trimStart().startsWith('{');
  const source = inline ? '--detector-config' : fileOrJson;
  let text = fileOrJson;
  if (!inline) {
    try {
      text = readFileSync(fileOrJson, 'utf8');
    } catch (error) {
      throw new InputFileError(source, `cannot read the detector config (${(error as Error).message})`, undefined, { cause: error });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(source, `invalid JSON (${(error as Error).message})`, jsonErrorLine(text), { cause: error });
  }
  return parseOnnxDetectorConfig(parsed, source);
}
