// Times face-api's SSD MobileNetV1 at 512x512 (forward, and forward + gradient of the summed scores
// w.r.t. the input) on the tuned wasm engine, the shipped wasm backend, and cpu.
// Usage: npx tsx scripts/bench-wasm.ts [--backend wasm|cpu] [--threads N] [--kernels all|missing|shipped]
//          [--runs N] [--batch B] [--size S]
//   --kernels all:     facepatch's gradient kernels (default)
//   --kernels missing: only the kernels the shipped backend lacks; its own Conv2DBackpropInput stays
//   --kernels shipped: none (SSD's input gradient then fails: no DepthwiseConv2dNativeBackpropInput)
//   --threads 1 uses the shipped single-threaded module.
import * as tf from '@tensorflow/tfjs';
import { createDetector } from '../src/detectors/registry.js';
import {
  depthwiseConv2dNativeBackpropInputConfig,
  setupWasmEngine,
  unsortedSegmentSumConfig,
  wasmEngineStatus,
  wasmThreadCount,
} from '../src/engine/wasm/index.js';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const backend = flag('backend', 'wasm');
const kernels = flag('kernels', 'all');
const runs = Number(flag('runs', '3'));
const batch = Number(flag('batch', '1'));
const size = Number(flag('size', '512'));

if (backend === 'wasm') {
  const threads = process.argv.includes('--threads') ? Number(flag('threads', '1')) : undefined;
  setupWasmEngine({ threads, tunedKernels: kernels === 'all' });
  if (kernels === 'missing') for (const config of [depthwiseConv2dNativeBackpropInputConfig, unsortedSegmentSumConfig]) tf.registerKernel(config);
}
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
await tf.ready();
const setting =
  backend === 'wasm'
    ? `wasm, ${wasmThreadCount()} thread(s)${wasmEngineStatus()?.fallbackReason ? ` (threads failed: ${wasmEngineStatus()?.fallbackReason})` : ''}, kernels ${kernels}`
    : backend;

const detector = await createDetector('ssd-mobilenetv1');
const input = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

async function time(label: string, fn: () => tf.Tensor): Promise<void> {
  const samples: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const start = performance.now();
      const out = tf.tidy(fn);
      await out.data();
      out.dispose();
      if (i > 0) samples.push(performance.now() - start); // the first run warms up
    }
  } catch (error) {
    console.log(`${setting} | ${label}: FAILED (${(error as Error).message})`);
    return;
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`${setting} | ${label} ${batch}x${size}x${size}: median ${median.toFixed(0)} ms (min ${samples[0].toFixed(0)}, ${runs} runs)`);
}

await time('forwardRaw', () => detector.forwardRaw(input).scores);
await time('forwardRaw + input gradient', () => tf.grad((x) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(input));
detector.dispose();
input.dispose();
