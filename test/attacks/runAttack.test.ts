import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epochLearningRate, runAttack, type AttackConfig } from '../../src/attacks/runAttack.js';
import { DEFAULT_SELECTION_PARAMS } from '../../src/attacks/selection/index.js';
import { NO_EOT } from '../../src/patch/photometric.js';
import { saveImagePng } from '../../src/data/images/saveImagePng.js';
import { loadPatch } from '../../src/patch/patchFile.js';
import { makeProvenance } from '../../src/config/provenance.js';
import { createToyDetector } from '../helpers/toyDetector.js';

// Three small grey images with red 16x16 "faces" the toy detector scores near 1.
async function makeItems(dir: string) {
  const items = [];
  for (let n = 0; n < 3; n++) {
    const W = 48, H = 32;
    const data = new Float32Array(W * H * 3).fill(0.5);
    const faces = [{ x: 4 + 8 * n, y: 8, w: 16, h: 16 }];
    for (const f of faces) for (let y = f.y; y < f.y + f.h; y++) for (let x = f.x; x < f.x + f.w; x++) data.set([1, 0, 0], (y * W + x) * 3);
    const path = join(dir, `img${n}.png`);
    await saveImagePng(path, { width: W, height: H, data });
    items.push({ id: `img${n}`, path, faces });
  }
  return items;
}

const config: AttackConfig = {
  detector: 'toy', method: 'combination', epochs: 4, batch: 2, lr: 0.05, lrDecayEpochs: [2], optimizer: 'adam', init: 'constant:0.9,0.1,0.1',
  patchSize: 8, alpha: 0.75, location: 'center', scale: 1, mask: 'none', seed: 5, maxSide: 640,
  selection: DEFAULT_SELECTION_PARAMS, eot: NO_EOT, snapshotEpochs: [0, 2],
};

test('an attack run lowers the loss, writes patch, snapshots and history, and a killed run resumes bit for bit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-'));
  const items = await makeItems(dir);
  const detector = createToyDetector();
  const full = await runAttack({ config, detector, items, outDir: join(dir, 'full') });
  assert.equal(full.history.length, 4);
  assert.ok(full.history[3]!.loss < full.history[0]!.loss, `loss ${full.history.map((h) => h.loss)}`);
  for (const f of ['patch.png', 'patch.json', 'checkpoint.json', 'history.csv', 'snapshots/epoch-000.png', 'snapshots/epoch-002.json']) {
    assert.ok(existsSync(join(dir, 'full', f)), f);
  }
  // Killed after one epoch, then resumed: same patch, same history.
  const partial = await runAttack({ config, detector, items, outDir: join(dir, 'resumed'), stopAfterEpochs: 1 });
  assert.equal(partial.epochsDone, 1);
  await assert.rejects(runAttack({ config, detector, items, outDir: join(dir, 'resumed') }), /--resume/);
  const resumed = await runAttack({ config, detector, items, outDir: join(dir, 'resumed'), resume: true });
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(Array.from(resumed.patch.values), Array.from(full.patch.values));
  assert.deepEqual(resumed.history.map((h) => h.loss), full.history.map((h) => h.loss));
  // The saved patch.json holds the exact values.
  const saved = await loadPatch(join(dir, 'full', 'patch.json'));
  assert.deepEqual(Array.from(saved.values), Array.from(full.patch.values));
  // A snapshot says where it came from: the config, its epoch and the history up to it.
  const snapshot = JSON.parse(readFileSync(join(dir, 'full', 'snapshots', 'epoch-002.json'), 'utf8'));
  assert.equal(snapshot.epochsDone, 2);
  assert.equal(snapshot.history.length, 2);
  assert.equal(snapshot.config.method, 'combination');
  // A different configuration cannot resume.
  await assert.rejects(runAttack({ config: { ...config, lr: 0.1 }, detector, items, outDir: join(dir, 'resumed'), resume: true }), /settings differ.*lr \(saved 0.05, now 0.1\)/);
  // A run saved before --sample-weighting existed averaged over samples: it resumes as 'sample', not as 'face'.
  const explicit = await runAttack({ config: { ...config, sampleWeighting: 'sample' }, detector, items, outDir: join(dir, 'resumed'), resume: true });
  assert.equal(explicit.epochsDone, 4);
  await assert.rejects(runAttack({ config: { ...config, sampleWeighting: 'face' }, detector, items, outDir: join(dir, 'resumed'), resume: true }), /settings differ/);
  assert.match(readFileSync(join(dir, 'full', 'history.csv'), 'utf8'), /^epoch,lr,loss,samples/);
});

