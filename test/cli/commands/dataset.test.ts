import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { requireShared } from '../../helpers/shared.js';
import { writeSyntheticWider } from '../../data/widerface/syntheticWider.js';

test('dataset --help lists the stats subcommand', () => {
  const r = runCli(['dataset', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stats/);
  const stats = runCli(['dataset', 'stats', '--help']);
  assert.equal(stats.status, 0, stats.stderr);
  assert.match(stats.stdout, /--root <dir>/);
  assert.match(stats.stdout, /--max-images <n>/);
});

test('dataset stats --json on a synthetic root; human output is a table', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const r = runCli(['dataset', 'stats', '--root', root, '--split', 'val', '--max-images', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const document = JSON.parse(r.stdout);
  // Hand count: the first two present images (0_Parade_a, 0_Parade_b) of syntheticWider.ts.
  assert.equal(document.images, 2);
  assert.equal(document.skipped, 1);
  assert.equal(document.faces, 5);
  assert.deepEqual(document.subsets, { easy: 1, medium: 3, hard: 5 });
  const human = runCli(['dataset', 'stats', '--root', root]);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /images\s+3\n/);
  assert.match(human.stdout, /faces in hard\s+6/);
});

test('a missing root is an error naming it', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const absent = join(root, 'nowhere');
  const r = runCli(['dataset', 'stats', '--root', absent]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.ok(r.stderr.includes(absent), r.stderr);
});

test('dataset stats on the shared val subset (default root) prints the README figures', (t) => {
  const shared = requireShared(t, 'data', 'widerface');
  if (!shared) return;
  // The default root, unless the environment points elsewhere.
  const rootFlag = process.env.FACEPATCH_WIDER_ROOT ? ['--root', shared] : [];
  const r = runCli(['dataset', 'stats', '--split', 'val', '--json', ...rootFlag]);
  assert.equal(r.status, 0, r.stderr);
  const { images, skipped, faces, subsets } = JSON.parse(r.stdout);
  assert.deepEqual({ images, skipped, faces, subsets }, { images: 282, skipped: 2944, faces: 5130, subsets: { easy: 715, medium: 1460, hard: 4100 } });
});
