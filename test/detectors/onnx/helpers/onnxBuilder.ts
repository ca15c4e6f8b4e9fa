// Builds small ONNX models in tests (with onnx-proto), so each operator can be checked against
// onnxruntime on hand-made graphs.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'tensor'; value: InitializerSpec };

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });
export const str = (value: string): Attribute => ({ kind: 'string', value });
export const ints = (value: number[]): Attribute => ({ kind: 'ints', value });
export const floats = (value: number[]): Attribute => ({ kind: 'floats', value });
export const tensorAttribute = (value: InitializerSpec): Attribute => ({ kind: 'tensor', value });

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
  name?: string;
  domain?: string;
}

/** 'raw' stores raw_data bytes; 'typed' stores float_data / int64_data / int32_data. */
export type Storage = 'raw' | 'typed';

export interface InitializerSpec {
  name?: string;
  dims: number[];
  /** Numbers; int64 raw data may also hold bigints (e.g. INT64_MAX, which a double cannot). */
  values: (number | bigint)[] | Float32Array;
  /** ONNX element type: 1 float (default), 6 int32, 7 int64, 9 bool. */
  dataType?: number;
  storage?: Storage;
}

export interface ModelSpec {
  opset: number;
  inputs: { name: string; dims: number[]; dataType?: number }[];
  outputs: { name: string; dataType?: number }[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
}

function tensorProto(spec: InitializerSpec): onnxProto.onnx.ITensorProto {
  const dataType = spec.dataType ?? 1;
  const values = Array.from(spec.values);
  const proto: onnxProto.onnx.ITensorProto = { name: spec.name ?? '', dims: spec.dims, dataType };
  if ((spec.storage ?? 'raw') === 'raw') {
    const bytesPer = dataType === 7 ? 8 : dataType === 9 ? 1 : 4;
    const buffer = new ArrayBuffer(values.length * bytesPer);
    const view = new DataView(buffer);
    values.forEach((v, i) => {
      if (dataType === 7) view.setBigInt64(i * 8, typeof v === 'bigint' ? v : BigInt(Math.trunc(v)), true);
      else if (dataType === 1) view.setFloat32(i * 4, Number(v), true);
      else if (dataType === 9) view.setUint8(i, v ? 1 : 0);
      else view.setInt32(i * 4, Number(v), true);
    });
    proto.rawData = new Uint8Array(buffer);
  } else {
    if (values.some((v) => typeof v === 'bigint')) throw new Error('bigint values need raw storage');
    const numbers = values as number[];
    if (dataType === 1) proto.floatData = numbers;
    else if (dataType === 7) proto.int64Data = numbers;
    else proto.int32Data = numbers;
  }
  return proto;
}

function attributeProto(name: string, a: Attribute): onnxProto.onnx.IAttributeProto {
  switch (a.kind) {
    case 'int':
      return { name, type: 2, i: a.value };
    case 'float':
      return { name, type: 1, f: a.value };
    case 'string':
      return { name, type: 3, s: new TextEncoder().encode(a.value) };
    case 'ints':
      return { name, type: 7, ints: a.value };
    case 'floats':
      return { name, type: 6, floats: a.value };
    case 'tensor':
      return { name, type: 4, t: tensorProto(a.value) };
  }
}

/** Serialises a model spec to ONNX bytes. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const valueInfo = (name: string, dataType: number, dims?: number[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: dataType, shape: dims ? { dim: dims.map((d) => ({ dimValue: d })) } : undefined } },
  });
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'facepatch-test',
    opsetImport: [{ domain: '', version: spec.opset }],
    graph: {
      name: 'test',
      node: spec.nodes.map((n, i) => ({
        name: n.name ?? `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attributeProto(k, v)),
      })),
      initializer: (spec.initializers ?? []).map(tensorProto),
      input: spec.inputs.map((i) => valueInfo(i.name, i.dataType ?? 1, i.dims)),
      output: spec.outputs.map((o) => valueInfo(o.name, o.dataType ?? 1)),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** Deterministic pseudo-random values in [-1, 1) (a seeded LCG), for inputs and weights. */
export function seededValues(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed % 2147483647 || 1;
  for (let i = 0; i < count; i++) {
    s = (s * 16807) % 2147483647;
    out[i] = (s / 2147483647) * 2 - 1;
  }
  return out;
}
