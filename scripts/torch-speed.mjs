// Informal speed check of the torch backend (the formal `npm run bench` comes later):
// ResNet-18 + FPN (P2..P5, 256 channels) at 640x640, written in tfjs with random weights,
// forward and forward+backward to the input, on tfjs backends and on PyTorch itself.
// Usage: node scripts/torch-speed.mjs [--backends torch,wasm,pytorch] [--size 640] [--runs 3]
//        [--threads 2] [--profile]   (--profile: per-kernel times of one fwd+bwd, tfjs backends)
//        (needs `npm run build:native` for torch; /usr/bin/python3 with torch for pytorch)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const backends = option('backends', 'torch,wasm,pytorch').split(',');
const size = Number(option('size', '640'));
const runs = Number(option('runs', '3'));
const threads = Number(option('threads', '2'));

// --- the network (conv + bias stand in for conv + folded batch norm) -----------------------
function convWeights(k, cin, cout, seed) {
  const std = Math.sqrt(2 / (k * k * cin));
  return { w: tf.randomNormal([k, k, cin, cout], 0, std, 'float32', seed), b: tf.zeros([cout]) };
}

function makeResnet18Fpn() {
  let seed = 1;
  const c = (k, cin, cout) => convWeights(k, cin, cout, seed++);
  const blocks = [];
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    const stage = [];
    for (let i = 0; i < 2; i++) {
      const s = i === 0 ? stride : 1;
      stage.push({ stride: s, a: c(3, cin, cout), b: c(3, cout, cout), down: s !== 1 || cin !== cout ? c(1, cin, cout) : null });
      cin = cout;
    }
    blocks.push(stage);
  }
  return {
    stem: c(7, 3, 64),
    blocks,
    lateral: [64, 128, 256, 512].map((ch) => c(1, ch, 256)),
    output: [0, 1, 2, 3].map(() => c(3, 256, 256)),
  };
}

const pad = (p) => [[0, 0], [p, p], [p, p], [0, 0]];
const conv = (x, { w, b }, stride, p) => tf.add(tf.conv2d(x, w, stride, pad(p)), b);

function forward(net, x) {
  let y = tf.relu(conv(x, net.stem, 2, 3));
  y = tf.maxPool(y, 3, 2, pad(1));
  const features = [];
  for (const stage of net.blocks) {
    for (const block of stage) {
      const shortcut = block.down ? conv(y, block.down, block.stride, 0) : y;
      const h = tf.relu(conv(y, block.a, block.stride, 1));
      y = tf.relu(tf.add(conv(h, block.b, 1, 1), shortcut));
    }
    features.push(y);
  }
  const laterals = features.map((f, i) => conv(f, net.lateral[i], 1, 0));
  for (let i = 3; i > 0; i--) {
    const [, h, w] = laterals[i - 1].shape;
    laterals[i - 1] = tf.add(laterals[i - 1], tf.image.resizeNearestNeighbor(laterals[i], [h, w]));
  }
  return laterals.map((l, i) => conv(l, net.output[i], 1, 1)); // P2 (stride 4) .. P5
}

const loss = (outputs) => tf.addN(outputs.map((o) => tf.mean(o)));

async function timeTfjs(backend) {
  if (backend === 'torch') {
    process.env.FACEPATCH_TORCH_THREADS ??= String(threads);
    await import('@facepatch/tfjs-backend-torch');
  } else if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')}/`);
    wasm.setThreadsCount?.(threads);
  }
  await tf.setBackend(backend);
  await tf.ready();
  const net = makeResnet18Fpn();
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 7);
  const cpu = [];
  const time = (f) => {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    tf.tidy(() => {
      const out = f();
      (Array.isArray(out) ? out : [out]).forEach((t) => t.dataSync());
    });
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1e6);
    return (performance.now() - start) / 1000;
  };
  const fwd = () => forward(net, x);
  const fwdBwd = () => tf.grad((input) => loss(forward(net, input)))(x);
  if (args.includes('--profile')) await profile(() => time(fwdBwd));
  const result = { backend, fwd: [], fwdBwd: [], cpuFwd: [], cpuFwdBwd: [] };
  time(fwd); // warm-up (kernel selection, allocations)
  cpu.length = 0;
  for (let i = 0; i < runs; i++) result.fwd.push(time(fwd));
  result.cpuFwd = cpu.splice(0);
  time(fwdBwd);
  cpu.length = 0;
  for (let i = 0; i < runs; i++) result.fwdBwd.push(time(fwdBwd));
  result.cpuFwdBwd = cpu.splice(0);
  return result;
}

