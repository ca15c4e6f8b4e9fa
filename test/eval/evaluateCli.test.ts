// End to end: detections written in the WIDER submission format, scored by `facepatch evaluate`
// against the shared WIDER FACE val subset.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWiderFace } from '../../src/data/index.js';
import type { DatasetImage } from '../../src/data/types.js';
import { submissionFilePath, writeSubmission } from '../../src/eval/submissionFiles.js';
import type { ScoredBox } from '../../src/util/geometry.js';
import { runCli } from '../helpers/cli.js';
import { packageRoot } from '../../src/config/paths.js';
import { requireShared } from '../helpers/shared.js';

const SUBSETS = ['easy', 'medium', 'hard', 'all'] as const;

function temporaryDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-evaluate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeDetections(dir: string, images: DatasetImage[], detect: (image: DatasetImage) => ScoredBox[]): void {
  writeSubmission(dir, images.map((image) => ({ id: image.id, detections: detect(image) })));
}

function evaluateJson(args: string[]) {
  const r = runCli(['evaluate', '--json', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the ground truth as detections scores precision, recall and AP 1 on every subset of the shared val images', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const dataset = loadWiderFace({ root, split: 'val' });
  const dir = temporaryDir(t);
  writeDetections(dir, dataset.images, (image) => image.faces.map((f) => ({ ...f.box, score: 1 })));
  const doc = evaluateJson(['--detections', dir, '--root', root, '--split', 'val']);
  // The shared README's figures for the 282 present val images: the subsets' gt_list sizes.
  assert.equal(doc.images, 282);
  assert.deepEqual(doc.atDelta.easy.faces, 715);
  assert.deepEqual(doc.atDelta.medium.faces, 1460);
  assert.deepEqual(doc.atDelta.hard.faces, 4100);
  assert.deepEqual(doc.atDelta.all.faces, 5130);
  for (const s of SUBSETS) {
    assert.equal(doc.precision[s], 1, s);
    assert.equal(doc.recall[s], 1, s);
    assert.equal(doc.ap[s], 1, s);
    // Detections on faces outside a subset are dropped, not counted as false positives.
    assert.equal(doc.atDelta[s].proposals, doc.atDelta[s].faces, s);
  }
  // Every score is 1 >= t for all t in [0, 1]: F_beta is 1 everywhere, and so is its area.
  assert.deepEqual(doc.afbeta, { '0.001': 1, '0.01': 1, '0.1': 1, '0.5': 1 });
  assert.deepEqual(doc.criteria.criterion1.facesDetected, { easy: 715, medium: 1460, hard: 4100, all: 5130 });
  assert.deepEqual(doc.criteria.criterion2, { detections: 0, patches: 0, patchesDetected: 0, detectionsWithinPatches: 0 });
  assert.equal(doc.delta, 0.99);
  assert.equal(doc.detections.missingFiles, 0);
  assert.equal(doc.provenance.tool, 'facepatch');
  assert.deepEqual(doc.provenance.command.slice(1, 2), ['evaluate']);
});

test('--split train scores All alone: every annotated face, Easy/Medium/Hard null, with a note saying why', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const dataset = loadWiderFace({ root, split: 'train' });
  const dir = temporaryDir(t);
  // Every other face detected at score 1: recall on All is the share of even-indexed faces.
  writeDetections(dir, dataset.images, (image) => image.faces.filter((_, i) => i % 2 === 0).map((f) => ({ ...f.box, score: 1 })));
  const faces = dataset.images.reduce((sum, image) => sum + image.faces.length, 0);
  const detected = dataset.images.reduce((sum, image) => sum + Math.ceil(image.faces.length / 2), 0);
  const doc = evaluateJson(['--detections', dir, '--root', root, '--split', 'train']);
  assert.equal(doc.images, dataset.images.length);
  assert.deepEqual(doc.subsets, ['all']);
  assert.deepEqual(doc.atDelta.all, { faces, proposals: detected, recalled: detected, precision: 1, recall: detected / faces });
  for (const s of ['easy', 'medium', 'hard']) {
    assert.equal(doc.atDelta[s], null, s);
    assert.equal(doc.recall[s], null, s);
    assert.equal(doc.precision[s], null, s);
    assert.equal(doc.criteria.criterion1.faces[s], null, s);
  }
  assert.equal(doc.criteria.criterion1.facesDetected.all, detected);
  assert.equal(doc.dataset.split, 'train');
  const text = runCli(['evaluate', '--detections', dir, '--root', root, '--split', 'train'], { FACEPATCH_QUIET: '0' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stderr, /train has no Easy\/Medium\/Hard ground truth: scoring All alone/);
  const rows = text.stdout.split('\n').filter((line) => /^(easy|medium|hard|all)\s/.test(line));
  assert.deepEqual(rows.map((line) => line.split(/\s+/)[0]), ['all']);
  assert.match(text.stdout, new RegExp(`criterion 1: ${detected} of ${faces} faces still detected \\(all faces`));
});

test('with every other face shifted away, recall is the share of unshifted kept faces (computed from the data)', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const maxImages = 40;
  const { images } = loadWiderFace({ root, split: 'val', maxImages });
  const dir = temporaryDir(t);
  // Even-indexed faces: the exact box at score 1. Odd-indexed: moved 100,000 px away (IoU 0 with
  // everything) at score 0.5, so they are false positives once the threshold admits them.
  writeDetections(dir, images, (image) =>
    image.faces.map((f, k) => (k % 2 === 0 ? { ...f.box, score: 1 } : { ...f.box, x: f.box.x + 100_000, score: 0.5 })),
  );
  const kept = Object.fromEntries(SUBSETS.map((s) => [s, images.reduce((n, image) => n + (image.subsets?.[s].length ?? 0), 0)]));
  const unshiftedKept = Object.fromEntries(
    SUBSETS.map((s) => [s, images.reduce((n, image) => n + (image.subsets?.[s].filter((k) => k % 2 === 0).length ?? 0), 0)]),
  );
  const shifted = images.reduce((n, image) => n + Math.floor(image.faces.length / 2), 0);
  assert.ok(images.every((image) => image.faces.length > 0));

  const doc = evaluateJson(['--detections', dir, '--root', root, '--max-images', String(maxImages)]);
  assert.equal(doc.images, maxImages);
  for (const s of SUBSETS) {
    const r = (unshiftedKept[s] as number) / (kept[s] as number);
    assert.ok(r > 0.3 && r < 0.7, `${s}: ${r}`);
    assert.equal(doc.atDelta[s].faces, kept[s], s);
    assert.equal(doc.recall[s], r, s);
    assert.equal(doc.precision[s], 1, s);
    // Normalised, the unshifted are 1 and the shifted 0: precision 1 up to recall r, then
    // recall stays r when the false positives enter at the last threshold. AP = r x 1.
    assert.equal(doc.ap[s], r, s);
  }

  // At delta 0.4 the shifted boxes count: they match no face, so every one is a false positive.
  const low = evaluateJson(['--detections', dir, '--root', root, '--max-images', String(maxImages), '--delta', '0.4']);
  for (const s of SUBSETS) {
    assert.equal(low.atDelta[s].proposals, (unshiftedKept[s] as number) + shifted, s);
    assert.equal(low.precision[s], (unshiftedKept[s] as number) / ((unshiftedKept[s] as number) + shifted), s);
    assert.equal(low.recall[s], doc.recall[s], s);
  }
  // The shifted boxes are the false positives, listed one by one: they overlap nothing.
  assert.deepEqual(doc.falsePositives, { byKind: { patch: 0, 'within-patch': 0, duplicate: 0, 'near-face': 0, background: 0 }, list: [] });
  assert.equal(low.falsePositives.byKind.background, shifted);
  assert.equal(low.falsePositives.list.length, shifted);
  assert.ok(low.falsePositives.list.every((fp: { score: number; face: number }) => fp.score === 0.5 && fp.face === -1));
});

