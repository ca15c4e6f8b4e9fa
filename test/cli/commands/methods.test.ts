import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';

test('methods lists the four methods, the sample weightings and the score losses, as JSON and as tables', () => {
  const r = runCli(['methods', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const document = JSON.parse(r.stdout);
  assert.deepEqual(document.methods.map((m: { name: string }) => m.name), ['combination', 'iou', 'score', 'score-focal']);
  assert.deepEqual(document.sampleWeightings.map((w: { name: string }) => w.name), ['face', 'face-patch', 'face-patch-top', 'sample']);
  assert.deepEqual(document.scoreLosses.map((l: { name: string }) => l.name), ['log-background', 'log-score']);
  assert.equal(document.defaults.scoreLoss, 'log-score');
  const human = runCli(['methods']);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /Patch-Score-Focal/);
  assert.match(human.stdout, /--sample-weighting \(default sample\)/);
  assert.match(human.stdout, /--score-loss \(default log-score\)/);
});

test('attack refuses an unknown sample weighting and names the valid ones', () => {
  const r = runCli(['attack', '--out', '/tmp/never-written', '--sample-weighting', 'pixel']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /pixel/);
  assert.match(r.stderr, /face, face-patch, face-patch-top, sample|"face", "face-patch", "face-patch-top", "sample"/);
});

test('attack refuses an unknown score loss and names the valid ones', () => {
  const r = runCli(['attack', '--out', '/tmp/never-written', '--score-loss', 'hinge']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /hinge/);
  assert.match(r.stderr, /log-background, log-score|"log-background", "log-score"/);
});

test('attack refuses a patch-average decay of 1 or outside [0, 1], saying why', () => {
  const one = runCli(['attack', '--out', '/tmp/never-written', '--patch-average', '1']);
  assert.notEqual(one.status, 0);
  assert.match(one.stderr, /--patch-average.*1 would never move from the initial patch/);
  const negative = runCli(['attack', '--out', '/tmp/never-written', '--patch-average', '-0.1']);
  assert.notEqual(negative.status, 0);
  assert.match(negative.stderr, /expected a number in \[0, 1\], got "-0.1"/);
});
