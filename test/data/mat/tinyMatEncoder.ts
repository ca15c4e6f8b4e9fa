// A tiny MATLAB v5 MAT-file writer for tests, written from the format description and
// independent of src/data/mat (it shares no code with the reader it checks).
import { deflateSync } from 'node:zlib';

export type TestMatValue =
  | { kind: 'double'; dims: number[]; values: number[]; storage?: 'double' | 'uint8' | 'int16'; imag?: number[] }
  | { kind: 'int32'; dims: number[]; values: number[] }
  | { kind: 'uint64'; dims: number[]; values: bigint[] }
  | { kind: 'single'; dims: number[]; values: number[] }
  | { kind: 'logical'; dims: number[]; values: number[] }
  | { kind: 'char'; dims?: number[]; text: string; storage?: 'uint16' | 'utf8' }
  | { kind: 'cell'; dims: number[]; cells: TestMatValue[] }
  | { kind: 'struct'; dims: number[]; fields: string[]; elements: Record<string, TestMatValue>[] }
  | { kind: 'sparse' }
  | { kind: 'empty' };

export interface TestVariable {
  name: string;
  value: TestMatValue;
  compress?: boolean;
}

const TYPE = { int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5, uint32: 6, single: 7, double: 9, uint64: 13, matrix: 14, compressed: 15, utf8: 16 };
const CLASS = { cell: 1, struct: 2, char: 4, sparse: 5, double: 6, single: 7, uint8: 9, int32: 12, uint64: 15 };

class Writer {
  constructor(private readonly littleEndian: boolean) {}

