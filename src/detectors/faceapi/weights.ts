// Reads face-api's weight files (a tfjs weights manifest plus its .bin shards) straight from the
// installed npm package, dequantising the uint8 weights the same way face-api's loader does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { nodeModulePath } from '../../config/paths.js';
import { InputFileError } from '../../util/errors.js';

/** The folder holding face-api's `*-weights_manifest.json` files. */
export function faceApiModelDir(): string {
  return nodeModulePath('@vladmandic/face-api', 'model');
}

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** All tensors of one manifest (e.g. `ssd_mobilenetv1_model-weights_manifest.json`), by name. */
export function loadWeightsManifest(manifestPath: string): tf.NamedTensorMap {
  if (!existsSync(manifestPath)) throw new InputFileError(manifestPath, 'weights manifest not found');
  let groups: ManifestGroup[];
  try {
    groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestGroup[];
  } catch (error) {
    throw new InputFileError(manifestPath, `not a JSON weights manifest (${(error as Error).message})`);
  }
  if (!Array.isArray(groups) || groups.some((g) => !Array.isArray(g.paths) || !Array.isArray(g.weights))) {
    throw new InputFileError(manifestPath, 'expected an array of {paths, weights} groups');
  }
  const result: tf.NamedTensorMap = {};
  for (const group of groups) {
    const shards = group.paths.map((p) => {
      const shardPath = join(dirname(manifestPath), p);
      if (!existsSync(shardPath)) throw new InputFileError(manifestPath, `weights shard ${shardPath} is missing`);
      return readFileSync(shardPath);
    });
    const bytes = Buffer.concat(shards);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    Object.assign(result, tf.io.decodeWeights(buffer, group.weights));
  }
  return result;
}

/** face-api's weights for one model name, e.g. 'ssd_mobilenetv1_model'. */
export function loadFaceApiWeights(modelName: string, modelDir = faceApiModelDir()): tf.NamedTensorMap {
  return loadWeightsManifest(join(modelDir, `${modelName}-weights_manifest.json`));
}

/** A named weight that must exist with the given rank; the error names the manifest's model. */
export function requireWeight<R extends tf.Rank>(weights: tf.NamedTensorMap, name: string, rank: number, model: string): tf.Tensor<R> {
  const tensor = weights[name];
  if (!tensor) throw new Error(`face-api model ${model}: weight "${name}" is missing`);
  if (tensor.rank !== rank) throw new Error(`face-api model ${model}: weight "${name}" has rank ${tensor.rank}, expected ${rank}`);
  return tensor as tf.Tensor<R>;
}
