// Progress on stderr (stdout stays clean for --json). A bar on a terminal, sparse lines otherwise.
import cliProgress from 'cli-progress';

export interface Progress {
  tick(increment?: number, fields?: Record<string, string | number>): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Extra fields shown after the bar, e.g. { loss: 0.12 }. */
  fields?: Record<string, string | number>;
  enabled?: boolean;
}

export function createProgress(options: ProgressOptions): Progress {
  const { label, total } = options;
  const enabled = options.enabled ?? process.env.FACEPATCH_QUIET !== '1';
  if (!enabled) return { tick() {}, stop() {} };
  const fieldNames = Object.keys(options.fields ?? {});
  const fieldFormat = fieldNames.map((name) => `${name} {${name}}`).join(' | ');
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted}${fieldFormat ? ` | ${fieldFormat}` : ''}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, options.fields ?? {});
    return {
      tick: (increment = 1, fields) => bar.increment(increment, fields ?? {}),
      stop: () => bar.stop(),
    };
  }
  // Not a terminal (CI, a log file): a line at every 10% and at the end.
  let value = 0;
  let lastReported = -1;
  const start = Date.now();
  let current: Record<string, string | number> = { ...(options.fields ?? {}) };
  const report = () => {
    const elapsed = (Date.now() - start) / 1000;
    const eta = value > 0 ? (elapsed / value) * (total - value) : 0;
    const extra = Object.entries(current)
      .map(([k, v]) => `${k} ${v}`)
      .join(' | ');
    process.stderr.write(`${label} ${value}/${total} | ${elapsed.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s${extra ? ` | ${extra}` : ''}\n`);
  };
  return {
    tick(increment = 1, fields) {
      value += increment;
      if (fields) current = { ...current, ...fields };
      const decile = total > 0 ? Math.floor((10 * value) / total) : 10;
      if (decile !== lastReported) {
        lastReported = decile;
        report();
      }
    },
    stop() {
      if (lastReported !== 10) report();
    },
  };
}
