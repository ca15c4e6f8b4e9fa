// Times RetinaFace-MobileNet0.25 at 640x480 (forward, and forward + input gradient) on the
// tfjs backends. Usage: npx tsx scripts/bench-retinaface.ts [cpu|wasm ...] [--runs N]
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/engine/backend.js';
import { createRetinaFace } from '../src/detectors/retinaface/index.js';

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 3;
const backend = (args.find((a) => !a.startsWith('--') && a !== args[runsFlag + 1]) ?? 'cpu') as BackendName;

await initBackend(backend, (m) => console.error(m));
const detector = await createRetinaFace();
const input = tf.randomUniform([1, 480, 640, 3], 0, 1, 'float32', 7) as tf.Tensor4D;

async function time(label: string, fn: () => tf.Tensor): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = tf.tidy(fn);
    await out.data();
    out.dispose();
    if (i > 0) samples.push(performance.now() - start); // the first run warms up
  }
  samples.sort((a, b) => a - b);
  console.log(`${tf.getBackend()} ${label} 640x480: median ${samples[Math.floor(samples.length / 2)].toFixed(0)} ms (min ${samples[0].toFixed(0)}, ${runs} runs)`);
}

await time('forwardRaw', () => detector.forwardRaw(input).scores);
await time('forwardRaw + input gradient', () => tf.grad((x) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(input));
detector.dispose();
