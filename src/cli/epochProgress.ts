// The progress of an attack run: one bar per epoch over its images, with loss and samples.
import { createProgress, type Progress } from '../util/progress.js';

export interface EpochProgress {
  onImage(info: { epoch: number; total: number; loss: number; samples: number }): void;
  stop(): void;
}

export function epochProgress(epochs: number): EpochProgress {
  let bar: Progress | undefined;
  let shown = 0;
  return {
    onImage({ epoch, total, loss, samples }) {
      if (epoch !== shown) {
        bar?.stop();
        bar = createProgress({ label: `epoch ${epoch}/${epochs}, images`, total, fields: { loss: '-', samples: 0 } });
        shown = epoch;
      }
      bar?.tick(1, { loss: loss.toFixed(4), samples });
    },
    stop: () => bar?.stop(),
  };
}
