import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  charRows,
  charString,
  getMatVariable,
  numericRows,
  numericValues,
  parseMatFile,
  readMatFile,
  type MatValue,
} from '../../../src/data/mat/index.js';
import { InputFileError } from '../../../src/util/errors.js';
import { requireShared } from '../../helpers/shared.js';
import { encodeMatFile, mat, type TestVariable } from './tinyMatEncoder.js';

const FILE = 'test.mat';

/** Variables covering each class the reader decodes. */
function sampleVariables(compress: boolean): TestVariable[] {
  const v = (name: string, value: TestVariable['value']): TestVariable => ({ name, value, compress });
  return [
    // 2x3 matrix [1 3 5; 2 4 6], stored column by column.
    v('matrix', mat.double([2, 3], [1, 2, 3, 4, 5, 6])),
    // MATLAB stores small whole doubles compactly (here as miUINT8 and miINT16); the class stays double.
    v('compact', mat.double([1, 3], [7, 200, 255], 'uint8')),
    v('negative', mat.double([1, 2], [-300, 12], 'int16')),
    v('scalar', mat.double([1, 1], [0.25])),
    v('greeting', mat.char('hello')),
    v('unicode', { kind: 'char', text: 'héllo', storage: 'utf8' }),
    // A 2x2 char matrix ['ab'; 'cd'] is stored column-major: 'a','c','b','d'.
    v('rows', { kind: 'char', dims: [2, 2], text: 'acbd' }),
    v('ints', { kind: 'int32', dims: [1, 3], values: [-1, 0, 2147483647] }),
    v('big', { kind: 'uint64', dims: [1, 1], values: [2n ** 63n + 5n] }),
    v('floats', { kind: 'single', dims: [1, 2], values: [1.5, -2] }),
    v('mask', { kind: 'logical', dims: [1, 3], values: [1, 0, 1] }),
    v('complex', { kind: 'double', dims: [1, 2], values: [1, 2], imag: [3, -4] }),
    v('nested', mat.cellColumn([mat.char('first'), mat.cellColumn([mat.double([1, 1], [42])]), { kind: 'empty' }])),
    v('record', {
      kind: 'struct',
      dims: [1, 2],
      fields: ['name', 'size'],
      elements: [
        { name: mat.char('a'), size: mat.double([1, 1], [1]) },
        { name: mat.char('bb'), size: mat.double([1, 1], [2]) },
      ],
    }),
    v('sparse', { kind: 'sparse' }),
    v('after', mat.double([1, 1], [9])),
  ];
}

function get(file: ReturnType<typeof parseMatFile>, name: string): MatValue {
  return getMatVariable(file, name);
}