test('a checkpoint written by older code (keys in another order, later settings absent) resumes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-old-'));
  const items = await makeItems(dir);
  const detector = createToyDetector();
  const constant = { ...config, lrDecayEpochs: [] };
  const full = await runAttack({ config: constant, detector, items, outDir: join(dir, 'full') });
  await runAttack({ config: constant, detector, items, outDir: join(dir, 'old'), stopAfterEpochs: 2 });
  // Rewrite the checkpoint as session-2 code saved it: no lrDecayEpochs, sampleWeighting or
  // selection.scoreLoss, keys reversed.
  const path = join(dir, 'old', 'checkpoint.json');
  const checkpoint = JSON.parse(readFileSync(path, 'utf8'));
  const { lrDecayEpochs: _decay, sampleWeighting: _weighting, ...older } = checkpoint.config;
  const { scoreLoss: _loss, ...olderSelection } = older.selection;
  checkpoint.config = Object.fromEntries(Object.entries({ ...older, selection: olderSelection }).reverse());
  writeFileSync(path, JSON.stringify(checkpoint));
  // Such a run minimised log S: it cannot resume as a log-background run.
  const background = { ...constant, selection: { ...constant.selection, scoreLoss: 'log-background' } };
  await assert.rejects(runAttack({ config: background, detector, items, outDir: join(dir, 'old'), resume: true }), /settings differ.*scoreLoss/);
  const resumed = await runAttack({ config: { ...constant, sampleWeighting: 'sample' }, detector, items, outDir: join(dir, 'old'), resume: true });
  assert.equal(resumed.resumedFrom, 2);
  assert.deepEqual(Array.from(resumed.patch.values), Array.from(full.patch.values));
});

test('keeping decoded images between epochs changes nothing in the result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-cache-'));
  const items = await makeItems(dir);
  const detector = createToyDetector();
  const cached = await runAttack({ config, detector, items, outDir: join(dir, 'cached') });
  const uncached = await runAttack({ config, detector, items, outDir: join(dir, 'uncached'), imageCacheBytes: 0 });
  assert.deepEqual(Array.from(cached.patch.values), Array.from(uncached.patch.values));
  assert.deepEqual(cached.history.map((h) => h.loss), uncached.history.map((h) => h.loss));
});

test('the learning rate drops x0.1 after each decay epoch', () => {
  const schedule = { lr: 0.01, lrDecayEpochs: [60, 80] };
  assert.deepEqual([1, 60, 61, 80, 81, 100].map((e) => +epochLearningRate(schedule, e).toExponential(6)), [0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001]);
  assert.equal(epochLearningRate({ lr: 0.5, lrDecayEpochs: [] }, 99), 0.5);
});

test('--image-sides draws each image\'s scale per epoch from the list, resumes bit for bit, and one side is the plain run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-sides-'));
  const items = await makeItems(dir);
  const toy = createToyDetector();
  const widths = new Set<number>();
  const detector = { ...toy, forwardRaw: (images: Parameters<typeof toy.forwardRaw>[0]) => (widths.add(images.shape[2]), toy.forwardRaw(images)) };
  const multi = { ...config, imageSides: [24, 48] };
  const full = await runAttack({ config: multi, detector, items, outDir: join(dir, 'full') });
  // The 48x32 images at a longer side of 24 (halved) and 48 (as they are); both are drawn in 4 epochs of 3 images.
  assert.deepEqual([...widths].sort((a, b) => a - b), [24, 48]);
  await runAttack({ config: multi, detector, items, outDir: join(dir, 'resumed'), stopAfterEpochs: 2 });
  const resumed = await runAttack({ config: multi, detector, items, outDir: join(dir, 'resumed'), resume: true });
  assert.deepEqual(Array.from(resumed.patch.values), Array.from(full.patch.values));
  await assert.rejects(runAttack({ config, detector, items, outDir: join(dir, 'resumed'), resume: true }), /settings differ.*imageSides/);
  // A single side draws nothing from the generator: the same patch as --max-side alone.
  widths.clear();
  const single = await runAttack({ config: { ...config, imageSides: [640] }, detector, items, outDir: join(dir, 'single') });
  const plain = await runAttack({ config, detector, items, outDir: join(dir, 'plain') });
  assert.deepEqual([...widths], [48]);
  assert.deepEqual(Array.from(single.patch.values), Array.from(plain.patch.values));
});

