// SLN weights <-> PyTorch state dicts: conv filters are OIHW there and HWIO here; every other
// tensor keeps its shape. A torchvision ResNet checkpoint fills the backbone (strict = false).
import * as tf from '@tensorflow/tfjs';
import { InputFileError } from '../../util/errors.js';
import type { TorchTensor } from '../pytorch/index.js';
import type { ParamStore } from './params.js';

function isFilter(name: string, shape: readonly number[]): boolean {
  return name.endsWith('.weight') && shape.length === 4;
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
    const expected = isFilter(name, variable.shape)
      ? [variable.shape[3], variable.shape[2], variable.shape[0], variable.shape[1]]
      : variable.shape;
    if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
      throw new InputFileError(file, `tensor ${name} has shape [${tensor.shape}], expected [${expected}]`);
    }
    tf.tidy(() => {
      const value = tf.tensor(Float32Array.from(tensor.data as Float32Array), tensor.shape);
      variable.assign(isFilter(name, variable.shape) ? tf.transpose(value, [2, 3, 1, 0]) : value);
    });
    loaded.push(name);
  }
  return loaded;
}
