// The user's path end to end through the CLI on a real detector and real WIDER FACE images, kept
// small (2 images, 160 px, 1 epoch): attack -> evaluate with the patch -> render, and the
// controls (none, noise). Figures are not checked here (see the README); plumbing and files are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireShared } from '../../helpers/shared.js';
import { runCli } from '../../helpers/cli.js';
import { loadPatch } from '../../../src/patch/patchFile.js';
import { valuesDigest } from '../../../src/eval/detectionJournal.js';

const common = ['--detector', 'retinaface-mobilenet0.25', '--backend', 'wasm', '--max-images', '2'];

test('attack, resume, evaluate with the patch and the controls, render: all through the CLI', async (t) => {
  const root = requireShared(t, 'data', 'widerface');
  const weights = requireShared(t, 'models', 'retinaface-mobilenet0.25');
  if (!root || !weights) return;
  const out = mkdtempSync(join(tmpdir(), 'facepatch-cli-'));
  const run = join(out, 'run');
  const attack = runCli(['attack', ...common, '--method', 'combination', '--root', root, '--split', 'val', '--epochs', '1', '--max-side', '160', '--out', run, '--json']);
  assert.equal(attack.status, 0, attack.stderr);
  const attackDoc = JSON.parse(attack.stdout);
  assert.equal(attackDoc.epochsDone, 1);
  for (const f of ['patch.png', 'patch.json', 'checkpoint.json', 'history.csv', 'run.json']) assert.ok(existsSync(join(run, f)), f);
  const runInfo = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
  assert.equal(runInfo.provenance.detector, 'retinaface-mobilenet0.25');
  assert.equal(runInfo.provenance.backend, 'wasm');
  assert.ok(runInfo.provenance.commit);
  // Running again into the same folder without --resume is refused; with --resume and more epochs it continues.
  const again = runCli(['attack', ...common, '--method', 'combination', '--root', root, '--split', 'val', '--epochs', '1', '--max-side', '160', '--out', run]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /--resume/);
  const resumed = runCli(['attack', ...common, '--method', 'combination', '--root', root, '--split', 'val', '--epochs', '2', '--max-side', '160', '--out', run, '--resume', '--json']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).resumedFrom, 1);

  for (const patch of ['none', 'noise', join(run, 'patch.png')]) {
    const evaluation = runCli(['evaluate', ...common, '--root', root, '--patch', patch, '--max-side', '320', '--json']);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    const doc = JSON.parse(evaluation.stdout);
    assert.equal(doc.images, 2);
    assert.ok(doc.recall.all >= 0 && doc.recall.all <= 1);
    assert.equal(doc.criteria.criterion2.patches > 0, patch !== 'none', `patches pasted for --patch ${patch}`);
    // the provenance names the patch's bytes, not only its path
    if (patch === 'none') assert.equal(doc.provenance.config.patchDigest, undefined);
    else assert.match(doc.provenance.config.patchDigest, /^[0-9a-f]{16}$/);
    if (patch.endsWith('.png')) assert.equal(doc.provenance.config.patchDigest, valuesDigest((await loadPatch(patch)).values));
  }

  const rendered = join(out, 'render.png');
  const image = join(root, 'WIDER_val', 'images', '19--Couple', '19_Couple_Couple_19_1014.jpg');
  const render = runCli(['render', '--detector', 'retinaface-mobilenet0.25', '--backend', 'wasm', '--root', root, '--patch', join(run, 'patch.png'), '--image', image, '--out', rendered, '--max-side', '320', '--json']);
  assert.equal(render.status, 0, render.stderr);
  assert.ok(existsSync(rendered));
  const renderDoc = JSON.parse(render.stdout);
  assert.equal(renderDoc.facesFrom, 'WIDER FACE annotation');
  assert.deepEqual(Object.keys(renderDoc.counts).length, 3);
});

test('bad input names what is wrong', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const unknownDetector = runCli(['evaluate', '--detector', 'no-such-detector', '--backend', 'cpu', '--root', root, '--max-images', '1']);
  assert.equal(unknownDetector.status, 1);
  assert.match(unknownDetector.stderr, /unknown detector "no-such-detector"; valid choices: .*retinaface-mobilenet0.25/);
  const unknownMethod = runCli(['attack', '--method', 'pgd', '--out', '/tmp/x']);
  assert.equal(unknownMethod.status, 2);
  assert.match(unknownMethod.stderr, /Allowed choices are combination, iou, score, score-focal/);
  const missingPatch = runCli(['evaluate', '--detector', 'retinaface-mobilenet0.25', '--backend', 'cpu', '--root', root, '--patch', '/nonexistent/patch.png', '--max-images', '1']);
  assert.equal(missingPatch.status, 1);
  assert.match(missingPatch.stderr, /\/nonexistent\/patch.png/);
});

test('any ONNX face detector loads from the CLI with a JSON config (ULFD RFB-320 as the example)', (t) => {
  const model = requireShared(t, 'models', 'ulfd', 'version-RFB-320_without_postprocessing.onnx');
  if (!model) return;
  const out = mkdtempSync(join(tmpdir(), 'facepatch-onnx-'));
  const image = join(process.cwd(), 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg');
  const r = runCli(['detect', '--detector', `onnx:${model}`, '--detector-config', join('examples', 'ulfd-rfb-320.detector.json'), '--backend', 'wasm', '--threshold', '0.9', '--out', out, image, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.ok(doc.results[0].faces >= 1, 'finds at least one face in sample1.jpg');
  const bad = runCli(['detect', '--detector', `onnx:${model}`, '--detector-config', '{"input": {}, "scores": {"output": "nope"}}', '--backend', 'wasm', '--out', out, image]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /boxes|nope/);
});
