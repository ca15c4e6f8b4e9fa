// Reads an ONNX ModelProto into plain structures: the default-domain opset, the real graph inputs
// (older exporters also list every initializer as an input), initializers as host tensors, and
// the nodes with typed attributes.
import { readFileSync } from 'node:fs';
import { InputFileError } from '../../util/errors.js';
import { OnnxAttributes } from './attributes.js';
import { hostTensorFromProto, type HostTensor } from './hostTensor.js';
import { longToNumber, onnx, type OnnxProtoValueInfo } from './onnxProto.js';

export interface OnnxValueInfo {
  name: string;
  /** Declared dimensions: numbers, or names for symbolic ones (e.g. "batch"), or undefined. */
  dims: (number | string | undefined)[] | undefined;
}

export interface OnnxNode {
  /** The node's name, or a made-up "#<index> <OpType>" when the exporter left it empty. */
  name: string;
  opType: string;
  domain: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttributes;
}

export interface OnnxModel {
  /** Where the model came from (a file path or a label), for error messages. */
  source: string;
  /** The opset version of the default (ai.onnx) domain. */
  opset: number;
  producer: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: Map<string, HostTensor>;
  nodes: OnnxNode[];
}

function valueInfo(info: OnnxProtoValueInfo): OnnxValueInfo {
  const shape = info.type?.tensorType?.shape;
  const dims = shape?.dim?.map((d) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue !== null && d.dimValue !== undefined) return longToNumber(d.dimValue);
    return undefined;
  });
  return { name: info.name ?? '', dims };
}

/** Decodes ONNX bytes; `source` names the file in every error. */
export function parseOnnxModel(bytes: Uint8Array, source: string): OnnxModel {
  let proto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new InputFileError(source, `not a readable ONNX model (${(error as Error).message})`, undefined, { cause: error });
  }
  const graph = proto.graph;
  if (!graph || !graph.node || graph.node.length === 0) throw new InputFileError(source, 'the ONNX model has no graph nodes');
  const defaultOpset = proto.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = defaultOpset ? longToNumber(defaultOpset.version) : 1;

  const initializers = new Map<string, HostTensor>();
  try {
    for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', hostTensorFromProto(t, `initializer ${t.name}`));
  } catch (error) {
    throw new InputFileError(source, (error as Error).message, undefined, { cause: error });
  }
  const nodes: OnnxNode[] = graph.node.map((n, index) => {
    const opType = n.opType ?? '';
    const name = n.name || `#${index} ${opType}`;
    let attributes: OnnxAttributes;
    try {
      attributes = new OnnxAttributes(n.attribute ?? [], `node "${name}" (${opType})`);
    } catch (error) {
      throw new InputFileError(source, (error as Error).message, undefined, { cause: error });
    }
    return { name, opType, domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes };
  });
  return {
    source,
    opset,
    producer: `${proto.producerName ?? ''} ${proto.producerVersion ?? ''}`.trim(),
    inputs: (graph.input ?? []).map(valueInfo).filter((i) => !initializers.has(i.name)),
    outputs: (graph.output ?? []).map(valueInfo),
    initializers,
    nodes,
  };
}

/** Reads and decodes an ONNX file. */
export function readOnnxModel(file: string): OnnxModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputFileError(file, `cannot read the ONNX model (${(error as Error).message})`, undefined, { cause: error });
  }
  return parseOnnxModel(bytes, file);
}