test('human output, a missing file (counted as no detections) and a malformed file (named with its line)', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const { images } = loadWiderFace({ root, split: 'val', maxImages: 3 });
  const dir = temporaryDir(t);
  writeDetections(dir, images, (image) => image.faces.map((f) => ({ ...f.box, score: 1 })));
  const first = images[0] as DatasetImage;
  unlinkSync(submissionFilePath(dir, first.id));

  const human = runCli(['evaluate', '--detections', dir, '--root', root, '--max-images', '3']);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /^subset\s+faces\s+proposals\s+recalled\s+precision %\s+recall %\s+AP %/m);
  for (const s of SUBSETS) assert.match(human.stdout, new RegExp(`^${s}\\s+\\d+`, 'm'));
  assert.match(human.stdout, /1 images had no detection file/);
  assert.match(human.stdout, /^false positives at delta = 0\.99 \(all\): none$/m);

  const doc = evaluateJson(['--detections', dir, '--root', root, '--max-images', '3']);
  assert.equal(doc.detections.missingFiles, 1);
  const facesOfOthers = images.slice(1).reduce((n, image) => n + image.faces.length, 0);
  assert.equal(doc.atDelta.all.recalled, facesOfOthers);
  assert.equal(doc.atDelta.all.faces, facesOfOthers + first.faces.length);

  const broken = submissionFilePath(dir, (images[1] as DatasetImage).id);
  writeFileSync(broken, 'name\n2\n1 2 3 4 0.9\n1 2 3 x 0.8\n');
  const bad = runCli(['evaluate', '--detections', dir, '--root', root, '--max-images', '3']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '');
  assert.ok(bad.stderr.includes(`${broken}:4: "x" is not a number`), bad.stderr);
});

