// Tensor element types a checkpoint can hold: their storage class names, byte sizes and how raw
// little-endian bytes become a JavaScript typed array. Half and bfloat16 widen to float32 (tfjs
// has neither); int64 stays exact as BigInt64Array.

export type TorchDType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

export type TensorData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

export interface DTypeInfo {
  dtype: TorchDType;
  /** Bytes per element in the file. */
  itemSize: number;
  /** torch.<Name>Storage, the legacy typed storage class. */
  storageClass: string;
  /** torch.<name>, the dtype global of newer pickles. */
  dtypeGlobal: string;
  /** An empty typed array of the in-memory type. */
  allocate(length: number): TensorData;
  /** Decodes `count` elements from little-endian bytes. */
  decode(bytes: Uint8Array, count: number): TensorData;
}

/** Copies bytes into a fresh, aligned buffer (file offsets are rarely aligned). */
function aligned(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

type ArrayCtor = { new (buffer: ArrayBuffer): TensorData; new (length: number): TensorData };

function direct(dtype: TorchDType, itemSize: number, storageClass: string, dtypeGlobal: string, Ctor: ArrayCtor): DTypeInfo {
  return {
    dtype,
    itemSize,
    storageClass,
    dtypeGlobal,
    allocate: (length) => new Ctor(length),
    decode: (bytes, count) => new Ctor(aligned(bytes.subarray(0, count * itemSize))),
  };
}

function widened(dtype: TorchDType, storageClass: string, dtypeGlobal: string, toFloat: (bits: number) => number): DTypeInfo {
  return {
    dtype,
    itemSize: 2,
    storageClass,
    dtypeGlobal,
    allocate: (length) => new Float32Array(length),
    decode(bytes, count) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = toFloat(view.getUint16(2 * i, true));
      return out;
    },
  };
}

const bfloatScratch = new DataView(new ArrayBuffer(4));
function bfloatToFloat(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16);
  return bfloatScratch.getFloat32(0);
}

export const DTYPES: readonly DTypeInfo[] = [
  direct('float32', 4, 'FloatStorage', 'float32', Float32Array),
  direct('float64', 8, 'DoubleStorage', 'float64', Float64Array),
  widened('float16', 'HalfStorage', 'float16', halfToFloat),
  widened('bfloat16', 'BFloat16Storage', 'bfloat16', bfloatToFloat),
  direct('int64', 8, 'LongStorage', 'int64', BigInt64Array),
  direct('int32', 4, 'IntStorage', 'int32', Int32Array),
  direct('int16', 2, 'ShortStorage', 'int16', Int16Array),
  direct('int8', 1, 'CharStorage', 'int8', Int8Array),
  direct('uint8', 1, 'ByteStorage', 'uint8', Uint8Array),
  direct('bool', 1, 'BoolStorage', 'bool', Uint8Array),
];

export function dtypeInfo(dtype: TorchDType): DTypeInfo {
  return DTYPES.find((d) => d.dtype === dtype) as DTypeInfo;
}
