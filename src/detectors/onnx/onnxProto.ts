// The protobuf classes of ONNX (onnx-proto is CommonJS; this is the one place that unwraps it).
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type OnnxProtoModel = onnxProto.onnx.IModelProto;
export type OnnxProtoGraph = onnxProto.onnx.IGraphProto;
export type OnnxProtoNode = onnxProto.onnx.INodeProto;
export type OnnxProtoTensor = onnxProto.onnx.ITensorProto;
export type OnnxProtoAttribute = onnxProto.onnx.IAttributeProto;
export type OnnxProtoValueInfo = onnxProto.onnx.IValueInfoProto;

/** ONNX TensorProto.DataType codes used by the importer. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** protobufjs decodes int64 fields as Long objects (or numbers); ONNX's INT64_MAX sentinels saturate. */
export function longToNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
