// SLN weights <-> PyTorch state dicts: conv filters are OIHW there and HWIO here (depthwise:
// [C, 1, k, k] there, [k, k, C, 1] here); every other tensor keeps its shape. A torchvision ResNet checkpoint fills the backbone (strict = false).
import * as tf from '@tensorflow/tfjs';
import { InputFileError } from '../../util/errors.js';
import type { TorchTensor } from '../pytorch/index.js';
import type { ParamStore } from './params.js';

function isFilter(name: string, shape: readonly number[]): boolean {
  return name.endsWith('.weight') && shape.length === 4;
}

/**
 * A depthwise filter: tfjs [k, k, C, 1] in the store, PyTorch [C, 1, k, k] in the file (a C > 1
 * channel count tells it from an ordinary filter with one output channel, stored [1, C, k, k]).
 */
function isDepthwiseFilter(name: string, storeShape: readonly number[], fileShape: readonly number[]): boolean {
  if (!isFilter(name, storeShape) || storeShape[3] !== 1 || (storeShape[2] ?? 1) <= 1) return false;
  return fileShape.length === 4 && fileShape[0] === storeShape[2] && fileShape[1] === 1 && fileShape[2] === storeShape[0] && fileShape[3] === storeShape[1];
}

/** Copies a state dict into the store; returns the names loaded. Missing names throw unless `strict` is false. */
export function loadStateIntoStore(store: ParamStore, state: Map<string, TorchTensor>, file: string, strict = true): string[] {
  const loaded: string[] = [];
  for (const [name, variable] of [...store.params, ...store.buffers]) {
    const tensor = state.get(name);
    if (!tensor) {
      if (strict) throw new InputFileError(file, `missing tensor ${name}`);
      continue;
    }
    if (!(tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)) {
      throw new InputFileError(file, `tensor ${name} has dtype ${tensor.dtype}, expected a float type`);
    }
    const depthwise = isDepthwiseFilter(name, variable.shape, tensor.shape);
    const expected = depthwise
      ? [variable.shape[2], 1, variable.shape[0], variable.shape[1]]
      : isFilter(name, variable.shape)
        ? [variable.shape[3], variable.shape[2], variable.shape[0], variable.shape[1]]
        : variable.shape;
    if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
      throw new InputFileError(file, `tensor ${name} has shape [${tensor.shape}], expected [${expected}]`);
    }
    tf.tidy(() => {
      const value = tf.tensor(Float32Array.from(tensor.data as Float32Array), tensor.shape);
      // OIHW -> HWIO; a depthwise [C, 1, k, k] -> [k, k, C, 1]
      variable.assign(depthwise ? tf.transpose(value, [2, 3, 0, 1]) : isFilter(name, variable.shape) ? tf.transpose(value, [2, 3, 1, 0]) : value);
    });
    loaded.push(name);
  }
  return loaded;
}
