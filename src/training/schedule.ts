// The SLN's optimisation (paper section 3.1): SGD with momentum 0.9 and weight decay 5e-5,
// learning rate 0.01 decayed x0.1 at 60% and 80% of training (the paper: epochs 60 and 80 of 100;
// here at 60% and 80% of the optimiser steps, the same thing for a fixed epoch length).
// Deviation: an optional linear warm-up over the first steps (default 500), from
// warmupRatio x lr to lr, because one image per step from scratch is unstable at lr 0.01 (the
// paper used 8 images per step and an ImageNet-initialised backbone).
//
// SGD is written out over the variables (PyTorch's rule: d = g + wd * w; v = mu * v + d;
// w -= lr * v) so that its state, one momentum buffer per parameter, can be checkpointed and a
// resumed run continues exactly. Weight decay applies to conv filters only (4-D weights); batch
// norm scales and shifts and all biases are not decayed (as is common for detectors; the paper
// does not say).
import * as tf from '@tensorflow/tfjs';

export interface LearningRateSchedule {
  baseLr: number;
  totalSteps: number;
  /** Fractions of totalSteps at which the rate is multiplied by `gamma`. */
  milestones: readonly number[];
  gamma: number;
  warmupSteps: number;
  /** The rate at step 0 of the warm-up, as a fraction of baseLr. */
  warmupRatio: number;
}

export const PAPER_MILESTONES: readonly number[] = [0.6, 0.8];

/** The learning rate of the optimiser step with 0-based index `step`. */
export function learningRateAt(schedule: LearningRateSchedule, step: number): number {
  let lr = schedule.baseLr;
  for (const fraction of schedule.milestones) {
    if (step >= Math.floor(fraction * schedule.totalSteps)) lr *= schedule.gamma;
  }
  if (step < schedule.warmupSteps) {
    const progress = step / schedule.warmupSteps;
    lr *= schedule.warmupRatio + (1 - schedule.warmupRatio) * progress;
  }
  return lr;
}

/** The first of the first `steps` steps whose learning rate differs between the schedules, if any. */
export function scheduleDivergence(a: LearningRateSchedule, b: LearningRateSchedule, steps: number): number | undefined {
  for (let step = 0; step < steps; step++) {
    if (learningRateAt(a, step) !== learningRateAt(b, step)) return step;
  }
  return undefined;
}

export interface SgdOptions {
  momentum: number;
  weightDecay: number;
  /** Which parameters are decayed (default: 4-D tensors, the conv filters). */
  decays?: (name: string, variable: tf.Variable) => boolean;
}

export const PAPER_SGD: SgdOptions = { momentum: 0.9, weightDecay: 5e-5 };

/** Momentum SGD over named variables, with its state in plain arrays for checkpoints. */
export class SgdMomentum {
  private readonly buffers = new Map<string, tf.Variable>();
  private readonly decayed = new Set<string>();

  constructor(private readonly params: Map<string, tf.Variable>, private readonly options: SgdOptions) {
    const decays = options.decays ?? ((_name: string, v: tf.Variable) => v.rank === 4);
    for (const [name, variable] of params) {
      this.buffers.set(name, tf.variable(tf.zerosLike(variable), false));
      if (decays(name, variable)) this.decayed.add(name);
    }
  }

  /** Names of the decayed parameters. */
  get decayedNames(): string[] {
    return [...this.decayed];
  }

  /**
   * One step: `gradients` by parameter name (missing = zero gradient), multiplied by
   * `gradientScale` first (1/K when K images were summed).
   */
  step(gradients: Record<string, tf.Tensor>, lr: number, gradientScale = 1): void {
    const { momentum, weightDecay } = this.options;
    const unknown = Object.keys(gradients).filter((name) => !this.params.has(name));
    if (unknown.length > 0) throw new Error(`SgdMomentum: gradients for unknown parameters ${unknown.slice(0, 3).join(', ')} (key them by parameter name, not tfjs variable name)`);
    for (const [name, variable] of this.params) {
      const buffer = this.buffers.get(name) as tf.Variable;
      const gradient = gradients[name];
      tf.tidy(() => {
        let d: tf.Tensor = gradient ? (gradientScale === 1 ? gradient : tf.mul(gradient, gradientScale)) : tf.zerosLike(variable);
        if (weightDecay !== 0 && this.decayed.has(name)) d = tf.add(d, tf.mul(variable, weightDecay));
        const velocity = tf.add(tf.mul(buffer, momentum), d);
        buffer.assign(velocity);
        variable.assign(tf.sub(variable, tf.mul(velocity, lr)));
      });
    }
  }

  /** The momentum buffers, by parameter name. */
  state(): { name: string; shape: number[]; data: Float32Array }[] {
    return [...this.buffers].map(([name, b]) => ({ name, shape: [...b.shape], data: Float32Array.from(b.dataSync() as Float32Array) }));
  }

  restore(values: Map<string, { shape: number[]; data: Float32Array }>, file = 'momentum state'): void {
    for (const [name, buffer] of this.buffers) {
      const saved = values.get(name);
      if (!saved) throw new Error(`${file}: no momentum buffer for ${name}`);
      if (saved.shape.length !== buffer.shape.length || saved.shape.some((d, i) => d !== buffer.shape[i])) {
        throw new Error(`${file}: momentum buffer ${name} has shape [${saved.shape}], expected [${buffer.shape}]`);
      }
      tf.tidy(() => buffer.assign(tf.tensor(saved.data, saved.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
