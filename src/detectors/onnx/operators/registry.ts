// ONNX operators register here by op type; the graph looks them up per node. One file per family
// of operators (element-wise, convolution, pooling, ...), each calling registerOperator at import.
import type * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../../util/errors.js';
import type { OnnxAttributes } from '../attributes.js';
import type { OnnxNode } from '../model.js';
import type { OnnxValue } from '../values.js';

export interface OperatorContext {
  readonly node: OnnxNode;
  readonly attributes: OnnxAttributes;
  /** The model's default-domain opset (operators changed signature across opsets). */
  readonly opset: number;
  /** "node "<name>" (<OpType>)", for messages. */
  readonly where: string;
  /**
   * Caches a tensor derived from constant inputs (e.g. a convolution filter permuted to HWIO) for
   * the graph's lifetime; `key` distinguishes several caches of one node.
   */
  memo(key: string, make: () => tf.Tensor): tf.Tensor;
}

/** Runs one node: inputs in node order (undefined for omitted optional inputs); one value per output. */
export type OperatorRun = (inputs: (OnnxValue | undefined)[], context: OperatorContext) => OnnxValue[];

const operators = new Map<string, OperatorRun>();

export function registerOperator(opType: string, run: OperatorRun): void {
  if (operators.has(opType)) throw new Error(`ONNX operator ${opType} is registered twice`);
  operators.set(opType, run);
}

export function findOperator(opType: string, domain: string): OperatorRun | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return operators.get(opType);
}

export function supportedOperators(): string[] {
  return [...operators.keys()].sort();
}

/** A node the importer cannot run as it is configured; the message names the node. */
export class OnnxOperatorError extends FacepatchError {
  constructor(context: Pick<OperatorContext, 'where'>, problem: string) {
    super(`${context.where}: ${problem}`);
    this.name = 'OnnxOperatorError';
  }
}

/** The input at `index`, or an error naming the node when it is missing. */
export function requiredInput(inputs: (OnnxValue | undefined)[], index: number, context: OperatorContext): OnnxValue {
  const value = inputs[index];
  if (value === undefined) throw new OnnxOperatorError(context, `input ${index} is required`);
  return value;
}
