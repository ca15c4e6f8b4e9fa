// A reader of MATLAB v5 MAT-files (what `save -v7` and `save -v6` write; no npm package reads
// them). It decodes the header, data elements (small-element format included), zlib-compressed
// elements, and miMATRIX arrays of class cell, struct, object, char and every numeric class.
// Sparse, function-handle and opaque arrays are skipped safely (their element says how long
// they are). Anything malformed is an InputFileError naming the file and the byte offset.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { InputFileError } from '../../util/errors.js';
import {
  ARRAY_FLAG,
  MAT_HEADER_BYTES,
  MAT_HEADER_TEXT_BYTES,
  MAT_V5_VERSION,
  MI,
  MX,
  NUMERIC_CLASSES,
  NUMERIC_ELEMENT_TYPES,
  UNSUPPORTED_CLASS_NAMES,
  elementTypeName,
  type NumericClass,
} from './matFormat.js';
import type { MatFile, MatFileHeader, MatNumericData, MatValue } from './matTypes.js';

/** Bytes being decoded: the file itself, or the inflated content of one compressed element. */
class ByteSource {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly file: string,
    /** For inflated data: the file offset of the miCOMPRESSED element it came from. */
    readonly inflatedFrom?: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  describe(offset: number): string {
    return this.inflatedFrom === undefined
      ? `byte offset ${offset}`
      : `byte offset ${offset} of the data inflated from the miCOMPRESSED element at byte offset ${this.inflatedFrom}`;
  }

  fail(offset: number, problem: string): never {
    throw new InputFileError(this.file, `at ${this.describe(offset)}: ${problem}`);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, this.littleEndian);
  }
}

/** One data element: its tag's position and where its data lies. */
interface DataElement {
  type: number;
  tagOffset: number;
  dataOffset: number;
  byteCount: number;
  /** Where the next element starts (data padded to 8 bytes; compressed data is not padded). */
  next: number;
}

function readElement(source: ByteSource, offset: number, end: number): DataElement {
  if (end - offset < 4) source.fail(offset, `truncated data element tag (${end - offset} bytes left, a tag needs 8)`);
  const first = source.u32(offset);
  const smallByteCount = first >>> 16;
  if (smallByteCount !== 0) {
    // Small data element format: byte count and type share the first 4 bytes, data in the next 4.
    if (smallByteCount > 4) source.fail(offset, `small data element claims ${smallByteCount} bytes (at most 4)`);
    if (end - offset < 8) source.fail(offset, 'truncated small data element');
    return { type: first & 0xffff, tagOffset: offset, dataOffset: offset + 4, byteCount: smallByteCount, next: offset + 8 };
  }
  if (end - offset < 8) source.fail(offset, `truncated data element tag (${end - offset} bytes left, a tag needs 8)`);
  const byteCount = source.u32(offset + 4);
  const dataOffset = offset + 8;
  if (byteCount > end - dataOffset) {
    source.fail(offset, `${elementTypeName(first)} element of ${byteCount} bytes runs past the end of its container (${end - dataOffset} bytes left): truncated or corrupt`);
  }
  const padded = first === MI.COMPRESSED ? byteCount : Math.ceil(byteCount / 8) * 8;
  return { type: first, tagOffset: offset, dataOffset, byteCount, next: Math.min(dataOffset + padded, end) };
}

/** Reads the values of a numeric element as numbers or bigints (as stored). */
function readNumericValues(source: ByteSource, element: DataElement): (number | bigint)[] {
  const type = NUMERIC_ELEMENT_TYPES.get(element.type);
  if (!type) source.fail(element.tagOffset, `expected a numeric data element, found ${elementTypeName(element.type)}`);
  if (element.byteCount % type.bytes !== 0) {
    source.fail(element.tagOffset, `${type.name} element of ${element.byteCount} bytes is not a whole number of ${type.bytes}-byte values`);
  }
  const count = element.byteCount / type.bytes;
  const values = new Array<number | bigint>(count);
  for (let i = 0; i < count; i++) values[i] = type.read(source.view, element.dataOffset + i * type.bytes, source.littleEndian);
  return values;
}