function checkSampleVariables(bytes: Buffer): void {
  const file = parseMatFile(bytes, FILE);
  assert.deepEqual([...file.variables.keys()], sampleVariables(false).map((v) => v.name));

  const matrix = get(file, 'matrix');
  assert.equal(matrix.kind, 'numeric');
  if (matrix.kind !== 'numeric') return;
  assert.equal(matrix.className, 'double');
  assert.deepEqual(matrix.dims, [2, 3]);
  assert.ok(matrix.data instanceof Float64Array);
  assert.deepEqual(numericRows(matrix, FILE, 'matrix'), [
    [1, 3, 5],
    [2, 4, 6],
  ]);

  const compact = get(file, 'compact');
  assert.ok(compact.kind === 'numeric' && compact.className === 'double' && compact.data instanceof Float64Array);
  assert.deepEqual(numericValues(compact), [7, 200, 255]);
  const negative = get(file, 'negative');
  assert.ok(negative.kind === 'numeric');
  assert.deepEqual(numericValues(negative), [-300, 12]);
  const scalar = get(file, 'scalar');
  assert.ok(scalar.kind === 'numeric');
  assert.deepEqual(numericValues(scalar), [0.25]);

  assert.equal(charString(get(file, 'greeting'), FILE, 'greeting'), 'hello');
  assert.equal(charString(get(file, 'unicode'), FILE, 'unicode'), 'héllo');
  const rows = get(file, 'rows');
  assert.ok(rows.kind === 'char');
  assert.deepEqual(charRows(rows), ['ab', 'cd']);

  const ints = get(file, 'ints');
  assert.ok(ints.kind === 'numeric' && ints.className === 'int32' && ints.data instanceof Int32Array);
  assert.deepEqual([...ints.data], [-1, 0, 2147483647]);
  const big = get(file, 'big');
  assert.ok(big.kind === 'numeric' && big.className === 'uint64');
  assert.equal(big.data[0], 2n ** 63n + 5n);
  const floats = get(file, 'floats');
  assert.ok(floats.kind === 'numeric' && floats.className === 'single' && floats.data instanceof Float32Array);
  assert.deepEqual([...floats.data], [1.5, -2]);
  const mask = get(file, 'mask');
  assert.ok(mask.kind === 'numeric' && mask.logical && mask.className === 'uint8');
  assert.deepEqual([...mask.data], [1, 0, 1]);
  const complex = get(file, 'complex');
  assert.ok(complex.kind === 'numeric' && complex.imag);
  assert.deepEqual([...complex.data], [1, 2]);
  assert.deepEqual([...complex.imag], [3, -4]);

  const nested = get(file, 'nested');
  assert.ok(nested.kind === 'cell');
  assert.deepEqual(nested.dims, [3, 1]);
  assert.equal(charString(nested.cells[0] as MatValue, FILE, 'nested{1}'), 'first');
  const inner = nested.cells[1] as MatValue;
  assert.ok(inner.kind === 'cell' && inner.cells[0]?.kind === 'numeric');
  assert.deepEqual(numericValues(inner.cells[0]), [42]);
  const empty = nested.cells[2] as MatValue;
  assert.ok(empty.kind === 'numeric');
  assert.deepEqual(empty.dims, [0, 0]);

  const record = get(file, 'record');
  assert.ok(record.kind === 'struct');
  assert.deepEqual(record.fieldNames, ['name', 'size']);
  assert.equal(charString(record.elements[1]?.name as MatValue, FILE, 'record(2).name'), 'bb');
  assert.deepEqual(numericValues(record.elements[1]?.size as never), [2]);

  const sparse = get(file, 'sparse');
  assert.equal(sparse.kind, 'unsupported');
  // The variable after the skipped one is read correctly.
  assert.deepEqual(numericValues(get(file, 'after') as never), [9]);
}

test('reads uncompressed variables of every supported class (little-endian)', () => {
  checkSampleVariables(encodeMatFile(sampleVariables(false)));
});

test('reads compressed (miCOMPRESSED) variables', () => {
  checkSampleVariables(encodeMatFile(sampleVariables(true)));
});

test('reads a big-endian file', () => {
  const bytes = encodeMatFile(sampleVariables(false), { littleEndian: false });
  checkSampleVariables(bytes);
  assert.equal(parseMatFile(bytes, FILE).header.littleEndian, false);
});

test('a missing variable names the variables the file has', () => {
  const file = parseMatFile(encodeMatFile([{ name: 'x', value: mat.char('y') }]), FILE);
  assert.throws(() => getMatVariable(file, 'gt_list'), /test\.mat: no variable "gt_list" \(the file holds: x\)/);
});

function assertInputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputFileError, `expected InputFileError, got ${String(error)}`);
    assert.equal(error.file, FILE);
    assert.match(error.message, pattern);
    return true;
  });
}

test('bad, truncated and non-MAT inputs are InputFileErrors naming the file and byte offset', () => {
  const good = encodeMatFile(sampleVariables(false));
  assertInputError(() => parseMatFile(Buffer.from('just some text, not a MAT-file'), FILE), /^test\.mat: at byte offset 0: .*too short/);
  assertInputError(() => parseMatFile(Buffer.alloc(200, 0x41), FILE), /at byte offset 126: not a MATLAB v5 MAT-file/);
  assertInputError(() => parseMatFile(encodeMatFile([], { version: 0x0200 }), FILE), /byte offset 124: .*v7\.3/);
  // Cut in the middle of the first variable's data.
  assertInputError(() => parseMatFile(good.subarray(0, 180), FILE), /at byte offset 128: miMATRIX element of \d+ bytes runs past the end/);
  // Cut inside a tag.
  assertInputError(() => parseMatFile(good.subarray(0, 131), FILE), /at byte offset 128: truncated data element tag/);
});

test('corrupt or truncated compressed data is reported with the element offset', () => {
  const compressed = encodeMatFile([{ name: 'x', value: mat.double([1, 4], [1, 2, 3, 4]), compress: true }]);
  const corrupt = Buffer.from(compressed);
  corrupt.fill(0xff, 140, 150);
  assertInputError(() => parseMatFile(corrupt, FILE), /at byte offset 128: cannot inflate the miCOMPRESSED element/);
  // A consistent tag whose zlib stream stops early.
  const cut = Buffer.from(compressed.subarray(0, compressed.length - 6));
  cut.writeUInt32LE(cut.length - 136, 132);
  assertInputError(() => parseMatFile(cut, FILE), /at byte offset 128: cannot inflate/);
});

