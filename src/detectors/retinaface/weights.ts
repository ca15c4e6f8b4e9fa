// Turns PyTorch state-dict entries into frozen tfjs convolutions: OIHW filters become HWIO,
// and inference-mode batch norm folds into the filter and a bias:
//   scale = gamma / sqrt(running_var + eps),  W' = W * scale,  b' = beta - running_mean * scale.
import * as tf from '@tensorflow/tfjs';
import { InputFileError } from '../../util/errors.js';
import type { TorchTensor } from '../pytorch/index.js';
import type { FrozenConv } from './frozenConv.js';

export class StateDictReader {
  constructor(
    readonly state: Map<string, TorchTensor>,
    readonly file: string,
    /** What the file should be, for error messages. */
    readonly expected: string,
  ) {}

  /** A float tensor of the given shape, as float64 values (folding is done in double). */
  get(name: string, shape: number[]): Float64Array {
    const tensor = this.state.get(name);
    if (tensor === undefined) throw new InputFileError(this.file, `missing tensor ${name} (is this a ${this.expected} checkpoint?)`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new InputFileError(this.file, `tensor ${name} has shape [${tensor.shape}], expected [${shape}] for ${this.expected}`);
    }
    if (!(tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)) {
      throw new InputFileError(this.file, `tensor ${name} has dtype ${tensor.dtype}, expected a float type`);
    }
    return Float64Array.from(tensor.data);
  }
}

export interface ConvSpec {
  /** State-dict prefix of the Conv2d (e.g. "body.stage1.0.0"). */
  conv: string;
  /** State-dict prefix of the BatchNorm2d that follows it; undefined for a conv with its own bias. */
  batchNorm?: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  depthwise?: boolean;
  leakySlope?: number;
  /** Reverse the input-channel order (the first conv: BGR in the reference, RGB here). */
  reverseInput?: boolean;
  epsilon?: number;
}

export function loadConv(reader: StateDictReader, spec: ConvSpec): FrozenConv {
  const { inChannels: cin, outChannels: cout, kernel: k } = spec;
  const depthwise = spec.depthwise ?? false;
  if (depthwise && cin !== cout) throw new Error(`depthwise conv ${spec.conv} must keep its channel count`);
  const perFilterIn = depthwise ? 1 : cin;
  const weight = reader.get(`${spec.conv}.weight`, [cout, perFilterIn, k, k]);

  const scale = new Float64Array(cout).fill(1);
  const shift = new Float64Array(cout);
  if (spec.batchNorm !== undefined) {
    const gamma = reader.get(`${spec.batchNorm}.weight`, [cout]);
    const beta = reader.get(`${spec.batchNorm}.bias`, [cout]);
    const mean = reader.get(`${spec.batchNorm}.running_mean`, [cout]);
    const variance = reader.get(`${spec.batchNorm}.running_var`, [cout]);
    const eps = spec.epsilon ?? 1e-5;
    for (let o = 0; o < cout; o++) {
      scale[o] = gamma[o] / Math.sqrt(variance[o] + eps);
      shift[o] = beta[o] - mean[o] * scale[o];
    }
  } else {
    shift.set(reader.get(`${spec.conv}.bias`, [cout]));
  }

  // OIHW -> HWIO (depthwise: C1HW -> HWC1), scaling each output channel.
  const filter = new Float32Array(k * k * perFilterIn * cout);
  const outer = depthwise ? 1 : cout;
  const inner = depthwise ? cout : perFilterIn;
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < perFilterIn; i++) {
      const source = spec.reverseInput ? perFilterIn - 1 - i : i;
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++) {
          const value = weight[((o * perFilterIn + source) * k + y) * k + x] * scale[o];
          const hwio = depthwise ? (y * k + x) * inner + o : ((y * k + x) * inner + i) * outer + o;
          filter[hwio] = value;
        }
      }
    }
  }
  const filterTensor = tf.tensor4d(filter, [k, k, depthwise ? cout : perFilterIn, depthwise ? 1 : cout]);
  return {
    depthwise,
    filter: filterTensor,
    bias: tf.tensor1d(Float32Array.from(shift)),
    stride: spec.stride ?? 1,
    pad: (k - 1) / 2,
    leakySlope: spec.leakySlope,
  };
}
