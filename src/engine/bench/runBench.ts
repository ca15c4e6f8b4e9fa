// `facepatch bench`: every workload on every requested backend, each in its own process (so the
// peak memory is that line's), beside the same network in PyTorch (Debian's python3-torch,
// 2 threads, channels_last) in the same run; the ratio is facepatch / PyTorch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, sharedDir } from '../../config/paths.js';
import { WORKLOADS } from './workloads.js';

export interface BenchLine {
  name: string;
  backend: string;
  ms: number | null;
  pytorch_ms: number | null;
  ratio: number | null;
  peak_mb: number | null;
  pytorch_peak_mb: number | null;
  note?: string;
}

export interface BenchOptions {
  workloads: string[];
  backends: string[];
  runs: number;
  warmup: number;
  /** Python with torch for the peer; null skips it. */
  python: string | null;
  onLine?: (line: BenchLine) => void;
  onStatus?: (message: string) => void;
}

interface Measured {
  ms: number;
  peak_mb: number;
}

function runJsonProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Measured | { error: string } {
  const result = spawnSync(command, args, { cwd: packageRoot(), encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(lastLine);
    return { ms: parsed.ms, peak_mb: parsed.peak_mb };
  } catch {
    const reason = (result.stderr || result.stdout || `exit ${result.status}`).trim().split('\n').slice(-3).join(' | ');
    return { error: reason };
  }
}

export const DEFAULT_PYTHON = '/usr/bin/python3';

export function pythonWithTorch(python = DEFAULT_PYTHON): string | null {
  if (!existsSync(python)) return null;
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0 ? python : null;
}

export function runBench(options: BenchOptions): BenchLine[] {
  const lines: BenchLine[] = [];
  const root = packageRoot();
  const worker = join(root, 'src', 'engine', 'bench', 'worker.ts');
  const env = { ...process.env, FACEPATCH_QUIET: '1', FACEPATCH_BENCH_THREADS: '2', FACEPATCH_SHARED: sharedDir() };
  for (const name of options.workloads) {
    if (!WORKLOADS.some((w) => w.name === name)) throw new Error(`unknown workload ${name}`);
    let peer: Measured | { error: string } | null = null;
    if (options.python) {
      options.onStatus?.(`${name}: pytorch`);
      peer = runJsonProcess(options.python, [join(root, 'bench', 'pytorch_bench.py'), name, String(options.runs), String(options.warmup)], env);
    }
    const peerMs = peer && 'ms' in peer ? peer.ms : null;
    for (const backend of options.backends) {
      options.onStatus?.(`${name}: ${backend}`);
      const own = runJsonProcess(process.execPath, ['--import', 'tsx', worker, name, backend, String(options.runs), String(options.warmup)], env);
      const line: BenchLine = {
        name,
        backend,
        ms: 'ms' in own ? own.ms : null,
        pytorch_ms: peerMs,
        ratio: 'ms' in own && peerMs ? own.ms / peerMs : null,
        peak_mb: 'ms' in own ? own.peak_mb : null,
        pytorch_peak_mb: peer && 'ms' in peer ? peer.peak_mb : null,
      };
      const notes = ['error' in own ? `${backend}: ${own.error}` : '', peer && 'error' in peer ? `pytorch: ${peer.error}` : '', options.python ? '' : 'pytorch peer unavailable (install python3-torch)'].filter(Boolean);
      if (notes.length) line.note = notes.join('; ');
      lines.push(line);
      options.onLine?.(line);
    }
  }
  return lines;
}