test('inconsistent array contents name the offset inside the inflated data', () => {
  // Dimensions say 2x2 but 3 values follow.
  const bytes = encodeMatFile([{ name: 'x', value: mat.double([2, 2], [1, 2, 3]), compress: true }]);
  assertInputError(
    () => parseMatFile(bytes, FILE),
    /at byte offset \d+ of the data inflated from the miCOMPRESSED element at byte offset 128: array data holds 3 values, its dimensions need 4/,
  );
});

test('readMatFile names a missing file', () => {
  assert.throws(() => readMatFile('/nonexistent/wider_easy_val.mat'), /\/nonexistent\/wider_easy_val\.mat: cannot read the MAT-file: ENOENT/);
});

test('reads the official WIDER FACE evaluation ground truth', (t) => {
  const dir = requireShared(t, 'data', 'widerface', 'eval_tools', 'ground_truth');
  if (!dir) return;
  // Oracles: the txt annotations (first image and its first face) and the totals in shared/README.md.
  const txt = readFileSync(`${dir}/../../wider_face_split/wider_face_val_bbx_gt.txt`, 'utf8').split('\n');
  const [firstEvent, firstName] = (txt[0] as string).replace(/\.jpg$/, '').split('/');
  const firstBox = (txt[2] as string).trim().split(/\s+/).slice(0, 4).map(Number);
  const expectedKept: Record<string, number> = { easy: 7211, medium: 13319, hard: 31958 };
  for (const subset of ['easy', 'medium', 'hard', 'face']) {
    const file = readMatFile(`${dir}/wider_${subset}_val.mat`);
    const events = getMatVariable(file, 'event_list');
    assert.ok(events.kind === 'cell');
    assert.equal(events.cells.length, 61);
    assert.equal(charString(events.cells[0] as MatValue, file.file, 'event_list{1}'), firstEvent);
    const fileList = getMatVariable(file, 'file_list');
    const boxes = getMatVariable(file, 'face_bbx_list');
    assert.ok(fileList.kind === 'cell' && boxes.kind === 'cell');
    let images = 0;
    let faces = 0;
    for (const [e, eventBoxes] of boxes.cells.entries()) {
      assert.ok(eventBoxes.kind === 'cell');
      images += eventBoxes.cells.length;
      for (const b of eventBoxes.cells) if (b.kind === 'numeric') faces += b.dims[0] as number;
      const names = fileList.cells[e] as MatValue;
      assert.ok(names.kind === 'cell' && names.cells.length === eventBoxes.cells.length);
    }
    assert.equal(images, 3226);
    assert.equal(faces, 39708);
    const names = fileList.cells[0] as MatValue;
    assert.ok(names.kind === 'cell');
    assert.equal(charString(names.cells[0] as MatValue, file.file, 'file_list{1}{1}'), firstName);
    const firstBoxes = (boxes.cells[0] as MatValue).kind === 'cell' ? ((boxes.cells[0] as { cells: MatValue[] }).cells[0] as MatValue) : undefined;
    assert.ok(firstBoxes?.kind === 'numeric');
    assert.deepEqual(numericRows(firstBoxes, file.file, 'face_bbx_list{1}{1}')[0], firstBox);

    if (subset === 'face') {
      assert.equal(file.variables.has('gt_list'), false);
      continue;
    }
    const keep = getMatVariable(file, 'gt_list');
    assert.ok(keep.kind === 'cell');
    let kept = 0;
    for (const eventKeep of keep.cells) {
      assert.ok(eventKeep.kind === 'cell');
      for (const k of eventKeep.cells) if (k.kind === 'numeric') kept += k.data.length;
    }
    assert.equal(kept, expectedKept[subset], `${subset}: faces kept by gt_list`);
  }
});

test('a truncated copy of an official file is an error naming the offset', (t) => {
  const path = requireShared(t, 'data', 'widerface', 'eval_tools', 'ground_truth', 'wider_easy_val.mat');
  if (!path) return;
  const bytes = readFileSync(path);
  assert.throws(() => parseMatFile(bytes.subarray(0, 200_000), 'cut.mat'), /^InputFileError: cut\.mat: at byte offset \d+: .*(runs past the end|truncated)/);
});