test('a run started from a saved patch records that patch\'s lineage (phases), also after a resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-lineage-'));
  const items = await makeItems(dir);
  const detector = createToyDetector();
  const first = { ...config, epochs: 2, snapshotEpochs: [] };
  await runAttack({ config: first, detector, items, outDir: join(dir, 'one'), provenance: { ...makeProvenance(), command: ['phase', 'one'] } });
  const second = { ...config, epochs: 2, snapshotEpochs: [], init: join(dir, 'one', 'patch.png'), seed: 6 };
  // The second phase starts from the first's exact values (patch.json beside patch.png) ...
  await runAttack({ config: second, detector, items, outDir: join(dir, 'two'), stopAfterEpochs: 1 });
  // The resume keeps the lineage from its checkpoint even when the first phase's files are gone.
  renameSync(join(dir, 'one'), join(dir, 'one-moved'));
  await runAttack({ config: second, detector, items, outDir: join(dir, 'two'), resume: true });
  const saved = JSON.parse(readFileSync(join(dir, 'two', 'patch.json'), 'utf8'));
  // ... and its patch.json names the first phase: file, command, config and history, without the values.
  assert.equal(saved.initialPatch.file, join(dir, 'one', 'patch.png'));
  assert.deepEqual(saved.initialPatch.provenance.command, ['phase', 'one']);
  assert.equal(saved.initialPatch.config.seed, 5);
  assert.equal(saved.initialPatch.history.length, 2);
  assert.equal(saved.initialPatch.values, undefined);
  // A run from a constant colour (no saved patch) has no lineage.
  const one = JSON.parse(readFileSync(join(dir, 'one-moved', 'patch.json'), 'utf8'));
  assert.equal(one.initialPatch, undefined);
});

test('--patch-average saves the moving average of the patch beside it, leaves the optimisation unchanged and resumes bit for bit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-attack-average-'));
  const items = await makeItems(dir);
  const detector = createToyDetector();
  // One optimiser step per epoch (a batch of all three images), every epoch a snapshot.
  const stepPerEpoch = { ...config, epochs: 3, batch: 3, snapshotEpochs: [0, 1, 2, 3] };
  const averaged = { ...stepPerEpoch, patchAverageDecay: 0.6 };
  const plain = await runAttack({ config: stepPerEpoch, detector, items, outDir: join(dir, 'plain') });
  const full = await runAttack({ config: averaged, detector, items, outDir: join(dir, 'full') });
  assert.deepEqual(Array.from(full.patch.values), Array.from(plain.patch.values));
  assert.equal(plain.averagePatch, undefined);
  assert.ok(!existsSync(join(dir, 'plain', 'patch-average.json')));
  // The average, replayed from the per-epoch snapshots in float32 as the run stores it.
  const snapshots = await Promise.all([0, 1, 2, 3].map((e) => loadPatch(join(dir, 'full', 'snapshots', `epoch-00${e}.json`))));
  const expected = Float32Array.from(snapshots[0]!.values);
  for (const step of snapshots.slice(1)) for (let i = 0; i < expected.length; i++) expected[i] = expected[i]! + 0.4 * (step.values[i]! - expected[i]!);
  assert.deepEqual(Array.from(full.averagePatch!.values), Array.from(expected));
  const saved = JSON.parse(readFileSync(join(dir, 'full', 'patch-average.json'), 'utf8'));
  assert.deepEqual(saved.average, { decay: 0.6, steps: 3 });
  assert.deepEqual(Array.from((await loadPatch(join(dir, 'full', 'patch-average.json'))).values), Array.from(expected));
  assert.ok(existsSync(join(dir, 'full', 'snapshots', 'epoch-002-average.png')));
  assert.ok(!existsSync(join(dir, 'full', 'snapshots', 'epoch-000-average.json')), 'epoch 0 has nothing averaged yet');
  // Killed after one epoch and resumed: the same average; a run with another decay cannot resume it.
  await runAttack({ config: averaged, detector, items, outDir: join(dir, 'resumed'), stopAfterEpochs: 1 });
  await assert.rejects(runAttack({ config: { ...averaged, patchAverageDecay: 0.9 }, detector, items, outDir: join(dir, 'resumed'), resume: true }), /settings differ.*patchAverageDecay/);
  const resumed = await runAttack({ config: averaged, detector, items, outDir: join(dir, 'resumed'), resume: true });
  assert.deepEqual(Array.from(resumed.averagePatch!.values), Array.from(expected));
  // A run saved without an average resumes as one without (the setting absent = 0).
  await runAttack({ config: stepPerEpoch, detector, items, outDir: join(dir, 'plain-resume'), stopAfterEpochs: 1 });
  await assert.rejects(runAttack({ config: averaged, detector, items, outDir: join(dir, 'plain-resume'), resume: true }), /settings differ.*patchAverageDecay/);
  const plainResumed = await runAttack({ config: { ...stepPerEpoch, patchAverageDecay: 0 }, detector, items, outDir: join(dir, 'plain-resume'), resume: true });
  assert.deepEqual(Array.from(plainResumed.patch.values), Array.from(plain.patch.values));
});
