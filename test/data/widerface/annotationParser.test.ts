import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWiderAnnotations, readWiderAnnotations } from '../../../src/data/widerface/annotationParser.js';
import { InputFileError } from '../../../src/util/errors.js';
import { requireShared } from '../../helpers/shared.js';

const FILE = 'gt.txt';

const SAMPLE = [
  '0--Parade/0_Parade_marchingband_1_465.jpg',
  '2',
  '345 211 4 4 2 0 0 0 2 0 ',
  '331 126 3 3 0 0 0 1 0 0 ',
  '1--Handshaking/1_Handshaking_1.jpg',
  '0',
  '0 0 0 0 0 0 0 0 0 0 ',
  '4--Dancing/4_Dancing_7.jpg',
  '1',
  '10 20 30 40 1 1 1 0 1 1',
  '',
].join('\n');

test('parses blocks of path, count and face lines', () => {
  const images = parseWiderAnnotations(SAMPLE, FILE);
  assert.equal(images.length, 3);
  const [first, empty, last] = images;
  assert.equal(first?.relativePath, '0--Parade/0_Parade_marchingband_1_465.jpg');
  assert.equal(first?.event, '0--Parade');
  assert.equal(first?.name, '0_Parade_marchingband_1_465');
  assert.equal(first?.line, 1);
  assert.deepEqual(first?.faces[0], { box: { x: 345, y: 211, w: 4, h: 4 }, blur: 2, expression: 0, illumination: 0, invalid: 0, occlusion: 2, pose: 0 });
  assert.deepEqual(first?.faces[1]?.box, { x: 331, y: 126, w: 3, h: 3 });
  assert.equal(first?.faces[1]?.invalid, 1);
  // A count of 0 is followed by a dummy line, which is not a face.
  assert.deepEqual(empty?.faces, []);
  assert.equal(last?.line, 8);
  assert.deepEqual(last?.faces[0], { box: { x: 10, y: 20, w: 30, h: 40 }, blur: 1, expression: 1, illumination: 1, invalid: 0, occlusion: 1, pose: 1 });
});

test('a count of 0 without a dummy line and CRLF line ends are accepted', () => {
  const text = 'a--A/a_1.jpg\r\n0\r\nb--B/b_1.jpg\r\n1\r\n1 2 3 4 0 0 0 0 0 0\r\n';
  const images = parseWiderAnnotations(text, FILE);
  assert.deepEqual(images.map((i) => [i.relativePath, i.faces.length]), [['a--A/a_1.jpg', 0], ['b--B/b_1.jpg', 1]]);
});

function assertFails(text: string, line: number, pattern: RegExp): void {
  assert.throws(() => parseWiderAnnotations(text, FILE), (error: unknown) => {
    assert.ok(error instanceof InputFileError, String(error));
    assert.equal(error.file, FILE);
    assert.equal(error.line, line);
    assert.ok(error.message.startsWith(`${FILE}:${line}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('malformed files are errors naming file:line', () => {
  const lines = SAMPLE.split('\n');
  const edit = (index: number, replacement: string | null) => {
    const copy = [...lines];
    if (replacement === null) copy.splice(index, 1);
    else copy[index] = replacement;
    return copy.join('\n');
  };
  assertFails(edit(2, '345 211 4 4 2 0 0 0 2'), 3, /expected 10 fields .*found 9/);
  assertFails(edit(3, '331 126 3 3 0 0 0 1 0 0 7'), 4, /expected 10 fields .*found 11/);
  assertFails(edit(3, '331 126 three 3 0 0 0 1 0 0'), 4, /field w is not a number: "three"/);
  assertFails(edit(1, 'two'), 2, /expected the face count of 0--Parade\/0_Parade_marchingband_1_465\.jpg, found "two"/);
  assertFails(edit(1, '-1'), 2, /expected the face count/);
  assertFails(edit(0, 'not a path'), 1, /expected an image path/);
  // A count one too large reads the next image path as a face line.
  assertFails(edit(1, '3'), 5, /face 3 of 0--Parade\/0_Parade_marchingband_1_465\.jpg: expected 10 fields/);
  // A count one too small leaves a face line where an image path belongs.
  assertFails(edit(1, '1'), 4, /expected an image path "<event>\/<name>\.jpg", found "331 126 3 3/);
  // A missing face line.
  assertFails(edit(9, null), 10, /file ends after 0 of the 1 faces of 4--Dancing\/4_Dancing_7\.jpg \(listed at line 8\)/);
  // A blank line in the middle is not a path.
  assertFails(edit(4, ''), 5, /expected an image path/);
  // The same image twice.
  assertFails(edit(7, '0--Parade/0_Parade_marchingband_1_465.jpg'), 8, /listed twice \(first at line 1\)/);
});

test('a truncated file is an error at the line after its end', () => {
  assertFails('0--Parade/a.jpg\n', 2, /file ends before the face count of 0--Parade\/a\.jpg/);
  assertFails('0--Parade/a.jpg\n3\n1 2 3 4 0 0 0 0 0 0\n', 4, /file ends after 1 of the 3 faces/);
});

test('a missing annotation file is named', () => {
  assert.throws(() => readWiderAnnotations('/nonexistent/wider_face_val_bbx_gt.txt'), /\/nonexistent\/wider_face_val_bbx_gt\.txt: cannot read .*ENOENT/);
});

test('parses the official annotation files', (t) => {
  const val = requireShared(t, 'data', 'widerface', 'wider_face_split', 'wider_face_val_bbx_gt.txt');
  const train = requireShared(t, 'data', 'widerface', 'wider_face_split', 'wider_face_train_bbx_gt.txt');
  if (!val || !train) return;
  // Figures of the official dataset (shared/README.md and the WIDER FACE paper).
  const valImages = readWiderAnnotations(val);
  assert.equal(valImages.length, 3226);
  assert.equal(valImages.reduce((sum, i) => sum + i.faces.length, 0), 39708);
  const trainImages = readWiderAnnotations(train);
  assert.equal(trainImages.length, 12880);
});
