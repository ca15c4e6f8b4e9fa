// An exponential moving average of the patch over optimiser steps (beyond the paper). With batch 1
// and Adam the last iterate is tied to the last few images it saw; the average over the last
// ~1 / (1 - decay) steps is a smoother patch (Polyak/EMA averaging) that is saved beside it, so one
// run yields both and they can be evaluated side by side. It never feeds back into the optimisation:
// the optimised patch, and so the run, is the same with or without it.
import { FacepatchError } from '../util/errors.js';
import { decodeValues, encodeValues } from '../patch/patchFile.js';

export interface PatchAverageState {
  decay: number;
  /** Optimiser steps averaged so far. */
  steps: number;
  /** The averaged values, encoded as patch files encode them (lossless float32). */
  values: string;
}

export class PatchAverage {
  private constructor(
    readonly decay: number,
    private averaged: Float32Array,
    private stepCount: number,
  ) {}

  /** Starts at the initial patch, so early averages need no bias correction. */
  static start(decay: number, initial: Float32Array): PatchAverage {
    if (!(decay > 0 && decay < 1)) throw new FacepatchError(`patch average: the decay must lie in (0, 1), got ${decay}`);
    return new PatchAverage(decay, Float32Array.from(initial), 0);
  }

  static restore(state: PatchAverageState, size: number): PatchAverage {
    const values = decodeValues(state.values);
    if (values.length !== size) throw new FacepatchError(`patch average: ${values.length} saved values for a patch of ${size}`);
    return new PatchAverage(state.decay, values, state.steps);
  }

  /** Folds in the patch after an optimiser step: average += (1 - decay) (patch - average). */
  update(values: Float32Array): void {
    const rate = 1 - this.decay;
    const average = this.averaged;
    for (let i = 0; i < average.length; i++) average[i] = (average[i] as number) + rate * ((values[i] as number) - (average[i] as number));
    this.stepCount++;
  }

  get values(): Float32Array {
    return this.averaged;
  }

  get steps(): number {
    return this.stepCount;
  }

  save(): PatchAverageState {
    return { decay: this.decay, steps: this.stepCount, values: encodeValues(this.averaged) };
  }
}