async function profile(run) {
  run();
  const info = await tf.profile(run);
  const byName = new Map();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += await k.kernelTimeMs;
    entry.calls++;
    byName.set(k.name, entry);
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  console.log(`${tf.getBackend()}: kernel time of one fwd+bwd ${total.toFixed(0)} ms`);
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`  ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  ${e.calls} calls`);
  }
}

const PYTORCH = `
import time, sys, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(${threads})
size, runs = ${size}, ${runs}
def c(k, cin, cout): return nn.Conv2d(cin, cout, k, bias=True)
class Block(nn.Module):
    def __init__(s, cin, cout, stride):
        super().__init__(); s.stride = stride
        s.a = nn.Conv2d(cin, cout, 3, stride, 1); s.b = nn.Conv2d(cout, cout, 3, 1, 1)
        s.down = nn.Conv2d(cin, cout, 1, stride, 0) if stride != 1 or cin != cout else None
    def forward(s, x):
        sc = s.down(x) if s.down is not None else x
        return F.relu(s.b(F.relu(s.a(x))) + sc)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(3, 64, 7, 2, 3)
        stages, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            stages.append(nn.Sequential(Block(cin, cout, stride), Block(cout, cout, 1))); cin = cout
        s.stages = nn.ModuleList(stages)
        s.lateral = nn.ModuleList([nn.Conv2d(ch, 256, 1) for ch in [64, 128, 256, 512]])
        s.output = nn.ModuleList([nn.Conv2d(256, 256, 3, 1, 1) for _ in range(4)])
    def forward(s, x):
        y = F.max_pool2d(F.relu(s.stem(x)), 3, 2, 1); feats = []
        for st in s.stages: y = st(y); feats.append(y)
        lat = [l(f) for l, f in zip(s.lateral, feats)]
        for i in range(3, 0, -1): lat[i-1] = lat[i-1] + F.interpolate(lat[i], size=lat[i-1].shape[-2:], mode='nearest')
        return [o(l) for o, l in zip(s.output, lat)]
net = Net().eval().to(memory_format=torch.channels_last)
for p in net.parameters(): p.requires_grad_(False)
x = torch.rand(1, 3, size, size).to(memory_format=torch.channels_last)
def fwd():
    with torch.no_grad(): net(x)
def fwd_bwd():
    xi = x.clone().requires_grad_(True)
    out = net(xi); l = sum(o.mean() for o in out); l.backward()
cpu = []
def t(f):
    s, c = time.perf_counter(), time.process_time(); f(); cpu.append(time.process_time() - c); return time.perf_counter() - s
t(fwd); cpu.clear(); a = [t(fwd) for _ in range(runs)]; ca = cpu[:]
t(fwd_bwd); cpu.clear(); b = [t(fwd_bwd) for _ in range(runs)]; cb = cpu[:]
print(";".join(",".join("%.3f" % v for v in l) for l in [a, b, ca, cb]))
`;

function timePytorch() {
  const out = spawnSync('/usr/bin/python3', ['-c', PYTORCH], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`pytorch failed: ${out.stderr}`);
  const [fwd, fwdBwd, cpuFwd, cpuFwdBwd] = out.stdout.trim().split(';').map((s) => s.split(',').map(Number));
  return { backend: `pytorch ${threads} threads, channels_last`, fwd, fwdBwd, cpuFwd, cpuFwdBwd };
}

// best of N: on a shared machine the fastest run is the least disturbed one; CPU time (all
// threads) is steadier than wall time there, and with one thread it is the work itself
const best = (v) => Math.min(...v);
for (const backend of backends) {
  // each tfjs backend in its own process, so one's threads or memory cannot slow another
  let result;
  if (backend === 'pytorch') result = timePytorch();
  else if (process.env.TORCH_SPEED_CHILD) result = await timeTfjs(backend);
  else {
    const rest = args.filter((a, i) => a !== '--backends' && args[i - 1] !== '--backends');
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...rest, '--backends', backend], {
      encoding: 'utf8',
      env: { ...process.env, TORCH_SPEED_CHILD: '1' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0) console.error(`${backend}: failed`);
    continue;
  }
  console.log(
    `${result.backend.padEnd(34)} fwd ${best(result.fwd).toFixed(3)} s  fwd+bwd(input) ${best(result.fwdBwd).toFixed(3)} s` +
      `  cpu time ${best(result.cpuFwd).toFixed(3)} / ${best(result.cpuFwdBwd).toFixed(3)} s` +
      `  (runs: ${result.fwd.map((v) => v.toFixed(2)).join(' ')} | ${result.fwdBwd.map((v) => v.toFixed(2)).join(' ')})`,
  );
}