test('evaluate without a detection source is an error that says what to pass', () => {
  const r = runCli(['evaluate', '--root', tmpdir()]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--detections <dir>/);
});

test('a journaled evaluation resumes with the same figures; compare --resume reuses its journals', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const dir = temporaryDir(t);
  const journal = join(dir, 'noise.jsonl');
  const args = ['--detector', 'ssd-mobilenetv1', '--backend', 'auto', '--patch', 'noise', '--root', root, '--max-images', '2'];
  const first = evaluateJson([...args, '--journal', journal]);
  assert.equal(first.detections.reusedFromJournal, 0);
  const resumed = evaluateJson([...args, '--journal', journal, '--resume']);
  assert.equal(resumed.detections.reusedFromJournal, 2);
  assert.deepEqual({ ...resumed.atDelta, ap: resumed.ap, criteria: resumed.criteria }, { ...first.atDelta, ap: first.ap, criteria: first.criteria });
  // Another patch (a different seed draws other noise) cannot reuse the journal.
  const other = runCli(['evaluate', '--json', ...args, '--seed', '7', '--journal', journal, '--resume']);
  assert.equal(other.status, 1);
  assert.match(other.stderr, /holds detections of another setting/);
  const lonely = runCli(['evaluate', '--json', ...args, '--resume']);
  assert.match(lonely.stderr, /--resume continues the evaluation recorded by --journal/);

  const out = join(dir, 'compare');
  const iouSpec = `iou=${join(packageRoot(), 'patches', 'ssd-mobilenetv1-iou.png')}`;
  const compareArgs = ['compare', '--json', '--detector', 'ssd-mobilenetv1', '--backend', 'auto', '--patch', 'none', '--patch', 'noise', '--patch', iouSpec, '--parts', 'top-half', '--scales', '0.5', '--root', root, '--max-images', '2', '--out', out];
  const full = runCli(compareArgs);
  assert.equal(full.status, 0, full.stderr);
  const again = runCli([...compareArgs, '--resume']);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).rows, JSON.parse(full.stdout).rows);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  // The parts and scales rows (the paper's Tables 4 and 5) follow each pasted setting, controls included.
  const noise = 'noise patch (unoptimised)';
  assert.deepEqual(results.rows.map((r: { label: string }) => r.label), ['clean', noise, `${noise}, top-half removed`, `${noise}, scale 0.5`, 'iou', 'iou, top-half removed', 'iou, scale 0.5']);
  assert.deepEqual(results.rows.map((r: { reusedFromJournal: number }) => r.reusedFromJournal), [2, 2, 2, 2, 2, 2, 2]);
  const keys = results.rows.map((_: unknown, i: number) => readFileSync(join(out, 'journals', `setting-${i + 1}.jsonl`), 'utf8').split('\n')[0]);
  assert.match(keys[5], /"mask":"top-half"/);
  assert.match(keys[6], /"scale":0.5/);
  // each patch's values are named by digest (the journal key's), so the report outlives a replaced file
  const digests = results.provenance.config.patchDigests;
  assert.deepEqual(Object.keys(digests).sort(), [iouSpec, 'noise'].sort());
  assert.match(keys[4], new RegExp(`"values":"${digests[iouSpec]}"`));
});
