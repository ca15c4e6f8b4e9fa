// Tensors held on the host (initializers, Constant nodes, folded shape values) before they
// become tfjs tensors. tfjs has no int64, so every integer type is stored as int32, saturated:
// ONNX uses INT64_MAX / INT64_MIN as "to the end" sentinels in Slice, which survive saturation.
import * as tf from '@tensorflow/tfjs';
import { OnnxDataType, longToNumber, type OnnxProtoTensor } from './onnxProto.js';

export type HostDtype = 'float32' | 'int32' | 'bool';

export interface HostTensor {
  dims: number[];
  dtype: HostDtype;
  data: Float32Array | Int32Array | Uint8Array;
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

export function saturateToInt32(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(INT32_MIN, Math.min(INT32_MAX, Math.trunc(value)));
}

/** The tfjs dtype an ONNX element type maps to, or undefined when tfjs cannot hold it. */
export function hostDtypeOf(onnxType: number): HostDtype | undefined {
  switch (onnxType) {
    case OnnxDataType.FLOAT:
    case OnnxDataType.FLOAT16:
    case OnnxDataType.DOUBLE:
      return 'float32';
    case OnnxDataType.BOOL:
      return 'bool';
    case OnnxDataType.UINT8:
    case OnnxDataType.INT8:
    case OnnxDataType.UINT16:
    case OnnxDataType.INT16:
    case OnnxDataType.INT32:
    case OnnxDataType.INT64:
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return 'int32';
    default:
      return undefined;
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Decodes raw_data (little-endian bytes, possibly unaligned inside the file buffer). */
function fromRawData(raw: Uint8Array, onnxType: number, count: number): number[] | Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Array<number>(count);
  switch (onnxType) {
    case OnnxDataType.FLOAT: {
      const f = new Float32Array(count);
      for (let i = 0; i < count; i++) f[i] = view.getFloat32(i * 4, true);
      return f;
    }
    case OnnxDataType.DOUBLE:
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    case OnnxDataType.FLOAT16:
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    case OnnxDataType.INT64:
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    case OnnxDataType.UINT64:
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      return out;
    case OnnxDataType.INT32:
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    case OnnxDataType.UINT32:
      for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
      return out;
    case OnnxDataType.INT16:
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    case OnnxDataType.UINT16:
      for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true);
      return out;
    case OnnxDataType.INT8:
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case OnnxDataType.UINT8:
    case OnnxDataType.BOOL:
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      return out;
    default:
      throw new Error(`raw_data of element type ${onnxType} is not supported`);
  }
}

/** The typed values of a TensorProto, from whichever field holds them (raw_data or a typed field). */
function protoValues(tensor: OnnxProtoTensor, onnxType: number, count: number): ArrayLike<number> {
  if (tensor.rawData && tensor.rawData.length > 0) return fromRawData(tensor.rawData, onnxType, count);
  switch (onnxType) {
    case OnnxDataType.FLOAT:
      return tensor.floatData ?? [];
    case OnnxDataType.DOUBLE:
      return tensor.doubleData ?? [];
    case OnnxDataType.INT64:
      return (tensor.int64Data ?? []).map(longToNumber);
    case OnnxDataType.UINT32:
    case OnnxDataType.UINT64:
      return (tensor.uint64Data ?? []).map(longToNumber);
    case OnnxDataType.FLOAT16:
      // float16 values travel as their bit patterns in int32_data.
      return (tensor.int32Data ?? []).map(halfToFloat);
    default:
      return tensor.int32Data ?? [];
  }
}

/** A TensorProto as a host tensor; `where` names it in error messages. */
export function hostTensorFromProto(tensor: OnnxProtoTensor, where: string): HostTensor {
  const dims = (tensor.dims ?? []).map(longToNumber);
  const onnxType = tensor.dataType ?? 0;
  if (tensor.dataLocation === 1 || (tensor.externalData && tensor.externalData.length > 0)) {
    throw new Error(`${where}: tensors stored in external data files are not supported; save the model with its weights inside`);
  }
  const dtype = hostDtypeOf(onnxType);
  if (dtype === undefined) throw new Error(`${where}: tensor element type ${onnxType} is not supported by the importer`);
  const count = dims.reduce((a, b) => a * b, 1);
  const values = protoValues(tensor, onnxType, count);
  if (values.length !== count) {
    throw new Error(`${where}: tensor of shape [${dims.join(', ')}] holds ${values.length} values, expected ${count}`);
  }
  return makeHostTensor(dims, dtype, values);
}

export function makeHostTensor(dims: number[], dtype: HostDtype, values: ArrayLike<number>): HostTensor {
  const count = values.length;
  if (dtype === 'float32') return { dims, dtype, data: values instanceof Float32Array ? values : Float32Array.from(values) };
  if (dtype === 'bool') {
    const data = new Uint8Array(count);
    for (let i = 0; i < count; i++) data[i] = values[i] ? 1 : 0;
    return { dims, dtype, data };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) data[i] = saturateToInt32(values[i]);
  return { dims, dtype, data };
}

/** A host tensor as a tfjs tensor (bool data as 0/1). */
export function tensorFromHost(host: HostTensor): tf.Tensor {
  return tf.tensor(host.dtype === 'bool' ? Array.from(host.data, (v) => v !== 0) : host.data, host.dims, host.dtype);
}

/** A host copy of a tfjs tensor's data. */
export function hostFromTensor(tensor: tf.Tensor): HostTensor {
  const data = tensor.dataSync();
  const dtype: HostDtype = tensor.dtype === 'float32' ? 'float32' : tensor.dtype === 'bool' ? 'bool' : 'int32';
  return makeHostTensor([...tensor.shape], dtype, data as ArrayLike<number>);
}