function toClassData(source: ByteSource, element: DataElement, numericClass: NumericClass, expected: number): MatNumericData {
  const values = readNumericValues(source, element);
  if (values.length !== expected) {
    source.fail(element.tagOffset, `array data holds ${values.length} values, its dimensions need ${expected}`);
  }
  const data = numericClass.allocate(expected);
  if (numericClass.bigint) {
    const target = data as BigInt64Array | BigUint64Array;
    for (let i = 0; i < expected; i++) {
      const v = values[i] as number | bigint;
      target[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
    }
  } else {
    const target = data as Float64Array;
    for (let i = 0; i < expected; i++) target[i] = Number(values[i]);
  }
  return data;
}

function decodeCharData(source: ByteSource, element: DataElement): string {
  const bytes = source.bytes.subarray(element.dataOffset, element.dataOffset + element.byteCount);
  if (element.type === MI.UTF8) return new TextDecoder('utf-8').decode(bytes);
  if (element.type === MI.UINT8 || element.type === MI.INT8) return Buffer.from(bytes).toString('latin1');
  const values = readNumericValues(source, element).map(Number);
  if (element.type === MI.UTF32) return String.fromCodePoint(...values);
  let text = '';
  for (let i = 0; i < values.length; i += 8192) text += String.fromCharCode(...values.slice(i, i + 8192));
  return text;
}

function readName(source: ByteSource, element: DataElement): string {
  if (element.type !== MI.INT8 && element.type !== MI.UINT8) {
    source.fail(element.tagOffset, `expected an miINT8 array name, found ${elementTypeName(element.type)}`);
  }
  return Buffer.from(source.bytes.subarray(element.dataOffset, element.dataOffset + element.byteCount)).toString('latin1');
}

/** Sub-elements of an miMATRIX, read one at a time within the matrix's bounds. */
class SubElements {
  private offset: number;
  constructor(
    private readonly source: ByteSource,
    start: number,
    private readonly end: number,
    private readonly matrixOffset: number,
  ) {
    this.offset = start;
  }

  next(what: string): DataElement {
    if (this.offset >= this.end) this.source.fail(this.matrixOffset, `miMATRIX element ends before its ${what}`);
    const element = readElement(this.source, this.offset, this.end);
    this.offset = element.next;
    return element;
  }
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Decodes one miMATRIX element: its array name and value. */
function readMatrix(source: ByteSource, matrix: DataElement): { name: string; value: MatValue } {
  if (matrix.byteCount === 0) {
    // MATLAB writes an empty cell's content as an miMATRIX element with no data: [].
    return { name: '', value: { kind: 'numeric', className: 'double', dims: [0, 0], data: new Float64Array(0), logical: false } };
  }
  const parts = new SubElements(source, matrix.dataOffset, matrix.dataOffset + matrix.byteCount, matrix.tagOffset);

  const flags = parts.next('array flags');
  if (flags.type !== MI.UINT32 || flags.byteCount !== 8) {
    source.fail(flags.tagOffset, `expected 8-byte miUINT32 array flags, found ${elementTypeName(flags.type)} of ${flags.byteCount} bytes`);
  }
  const flagWord = source.u32(flags.dataOffset);
  const classId = flagWord & 0xff;
  const complex = (flagWord & ARRAY_FLAG.COMPLEX) !== 0;
  const logical = (flagWord & ARRAY_FLAG.LOGICAL) !== 0;

  const dimsElement = parts.next('dimensions');
  if (dimsElement.type !== MI.INT32) source.fail(dimsElement.tagOffset, `expected miINT32 dimensions, found ${elementTypeName(dimsElement.type)}`);
  const dims = readNumericValues(source, dimsElement).map(Number);
  if (dims.length < 2) source.fail(dimsElement.tagOffset, `an array needs at least 2 dimensions, found ${dims.length}`);
  if (dims.some((d) => d < 0)) source.fail(dimsElement.tagOffset, `negative dimension in [${dims.join(', ')}]`);
  const count = product(dims);

  const name = readName(source, parts.next('array name'));

  const numericClass = NUMERIC_CLASSES.get(classId);
  if (numericClass) {
    const real = toClassData(source, parts.next('real part'), numericClass, count);
    const imag = complex ? toClassData(source, parts.next('imaginary part'), numericClass, count) : undefined;
    return { name, value: { kind: 'numeric', className: numericClass.name, dims, data: real, ...(imag ? { imag } : {}), logical } };
  }

  switch (classId) {
    case MX.CHAR: {
      const element = parts.next('characters');
      const data = element.byteCount === 0 ? '' : decodeCharData(source, element);
      // UTF-8 and UTF-32 code points need not map one-to-one onto UTF-16 characters.
      const oneUnitPerCharacter = element.type !== MI.UTF8 && element.type !== MI.UTF32;
      if (oneUnitPerCharacter && data.length !== count) {
        source.fail(element.tagOffset, `char array holds ${data.length} characters, its dimensions need ${count}`);
      }
      return { name, value: { kind: 'char', dims, data } };
    }
    case MX.CELL: {
      const cells: MatValue[] = [];
      for (let i = 0; i < count; i++) cells.push(readNestedMatrix(source, parts.next(`cell ${i + 1} of ${count}`)));
      return { name, value: { kind: 'cell', dims, cells } };
    }
    case MX.STRUCT:
    case MX.OBJECT: {
      const objectClassName = classId === MX.OBJECT ? readName(source, parts.next('object class name')) : undefined;
      const lengthElement = parts.next('field name length');
      const [fieldNameLength] = readNumericValues(source, lengthElement).map(Number);
      if (fieldNameLength === undefined || fieldNameLength <= 0) source.fail(lengthElement.tagOffset, 'bad struct field name length');
      const namesElement = parts.next('field names');
      const packed = readName(source, namesElement);
      if (packed.length % fieldNameLength !== 0) source.fail(namesElement.tagOffset, 'struct field names do not fill whole name slots');
      const fieldNames: string[] = [];
      for (let i = 0; i < packed.length; i += fieldNameLength) fieldNames.push(packed.slice(i, i + fieldNameLength).replace(/\0.*$/s, ''));
      const elements: Record<string, MatValue>[] = [];
      for (let e = 0; e < count; e++) {
        const record: Record<string, MatValue> = Object.create(null);
        for (const field of fieldNames) record[field] = readNestedMatrix(source, parts.next(`field "${field}" of element ${e + 1}`));
        elements.push(record);
      }
      return { name, value: { kind: 'struct', dims, fieldNames, elements, ...(objectClassName !== undefined ? { objectClassName } : {}) } };
    }
    default: {
      const className = UNSUPPORTED_CLASS_NAMES.get(classId);
      if (className === undefined) source.fail(flags.tagOffset, `unknown array class ${classId}`);
      return { name, value: { kind: 'unsupported', className, dims } };
    }
  }
}

function readNestedMatrix(source: ByteSource, element: DataElement): MatValue {
  if (element.type !== MI.MATRIX) source.fail(element.tagOffset, `expected an miMATRIX element, found ${elementTypeName(element.type)}`);
  return readMatrix(source, element).value;
}

function readHeader(bytes: Uint8Array, file: string): MatFileHeader {
  if (bytes.length < MAT_HEADER_BYTES) {
    throw new InputFileError(file, `at byte offset 0: ${bytes.length} bytes is too short for a MAT-file (a v5 MAT-file starts with a 128-byte header)`);
  }
  const indicator = String.fromCharCode(bytes[126] as number, bytes[127] as number);
  if (indicator !== 'IM' && indicator !== 'MI') {
    throw new InputFileError(file, 'at byte offset 126: not a MATLAB v5 MAT-file (no "IM"/"MI" endian indicator)');
  }
  const littleEndian = indicator === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, littleEndian);
  if (version === 0x0200) {
    throw new InputFileError(file, 'at byte offset 124: a MATLAB v7.3 (HDF5) MAT-file is not supported; re-save it with save -v7');
  }
  if (version !== MAT_V5_VERSION) {
    throw new InputFileError(file, `at byte offset 124: unsupported MAT-file version 0x${version.toString(16).padStart(4, '0')} (expected 0x0100)`);
  }
  const text = Buffer.from(bytes.subarray(0, MAT_HEADER_TEXT_BYTES)).toString('latin1').replace(/[\s\0]+$/, '');
  return { text, version, littleEndian, subsystemOffset: view.getBigUint64(116, littleEndian) };
}

function inflateElement(source: ByteSource, element: DataElement): Buffer {
  try {
    return inflateSync(source.bytes.subarray(element.dataOffset, element.dataOffset + element.byteCount));
  } catch (error) {
    return source.fail(element.tagOffset, `cannot inflate the miCOMPRESSED element: ${(error as Error).message}`);
  }
}

/** Parses a MAT-file's bytes; `file` names it in error messages. */
export function parseMatFile(bytes: Uint8Array, file: string): MatFile {
  const header = readHeader(bytes, file);
  const source = new ByteSource(bytes, header.littleEndian, file);
  const variables = new Map<string, MatValue>();
  let offset = MAT_HEADER_BYTES;
  while (offset < bytes.length) {
    const element = readElement(source, offset, bytes.length);
    offset = element.next;
    let inner = source;
    let matrix = element;
    if (element.type === MI.COMPRESSED) {
      const inflated = inflateElement(source, element);
      inner = new ByteSource(inflated, header.littleEndian, file, element.tagOffset);
      matrix = readElement(inner, 0, inflated.length);
    }
    if (matrix.type !== MI.MATRIX) continue; // top-level elements other than arrays carry no variable
    const { name, value } = readMatrix(inner, matrix);
    // The subsystem data (MATLAB objects' backing store) is an unnamed variable: not user data.
    if (name !== '') variables.set(name, value);
  }
  return { file, header, variables };
}

/** Reads and parses a MAT-file from disk. */
export function readMatFile(path: string): MatFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputFileError(path, `cannot read the MAT-file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseMatFile(bytes, path);
}
