import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetImage } from '../../src/data/types.js';
import type { DetectionSource, ImageDetections } from '../../src/eval/detectionSource.js';
import { journaledDetectionSource, valuesDigest } from '../../src/eval/detectionJournal.js';

// A source that answers from a table and counts the images it had to compute.
function countingSource(table: Record<string, ImageDetections>) {
  const computed: string[] = [];
  const source: DetectionSource = {
    description: 'table',
    async detectionsFor(image) {
      computed.push(image.id);
      return table[image.id]!;
    },
    report: () => ({ kind: 'table' }),
  };
  return { source, computed };
}

const image = (id: string) => ({ id }) as DatasetImage;
const table: Record<string, ImageDetections> = {
  a: { detections: [{ x: 1.25, y: 2, w: 3.1, h: 4, score: 0.1 + 0.2 }], patches: [{ x: 0.5, y: 1 / 3, w: 2, h: 2 }] },
  b: { detections: [] },
  c: { detections: [{ x: 10, y: 20, w: 30, h: 40, score: 0.999999 }] },
};

test('a journal resumes an evaluation with the exact detections and only computes the rest', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'facepatch-journal-')), 'detections.jsonl');
  const key = { detector: 'toy', patch: 'abc' };
  const first = countingSource(table);
  const killed = journaledDetectionSource(first.source, { path, key, resume: false });
  await killed.detectionsFor(image('a'));
  await killed.detectionsFor(image('b'));
  // A crash in the middle of the next line leaves a cut-off last line: it is dropped.
  appendFileSync(path, '{"id":"c","d":[[10,20');
  const second = countingSource(table);
  // The same key written by code that orders its fields differently is the same setting.
  const resumed = journaledDetectionSource(second.source, { path, key: { patch: 'abc', detector: 'toy' }, resume: true });
  const answers = [];
  for (const id of ['a', 'b', 'c']) answers.push(await resumed.detectionsFor(image(id)));
  assert.deepEqual(answers, [table.a, table.b, table.c], 'bit-exact doubles, patches kept, clean images without patches');
  assert.deepEqual(second.computed, ['c']);
  assert.equal(resumed.reused, 2);
  assert.equal(resumed.report().reusedFromJournal, 2);
  // Without --resume the journal starts afresh.
  const third = countingSource(table);
  const fresh = journaledDetectionSource(third.source, { path, key, resume: false });
  await fresh.detectionsFor(image('a'));
  assert.deepEqual(third.computed, ['a']);
  assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 2);
});

test('a journal of another setting, a foreign file or a corrupt middle line is refused with its path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-journal-'));
  const path = join(dir, 'detections.jsonl');
  const { source } = countingSource(table);
  const journal = journaledDetectionSource(source, { path, key: { patch: 'one' }, resume: false });
  await journal.detectionsFor(image('a'));
  await journal.detectionsFor(image('b'));
  assert.throws(() => journaledDetectionSource(source, { path, key: { patch: 'two' }, resume: true }), /another setting: patch \(saved "one", now "two"\)/);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, [lines[0], 'garbage', lines[2], ''].join('\n'));
  assert.throws(() => journaledDetectionSource(source, { path, key: { patch: 'one' }, resume: true }), /detections\.jsonl: line 2: not valid JSON/);
  writeFileSync(path, 'hello\n');
  assert.throws(() => journaledDetectionSource(source, { path, key: { patch: 'one' }, resume: true }), /line 1: not a detections journal header/);
});

test('patch digests tell different values apart', () => {
  assert.equal(valuesDigest(new Float32Array([0.5, 0.25])), valuesDigest(new Float32Array([0.5, 0.25])));
  assert.notEqual(valuesDigest(new Float32Array([0.5, 0.25])), valuesDigest(new Float32Array([0.5, 0.2500001])));
});

test('a journal passes prefetch hints on only for images it has not recorded', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'facepatch-journal-')), 'detections.jsonl');
  const key = { detector: 'toy' };
  const first = journaledDetectionSource(countingSource(table).source, { path, key, resume: false });
  await first.detectionsFor(image('a'));
  const hinted: string[] = [];
  const inner = { ...countingSource(table).source, prefetch: (i: DatasetImage) => void hinted.push(i.id) };
  const resumed = journaledDetectionSource(inner, { path, key, resume: true });
  resumed.prefetch?.(image('a'));
  resumed.prefetch?.(image('b'));
  assert.deepEqual(hinted, ['b']);
});
