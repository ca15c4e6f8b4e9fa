// The constants of the MATLAB v5 MAT-file format ("MAT-File Format", MathWorks, chapter 1):
// data types of data elements (miXXX) and array classes (mxXXX_CLASS).
import type { MatNumericClass, MatNumericData } from './matTypes.js';

export const MAT_HEADER_BYTES = 128;
export const MAT_HEADER_TEXT_BYTES = 116;
export const MAT_V5_VERSION = 0x0100;

/** Data types of data elements (the first field of a tag). */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

/** A numeric element type: its name, byte size and a reader of one value. */
export interface NumericElementType {
  name: string;
  bytes: number;
  read(view: DataView, offset: number, littleEndian: boolean): number | bigint;
}

export const NUMERIC_ELEMENT_TYPES: ReadonlyMap<number, NumericElementType> = new Map<number, NumericElementType>([
  [MI.INT8, { name: 'miINT8', bytes: 1, read: (v, o) => v.getInt8(o) }],
  [MI.UINT8, { name: 'miUINT8', bytes: 1, read: (v, o) => v.getUint8(o) }],
  [MI.INT16, { name: 'miINT16', bytes: 2, read: (v, o, le) => v.getInt16(o, le) }],
  [MI.UINT16, { name: 'miUINT16', bytes: 2, read: (v, o, le) => v.getUint16(o, le) }],
  [MI.INT32, { name: 'miINT32', bytes: 4, read: (v, o, le) => v.getInt32(o, le) }],
  [MI.UINT32, { name: 'miUINT32', bytes: 4, read: (v, o, le) => v.getUint32(o, le) }],
  [MI.SINGLE, { name: 'miSINGLE', bytes: 4, read: (v, o, le) => v.getFloat32(o, le) }],
  [MI.DOUBLE, { name: 'miDOUBLE', bytes: 8, read: (v, o, le) => v.getFloat64(o, le) }],
  [MI.INT64, { name: 'miINT64', bytes: 8, read: (v, o, le) => v.getBigInt64(o, le) }],
  [MI.UINT64, { name: 'miUINT64', bytes: 8, read: (v, o, le) => v.getBigUint64(o, le) }],
  // Text types can carry the characters of a char array; as numbers they are code units.
  [MI.UTF8, { name: 'miUTF8', bytes: 1, read: (v, o) => v.getUint8(o) }],
  [MI.UTF16, { name: 'miUTF16', bytes: 2, read: (v, o, le) => v.getUint16(o, le) }],
  [MI.UTF32, { name: 'miUTF32', bytes: 4, read: (v, o, le) => v.getUint32(o, le) }],
]);

export function elementTypeName(type: number): string {
  if (type === MI.MATRIX) return 'miMATRIX';
  if (type === MI.COMPRESSED) return 'miCOMPRESSED';
  return NUMERIC_ELEMENT_TYPES.get(type)?.name ?? `unknown type ${type}`;
}

/** Array classes (the low byte of the array-flags word). */
export const MX = {
  CELL: 1,
  STRUCT: 2,
  OBJECT: 3,
  CHAR: 4,
  SPARSE: 5,
  DOUBLE: 6,
  SINGLE: 7,
  INT8: 8,
  UINT8: 9,
  INT16: 10,
  UINT16: 11,
  INT32: 12,
  UINT32: 13,
  INT64: 14,
  UINT64: 15,
  FUNCTION: 16,
  OPAQUE: 17,
} as const;

/** A numeric class: its name and how to allocate its typed array. */
export interface NumericClass {
  name: MatNumericClass;
  bigint: boolean;
  allocate(length: number): MatNumericData;
}

export const NUMERIC_CLASSES: ReadonlyMap<number, NumericClass> = new Map<number, NumericClass>([
  [MX.DOUBLE, { name: 'double', bigint: false, allocate: (n) => new Float64Array(n) }],
  [MX.SINGLE, { name: 'single', bigint: false, allocate: (n) => new Float32Array(n) }],
  [MX.INT8, { name: 'int8', bigint: false, allocate: (n) => new Int8Array(n) }],
  [MX.UINT8, { name: 'uint8', bigint: false, allocate: (n) => new Uint8Array(n) }],
  [MX.INT16, { name: 'int16', bigint: false, allocate: (n) => new Int16Array(n) }],
  [MX.UINT16, { name: 'uint16', bigint: false, allocate: (n) => new Uint16Array(n) }],
  [MX.INT32, { name: 'int32', bigint: false, allocate: (n) => new Int32Array(n) }],
  [MX.UINT32, { name: 'uint32', bigint: false, allocate: (n) => new Uint32Array(n) }],
  [MX.INT64, { name: 'int64', bigint: true, allocate: (n) => new BigInt64Array(n) }],
  [MX.UINT64, { name: 'uint64', bigint: true, allocate: (n) => new BigUint64Array(n) }],
]);

/** Names of the classes this reader skips without decoding. */
export const UNSUPPORTED_CLASS_NAMES: ReadonlyMap<number, string> = new Map([
  [MX.SPARSE, 'sparse'],
  [MX.FUNCTION, 'function_handle'],
  [MX.OPAQUE, 'opaque'],
]);

/** Bits of the array-flags word above the class byte. */
export const ARRAY_FLAG = { COMPLEX: 0x0800, GLOBAL: 0x0400, LOGICAL: 0x0200 } as const;
