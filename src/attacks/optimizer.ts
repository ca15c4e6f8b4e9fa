// Optimisers over the patch's values, in plain JS so their whole state fits in a checkpoint and a
// resumed run continues bit for bit. Both minimise; the caller clamps the patch to [0, 1].
import { FacepatchError } from '../util/errors.js';

export type OptimizerName = 'adam' | 'sgd';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'sgd'];

export interface OptimizerState {
  name: OptimizerName;
  lr: number;
  step: number;
  /** Adam: first and second moments; SGD: momentum buffer in `m`. */
  m: number[];
  v: number[];
  beta1: number;
  beta2: number;
  epsilon: number;
  momentum: number;
}

export class PatchOptimizer {
  private m: Float32Array;
  private v: Float32Array;
  constructor(private state: Omit<OptimizerState, 'm' | 'v'>, size: number) {
    if (!OPTIMIZER_NAMES.includes(state.name)) {
      throw new FacepatchError(`unknown optimizer "${state.name}"; valid choices: ${OPTIMIZER_NAMES.join(', ')}`);
    }
    this.m = new Float32Array(size);
    this.v = new Float32Array(state.name === 'adam' ? size : 0);
  }

  static create(name: OptimizerName, lr: number, size: number, momentum = 0): PatchOptimizer {
    return new PatchOptimizer({ name, lr, step: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum }, size);
  }

  static restore(saved: OptimizerState): PatchOptimizer {
    const optimizer = new PatchOptimizer(saved, saved.m.length);
    optimizer.m = Float32Array.from(saved.m);
    optimizer.v = Float32Array.from(saved.v);
    return optimizer;
  }

  /** One descent step on `values` in place, then clamp to [0, 1]; `lr` overrides the base rate (a schedule). */
  step(values: Float32Array, gradient: Float32Array, lr = this.state.lr): void {
    const s = this.state;
    s.step += 1;
    if (s.name === 'adam') {
      const c1 = 1 - s.beta1 ** s.step;
      const c2 = 1 - s.beta2 ** s.step;
      for (let i = 0; i < values.length; i++) {
        const g = gradient[i] as number;
        const m = (this.m[i] = s.beta1 * (this.m[i] as number) + (1 - s.beta1) * g);
        const v = (this.v[i] = s.beta2 * (this.v[i] as number) + (1 - s.beta2) * g * g);
        values[i] = clamp01((values[i] as number) - (lr * (m / c1)) / (Math.sqrt(v / c2) + s.epsilon));
      }
    } else {
      for (let i = 0; i < values.length; i++) {
        const g = gradient[i] as number;
        const m = (this.m[i] = s.momentum * (this.m[i] as number) + g);
        values[i] = clamp01((values[i] as number) - lr * m);
      }
    }
  }

  get steps(): number {
    return this.state.step;
  }

  save(): OptimizerState {
    return { ...this.state, m: Array.from(this.m), v: Array.from(this.v) };
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
