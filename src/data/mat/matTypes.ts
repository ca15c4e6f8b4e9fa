// The values a MATLAB v5 MAT-file holds, as this reader exposes them. Arrays keep MATLAB's
// column-major order: element (i, j) of an R x C array is at index i + R * j.

export type MatNumericClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';

export type MatNumericData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A numeric (or logical) array; `data` has the typed-array type of its MATLAB class. */
export interface MatNumericArray {
  kind: 'numeric';
  className: MatNumericClass;
  dims: number[];
  data: MatNumericData;
  /** The imaginary part, for complex arrays. */
  imag?: MatNumericData;
  /** MATLAB's logical flag (a logical array has class uint8). */
  logical: boolean;
}

/** A char array; `data` holds its characters in column-major order. */
export interface MatCharArray {
  kind: 'char';
  dims: number[];
  data: string;
}

export interface MatCellArray {
  kind: 'cell';
  dims: number[];
  /** The cells in column-major order. */
  cells: MatValue[];
}

/** A struct array (or an old-style object, which names its class). */
export interface MatStructArray {
  kind: 'struct';
  dims: number[];
  fieldNames: string[];
  /** One record per element, in column-major order. */
  elements: Record<string, MatValue>[];
  /** The class name of an mxOBJECT_CLASS value. */
  objectClassName?: string;
}

/** A value this reader skips over safely but does not decode (sparse, function handle, opaque object). */
export interface MatUnsupportedValue {
  kind: 'unsupported';
  className: string;
  dims: number[];
}

export type MatValue = MatNumericArray | MatCharArray | MatCellArray | MatStructArray | MatUnsupportedValue;

export interface MatFileHeader {
  /** The 116-byte descriptive text, trimmed. */
  text: string;
  /** 0x0100 for a v5 MAT-file. */
  version: number;
  littleEndian: boolean;
  /** Offset of the subsystem data (0 or all-spaces when none), as a bigint. */
  subsystemOffset: bigint;
}

export interface MatFile {
  /** The file name used in error messages. */
  file: string;
  header: MatFileHeader;
  /** Variables by name, in file order. */
  variables: Map<string, MatValue>;
}
