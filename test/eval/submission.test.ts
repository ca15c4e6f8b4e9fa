import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSubmissionFile } from '../../src/eval/submissionFormat.js';
import { readSubmission, readSubmissionFile, writeSubmission } from '../../src/eval/submissionFiles.js';
import { FacepatchError, InputFileError } from '../../src/util/errors.js';

function temporaryDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-submission-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a submission round-trips exactly, in <dir>/<event>/<name>.txt with the official layout', (t) => {
  const dir = temporaryDir(t);
  const entries = [
    {
      id: '0--Parade/0_Parade_marchingband_1_20',
      detections: [
        { x: 12, y: 30.5, w: 17.25, h: 21, score: 0.999123456789 },
        { x: -3, y: 0, w: 1e-3, h: 4, score: 1 / 3 },
      ],
    },
    { id: '4--Dancing/4_Dancing_Dancing_4_97', detections: [] },
  ];
  assert.equal(writeSubmission(dir, entries), 2);
  const text = readFileSync(join(dir, '0--Parade', '0_Parade_marchingband_1_20.txt'), 'utf8');
  assert.deepEqual(text.split('\n').slice(0, 3), ['0_Parade_marchingband_1_20', '2', '12 30.5 17.25 21 0.999123456789']);
  assert.equal(readFileSync(join(dir, '4--Dancing', '4_Dancing_Dancing_4_97.txt'), 'utf8'), '4_Dancing_Dancing_4_97\n0\n');
  // The atomic writer leaves no temporary file behind.
  assert.deepEqual(readdirSync(join(dir, '0--Parade')), ['0_Parade_marchingband_1_20.txt']);
  const read = readSubmission(dir, [...entries.map((e) => e.id), '19--Couple/19_Couple_Couple_19_1']);
  assert.deepEqual(read.detections.get(entries[0]!.id), entries[0]!.detections);
  assert.deepEqual(read.detections.get(entries[1]!.id), []);
  assert.deepEqual(read.detections.get('19--Couple/19_Couple_Couple_19_1'), []);
  assert.deepEqual(read.missing, ['19--Couple/19_Couple_Couple_19_1']);
});

test('files written by other tools parse: trailing spaces, CRLF, blank lines at the end, integer boxes', () => {
  const parsed = parseSubmissionFile('img_1\r\n2\r\n1 2 3 4 0.9 \r\n5 6 7 8 0.8\r\n\r\n', 'x.txt');
  assert.deepEqual(parsed, {
    name: 'img_1',
    detections: [
      { x: 1, y: 2, w: 3, h: 4, score: 0.9 },
      { x: 5, y: 6, w: 7, h: 8, score: 0.8 },
    ],
  });
});

function assertInputError(fn: () => unknown, file: string, line: number, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputFileError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    assert.ok(error.message.startsWith(`${file}:${line}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('malformed files are InputFileErrors that name file:line', (t) => {
  const dir = temporaryDir(t);
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const fields = write('fields.txt', 'a\n2\n1 2 3 4 0.5\n1 2 3 0.5\n');
  assertInputError(() => readSubmissionFile(fields), fields, 4, /expected 5 fields "x y w h score", got 4/);
  const notNumber = write('nan.txt', 'a\n1\n1 2 abc 4 0.5\n');
  assertInputError(() => readSubmissionFile(notNumber), notNumber, 3, /"abc" is not a number/);
  const infinite = write('inf.txt', 'a\n1\n1 2 3 4 Infinity\n');
  assertInputError(() => readSubmissionFile(infinite), infinite, 3, /"Infinity" is not a number/);
  const tooFew = write('few.txt', 'a\n3\n1 2 3 4 0.5\n');
  assertInputError(() => readSubmissionFile(tooFew), tooFew, 2, /announces 3 detections but the file has 1/);
  const tooMany = write('many.txt', 'a\n0\n1 2 3 4 0.5\n');
  assertInputError(() => readSubmissionFile(tooMany), tooMany, 2, /announces 0 detections but the file has 1/);
  const badCount = write('count.txt', 'a\n2.5\n');
  assertInputError(() => readSubmissionFile(badCount), badCount, 2, /non-negative integer\), got "2.5"/);
  const noCount = write('nocount.txt', 'a\n');
  assertInputError(() => readSubmissionFile(noCount), noCount, 2, /number of detections/);
  const empty = write('empty.txt', '');
  assertInputError(() => readSubmissionFile(empty), empty, 1, /empty file/);
  const blankInside = write('blank.txt', 'a\n2\n1 2 3 4 0.5\n\n5 6 7 8 0.4\n');
  assertInputError(() => readSubmissionFile(blankInside), blankInside, 4, /got 0/);
});

test('a missing detections folder is an error, not "no detections anywhere"', (t) => {
  const dir = temporaryDir(t);
  assert.throws(() => readSubmission(join(dir, 'nope'), ['a/b']), (e: unknown) => e instanceof FacepatchError && /does not exist/.test(e.message));
  mkdirSync(join(dir, 'ok'));
  assert.deepEqual(readSubmission(join(dir, 'ok'), ['a/b']).missing, ['a/b']);
});
