// Times one workload on one backend in its own process, so peak memory is that line's alone.
// Prints one JSON line: {name, backend, ms (median), runs, peak_mb}.
import { initBackend, type BackendName } from '../backend.js';
import { WORKLOADS } from './workloads.js';

const [name, backend, runsText, warmupText] = process.argv.slice(2);
const workload = WORKLOADS.find((w) => w.name === name);
if (!workload) throw new Error(`unknown workload ${name}`);
await initBackend(backend as BackendName);
const runs = Number(runsText ?? 5);
const warmup = Number(warmupText ?? 1);
const { run, dispose } = await workload.setup();
for (let i = 0; i < warmup; i++) await run();
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  await run();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
dispose();
times.sort((a, b) => a - b);
const median = times.length % 2 ? (times[(times.length - 1) / 2] as number) : ((times[times.length / 2 - 1] as number) + (times[times.length / 2] as number)) / 2;
process.stdout.write(`${JSON.stringify({ name, backend, ms: median, runs: times, peak_mb: process.resourceUsage().maxRSS / 1024 })}\n`);
