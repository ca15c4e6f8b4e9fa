// `facepatch bench` (also `npm run bench`): facepatch's engines against PyTorch on the same networks.
import type { Command } from 'commander';
import { DEFAULT_PYTHON, pythonWithTorch, runBench } from '../../engine/bench/runBench.js';
import { WORKLOAD_NAMES } from '../../engine/bench/workloads.js';
import { BACKEND_NAMES } from '../../engine/backend.js';
import { makeProvenance } from '../../config/provenance.js';
import { FacepatchError } from '../../util/errors.js';
import { emit, formatTable, note } from '../output.js';
import { parsePositiveInt, parseNonNegativeInt } from '../options.js';

interface BenchFlags {
  workloads: string;
  backends: string;
  runs: number;
  warmup: number;
  python: string;
}

function parseList(value: string, valid: readonly string[], what: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!valid.includes(item)) throw new FacepatchError(`unknown ${what} "${item}"; valid choices: ${valid.join(', ')}`);
  return items;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('time forward, forward+backward-to-input and a training step on each backend beside PyTorch on the same networks (median after warm-up)')
    .option('--workloads <list>', `comma-separated workloads (${WORKLOAD_NAMES.join(', ')})`, WORKLOAD_NAMES.join(','))
    .option('--backends <list>', 'comma-separated backends to time (torch, wasm, cpu)', 'torch,wasm')
    .option('--runs <n>', 'timed runs per line (the median is reported)', parsePositiveInt, 5)
    .option('--warmup <n>', 'untimed runs first', parseNonNegativeInt, 1)
    .option('--python <path>', 'python with torch for the peer', DEFAULT_PYTHON)
    .action((flags: BenchFlags, command: Command) => {
      const workloads = parseList(flags.workloads, WORKLOAD_NAMES, 'workload');
      const backends = parseList(flags.backends, BACKEND_NAMES.filter((b) => b !== 'auto'), 'backend');
      const python = pythonWithTorch(flags.python);
      if (!python) note(`no PyTorch at ${flags.python}: the peer column stays empty (install python3-torch)`);
      const lines = runBench({
        workloads,
        backends,
        runs: flags.runs,
        warmup: flags.warmup,
        python,
        onStatus: (m) => note(`bench: ${m}`),
        onLine: (l) => note(`  ${l.name} ${l.backend}: ${l.ms?.toFixed(0) ?? '-'} ms vs pytorch ${l.pytorch_ms?.toFixed(0) ?? '-'} ms${l.ratio ? ` (x${l.ratio.toFixed(2)})` : ''}${l.note ? ` [${l.note}]` : ''}`),
      });
      const fmt = (v: number | null, digits = 0) => (v === null ? '-' : v.toFixed(digits));
      emit(command, { lines, runs: flags.runs, warmup: flags.warmup, provenance: makeProvenance({ config: { workloads, backends } }) }, () =>
        formatTable(
          ['line', 'backend', 'ms', 'pytorch ms', 'ratio', 'peak MB', 'pytorch peak MB', 'note'],
          lines.map((l) => [l.name, l.backend, fmt(l.ms), fmt(l.pytorch_ms), fmt(l.ratio, 2), fmt(l.peak_mb), fmt(l.pytorch_peak_mb), l.note ?? '']),
        ),
      );
    });
}