  u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.littleEndian) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.littleEndian) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  }

  i32s(values: number[]): Buffer {
    return Buffer.concat(values.map((v) => {
      const b = Buffer.alloc(4);
      if (this.littleEndian) b.writeInt32LE(v);
      else b.writeInt32BE(v);
      return b;
    }));
  }

  numbers(type: 'double' | 'single' | 'uint8' | 'int16' | 'uint16', values: number[]): Buffer {
    const size = { double: 8, single: 4, uint8: 1, int16: 2, uint16: 2 }[type];
    const b = Buffer.alloc(values.length * size);
    values.forEach((v, i) => {
      const o = i * size;
      if (type === 'double') this.littleEndian ? b.writeDoubleLE(v, o) : b.writeDoubleBE(v, o);
      else if (type === 'single') this.littleEndian ? b.writeFloatLE(v, o) : b.writeFloatBE(v, o);
      else if (type === 'uint8') b.writeUInt8(v, o);
      else if (type === 'int16') this.littleEndian ? b.writeInt16LE(v, o) : b.writeInt16BE(v, o);
      else this.littleEndian ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o);
    });
    return b;
  }

  bigints(values: bigint[]): Buffer {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => (this.littleEndian ? b.writeBigUInt64LE(v, i * 8) : b.writeBigUInt64BE(v, i * 8)));
    return b;
  }

  /** A data element; payloads of 1..4 bytes use the small data element format when allowed. */
  element(type: number, payload: Buffer, allowSmall = true): Buffer {
    if (allowSmall && payload.length > 0 && payload.length <= 4) {
      // Small format: when read as a uint32 in the file's byte order, bytes in the high half.
      return Buffer.concat([this.u32((payload.length << 16) | type), payload, Buffer.alloc(4 - payload.length)]);
    }
    const pad = (8 - (payload.length % 8)) % 8;
    return Buffer.concat([this.u32(type), this.u32(payload.length), payload, Buffer.alloc(pad)]);
  }

  flags(classId: number, options: { logical?: boolean; complex?: boolean } = {}): Buffer {
    const word = classId | (options.logical ? 0x0200 : 0) | (options.complex ? 0x0800 : 0);
    return this.element(TYPE.uint32, Buffer.concat([this.u32(word), this.u32(0)]), false);
  }

  matrix(name: string, value: TestMatValue): Buffer {
    if (value.kind === 'empty') return Buffer.concat([this.u32(TYPE.matrix), this.u32(0)]);
    const nameElement = this.element(TYPE.int8, Buffer.from(name, 'latin1'));
    const dimsOf = (dims: number[]) => this.element(TYPE.int32, this.i32s(dims));
    let parts: Buffer[];
    switch (value.kind) {
      case 'double': {
        const storage = value.storage ?? 'double';
        const real = this.element(TYPE[storage], this.numbers(storage, value.values));
        const imag = value.imag ? [this.element(TYPE[storage], this.numbers(storage, value.imag))] : [];
        parts = [this.flags(CLASS.double, { complex: Boolean(value.imag) }), dimsOf(value.dims), nameElement, real, ...imag];
        break;
      }
      case 'single':
        parts = [this.flags(CLASS.single), dimsOf(value.dims), nameElement, this.element(TYPE.single, this.numbers('single', value.values))];
        break;
      case 'int32':
        parts = [this.flags(CLASS.int32), dimsOf(value.dims), nameElement, this.element(TYPE.int32, this.i32s(value.values))];
        break;
      case 'uint64':
        parts = [this.flags(CLASS.uint64), dimsOf(value.dims), nameElement, this.element(TYPE.uint64, this.bigints(value.values))];
        break;
      case 'logical':
        parts = [this.flags(CLASS.uint8, { logical: true }), dimsOf(value.dims), nameElement, this.element(TYPE.uint8, this.numbers('uint8', value.values))];
        break;
      case 'char': {
        const dims = value.dims ?? [1, value.text.length];
        const data =
          value.storage === 'utf8'
            ? this.element(TYPE.utf8, Buffer.from(value.text, 'utf8'))
            : this.element(TYPE.uint16, this.numbers('uint16', [...value.text].map((c) => c.charCodeAt(0))));
        parts = [this.flags(CLASS.char), dimsOf(dims), nameElement, data];
        break;
      }
      case 'cell':
        parts = [this.flags(CLASS.cell), dimsOf(value.dims), nameElement, ...value.cells.map((c) => this.matrix('', c))];
        break;
      case 'struct': {
        const slot = Math.max(...value.fields.map((f) => f.length)) + 1;
        const names = Buffer.concat(value.fields.map((f) => Buffer.concat([Buffer.from(f, 'latin1'), Buffer.alloc(slot - f.length)])));
        const fieldValues = value.elements.flatMap((e) => value.fields.map((f) => this.matrix('', e[f] as TestMatValue)));
        parts = [this.flags(CLASS.struct), dimsOf(value.dims), nameElement, this.element(TYPE.int32, this.i32s([slot])), this.element(TYPE.int8, names), ...fieldValues];
        break;
      }
      case 'sparse': {
        // A 2x2 sparse [0 5; 0 0]: ir, jc, pr.
        parts = [
          this.flags(CLASS.sparse),
          dimsOf([2, 2]),
          nameElement,
          this.element(TYPE.int32, this.i32s([0])),
          this.element(TYPE.int32, this.i32s([0, 0, 1])),
          this.element(TYPE.double, this.numbers('double', [5])),
        ];
        break;
      }
    }
    const body = Buffer.concat(parts);
    return Buffer.concat([this.u32(TYPE.matrix), this.u32(body.length), body]);
  }
}

export function encodeMatFile(variables: TestVariable[], options: { littleEndian?: boolean; version?: number } = {}): Buffer {
  const littleEndian = options.littleEndian ?? true;
  const writer = new Writer(littleEndian);
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by a facepatch test', 0, 'latin1');
  header.fill(0, 116, 124); // no subsystem data
  writer.u16(options.version ?? 0x0100).copy(header, 124);
  header.write(littleEndian ? 'IM' : 'MI', 126, 'latin1');
  const elements = variables.map(({ name, value, compress }) => {
    const matrix = writer.matrix(name, value);
    if (!compress) return matrix;
    const deflated = deflateSync(matrix);
    return Buffer.concat([writer.u32(TYPE.compressed), writer.u32(deflated.length), deflated]);
  });
  return Buffer.concat([header, ...elements]);
}

/** Convenience constructors. */
export const mat = {
  double: (dims: number[], values: number[], storage?: 'double' | 'uint8' | 'int16'): TestMatValue => ({ kind: 'double', dims, values, ...(storage ? { storage } : {}) }),
  column: (values: number[]): TestMatValue => ({ kind: 'double', dims: [values.length, 1], values }),
  char: (text: string): TestMatValue => ({ kind: 'char', text }),
  cellColumn: (cells: TestMatValue[]): TestMatValue => ({ kind: 'cell', dims: [cells.length, 1], cells }),
};
