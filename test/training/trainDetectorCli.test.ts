import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { requireShared } from '../helpers/shared.js';

test('train-detector rejects bad settings with messages naming them', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'facepatch-train-cli-')), 'run');
  const zero = runCli(['train-detector', '--out', out, '--accumulate', '0']);
  assert.equal(zero.status, 2);
  assert.match(zero.stderr, /--accumulate.*positive integer/);
  const backbone = runCli(['train-detector', '--out', out, '--backbone', 'vgg16']);
  assert.equal(backbone.status, 1);
  assert.match(backbone.stderr, /unknown SLN backbone "vgg16"; valid choices: resnet18/);
  const exported = runCli(['train-detector', '--out', out, '--export', 'weights.bin']);
  assert.match(exported.stderr, /--export .* must end in \.json/);
  const scales = runCli(['train-detector', '--out', out, '--scales', '0.5,-1']);
  assert.equal(scales.status, 2);
});

test('train-detector says how to start a ResNet without shipped ImageNet weights', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const out = join(mkdtempSync(join(tmpdir(), 'facepatch-train-cli-')), 'run');
  const r = runCli(['train-detector', '--root', root, '--out', out, '--max-images', '1', '--backend', 'cpu', '--epochs', '1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--backbone-weights none to train it from scratch/);
});
