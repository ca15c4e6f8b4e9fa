// An imported ONNX graph as a function over tfjs tensors. Nodes run in topological order through
// the operator registry; every operator is built from plain differentiable tfjs ops, so tf.grad
// through `run` reaches the inputs.
//
// Constant folding: the first run for a given set of input shapes and requested outputs
// discovers which node outputs do not depend on the input values (initializers, Constant nodes,
// Shape/Size of any tensor, since shapes are fixed, and anything computed only from those), keeps
// the ones the remaining nodes need, and records a plan of the input-dependent nodes only. Shape
// subgraphs such as Shape -> Gather -> Unsqueeze -> Concat -> Reshape thus run once per input
// size, and later runs read their results as constants without device syncs.
import * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../util/errors.js';
import { hostFromTensor, tensorFromHost } from './hostTensor.js';
import { parseOnnxModel, readOnnxModel, type OnnxModel, type OnnxNode } from './model.js';
import './operators/index.js';
import { OnnxOperatorError, findOperator, type OperatorContext } from './operators/registry.js';
import { channelsLastValue, logical, onnxValue, type OnnxValue } from './values.js';

export interface OnnxRunOptions {
  /** Values to return (default: the graph's outputs); any intermediate value name works. */
  outputs?: string[];
  /**
   * True: rank-4 feeds hold the graph's NCHW inputs stored channels-last (e.g. a batch of images
   * [B, H, W, 3] for an input declared [B, 3, H, W]), which spares the transposes. Default false:
   * feeds are in the graph's own layout.
   */
  channelsLastFeeds?: boolean;
}

interface ExecutionPlan {
  /** Input-dependent nodes, in order, with their index in the sorted node list. */
  steps: { node: OnnxNode; index: number }[];
  /** Folded values the steps (or the requested outputs) read. */
  constants: Map<string, OnnxValue>;
  foldedNodes: number;
}

/** Operators whose output is fixed once input shapes are fixed. */
const SHAPE_ONLY_OPERATORS = new Set(['Shape', 'Size']);
/** Operators that never fold (their output changes from run to run). */
const NEVER_FOLDED = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial']);

export class OnnxGraph {
  readonly model: OnnxModel;
  /** Nodes in topological order. */
  private readonly nodes: OnnxNode[];
  private readonly producers = new Map<string, number>();
  private readonly initializers = new Map<string, OnnxValue>();
  private readonly plans = new Map<string, ExecutionPlan>();
  private readonly memos = new Map<string, tf.Tensor>();
  private disposed = false;

  static fromFile(file: string): OnnxGraph {
    return new OnnxGraph(readOnnxModel(file));
  }

  static fromBytes(bytes: Uint8Array, source = 'ONNX model'): OnnxGraph {
    return new OnnxGraph(parseOnnxModel(bytes, source));
  }

  constructor(model: OnnxModel) {
    this.model = model;
    this.nodes = topologicalOrder(model);
    this.nodes.forEach((node, index) => node.outputs.forEach((o) => o && this.producers.set(o, index)));
    for (const [name, host] of model.initializers) {
      this.initializers.set(name, onnxValue(tf.keep(tensorFromHost(host)), true, host.data.length <= 4096 ? host : undefined));
    }
  }

  /** The graph's real inputs (initializers listed as inputs by old exporters are left out). */
  get inputNames(): string[] {
    return this.model.inputs.map((i) => i.name);
  }

  get outputNames(): string[] {
    return this.model.outputs.map((o) => o.name);
  }

  /** Whether `name` is a graph input, an initializer or some node's output. */
  hasValue(name: string): boolean {
    return this.producers.has(name) || this.initializers.has(name) || this.inputNames.includes(name);
  }

  /** Op types (with node names) that the importer cannot run among the nodes `outputs` need. */
  unsupportedOperators(outputs: string[] = this.outputNames): Map<string, string[]> {
    const missing = new Map<string, string[]>();
    for (const index of this.neededNodes(outputs)) {
      const node = this.nodes[index];
      if (!findOperator(node.opType, node.domain)) {
        const key = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
        missing.set(key, [...(missing.get(key) ?? []), node.name]);
      }
    }
    return missing;
  }

  /** Throws a FacepatchError listing every unsupported operator (and its nodes) that `outputs` need. */
  assertSupported(outputs: string[] = this.outputNames): void {
    const missing = this.unsupportedOperators(outputs);
    if (missing.size === 0) return;
    const list = [...missing].map(([op, names]) => {
      const shown = names.slice(0, 3).map((n) => `"${n}"`).join(', ');
      return `${op} (node${names.length > 1 ? 's' : ''} ${shown}${names.length > 3 ? `, +${names.length - 3} more` : ''})`;
    });
    throw new FacepatchError(`${this.model.source}: unsupported ONNX operator${missing.size > 1 ? 's' : ''}: ${list.join('; ')}`);
  }

  /**
   * Runs the graph. Feeds are keyed by input name; the result holds the requested values in ONNX
   * (logical) layout, owned by the caller. Differentiable w.r.t. the feeds.
   */
  run(feeds: Record<string, tf.Tensor>, options: OnnxRunOptions = {}): Record<string, tf.Tensor> {
    if (this.disposed) throw new FacepatchError(`${this.model.source}: the ONNX graph was disposed`);
    const outputs = options.outputs ?? this.outputNames;
    for (const name of outputs) {
      if (!this.producers.has(name) && !this.initializers.has(name) && !(name in feeds)) {
        throw new FacepatchError(`${this.model.source}: no value named "${name}" in the graph`);
      }
    }
    for (const name of this.inputNames) {
      if (!(name in feeds) && this.neededInputs(outputs).has(name)) {
        throw new FacepatchError(`${this.model.source}: missing input "${name}" (inputs: ${this.inputNames.join(', ')})`);
      }
    }
    const channelsLast = options.channelsLastFeeds === true;
    const key = planKey(feeds, channelsLast, outputs);
    return tf.tidy(() => {
      const env = new Map<string, OnnxValue>(this.initializers);
      const external = new Set<tf.Tensor>([...this.initializers.values()].map((v) => v.tensor));
      for (const [name, tensor] of Object.entries(feeds)) {
        env.set(name, channelsLast && tensor.rank === 4 ? channelsLastValue(tensor) : onnxValue(tensor));
        external.add(tensor);
      }
      let plan = this.plans.get(key);
      if (plan === undefined) {
        plan = this.discover(env, outputs, new Set(Object.keys(feeds)));
        this.plans.set(key, plan);
      } else {
        for (const [name, value] of plan.constants) env.set(name, value);
        for (const { node, index } of plan.steps) this.execute(node, index, env);
      }
      for (const value of plan.constants.values()) external.add(value.tensor);
      const result: Record<string, tf.Tensor> = {};
      for (const name of outputs) {
        const value = env.get(name) as OnnxValue;
        const tensor = logical(value);
        // Never hand out a tensor the graph (or the caller) still owns.
        result[name] = external.has(tensor) ? tensor.clone() : tensor;
      }
      return result;
    });
  }

  /**
   * How the graph runs for the given feeds: node count, folded node count and the op types left
   * after folding (runs the graph once if no plan exists yet for these shapes).
   */
  describePlan(feeds: Record<string, tf.Tensor>, options: OnnxRunOptions = {}): { nodes: number; folded: number; runtimeOps: Record<string, number> } {
    const key = planKey(feeds, options.channelsLastFeeds === true, options.outputs ?? this.outputNames);
    if (!this.plans.has(key)) Object.values(this.run(feeds, options)).forEach((t) => t.dispose());
    const plan = this.plans.get(key) as ExecutionPlan;
    const runtimeOps: Record<string, number> = {};
    for (const { node } of plan.steps) runtimeOps[node.opType] = (runtimeOps[node.opType] ?? 0) + 1;
    return { nodes: plan.steps.length + plan.foldedNodes, folded: plan.foldedNodes, runtimeOps };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.initializers.values()) v.tensor.dispose();
    for (const plan of this.plans.values()) for (const v of plan.constants.values()) v.tensor.dispose();
    for (const t of this.memos.values()) t.dispose();
    this.plans.clear();
    this.memos.clear();
  }

  /** Indices (in order) of the nodes needed to compute `outputs`. */
  private neededNodes(outputs: string[]): number[] {
    const needed = new Set<number>();
    const stack = [...outputs];
    while (stack.length > 0) {
      const index = this.producers.get(stack.pop() as string);
      if (index === undefined || needed.has(index)) continue;
      needed.add(index);
      for (const input of this.nodes[index].inputs) if (input) stack.push(input);
    }
    return [...needed].sort((a, b) => a - b);
  }

  private neededInputs(outputs: string[]): Set<string> {
    const inputs = new Set(this.inputNames);
    const used = new Set<string>(outputs.filter((o) => inputs.has(o)));
    for (const index of this.neededNodes(outputs)) for (const i of this.nodes[index].inputs) if (inputs.has(i)) used.add(i);
    return used;
  }

  /** First run for a signature: executes the needed nodes, folding the input-independent ones. */
  private discover(env: Map<string, OnnxValue>, outputs: string[], feedNames: Set<string>): ExecutionPlan {
    this.assertSupported(outputs);
    const staticNames = new Set<string>([...this.initializers.keys()].filter((n) => !feedNames.has(n)));
    const needed = this.neededNodes(outputs);
    const steps: ExecutionPlan['steps'] = [];
    let foldedNodes = 0;
    for (const index of needed) {
      const node = this.nodes[index];
      const inputs = node.inputs.filter((i) => i !== '');
      const isStatic =
        !NEVER_FOLDED.has(node.opType) &&
        (SHAPE_ONLY_OPERATORS.has(node.opType) || inputs.every((i) => staticNames.has(i)));
      this.execute(node, index, env);
      if (isStatic) {
        node.outputs.forEach((o) => o && staticNames.add(o));
        foldedNodes++;
      } else steps.push({ node, index });
    }
    // Keep the folded values that runtime nodes or the caller read.
    const wanted = new Set<string>(outputs);
    for (const { node } of steps) for (const i of node.inputs) if (i) wanted.add(i);
    const constants = new Map<string, OnnxValue>();
    for (const name of wanted) {
      if (!staticNames.has(name) || this.initializers.has(name)) continue;
      const value = env.get(name) as OnnxValue;
      const tensor = tf.keep(value.tensor);
      const host = value.host ?? (tensor.size <= 4096 ? hostFromTensor(tensor) : undefined);
      const folded: OnnxValue = { tensor, layout: value.layout, constant: true, host };
      constants.set(name, folded);
      env.set(name, folded);
    }
    return { steps, constants, foldedNodes };
  }

  private execute(node: OnnxNode, index: number, env: Map<string, OnnxValue>): void {
    const run = findOperator(node.opType, node.domain);
    const where = `node "${node.name}" (${node.opType})`;
    if (!run) throw new FacepatchError(`${this.model.source}: unsupported ONNX operator ${node.opType} in ${where}`);
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const value = env.get(name);
      if (value === undefined) throw new FacepatchError(`${this.model.source}: ${where} reads "${name}", which nothing produced`);
      return value;
    });
    const context: OperatorContext = {
      node,
      attributes: node.attributes,
      opset: this.model.opset,
      where,
      memo: (key, make) => {
        const memoKey = `${index}/${key}`;
        let tensor = this.memos.get(memoKey);
        if (tensor === undefined) {
          tensor = tf.keep(make());
          this.memos.set(memoKey, tensor);
        }
        return tensor;
      },
    };
    let results: OnnxValue[];
    try {
      results = run(inputs, context);
    } catch (error) {
      if (error instanceof FacepatchError) throw new FacepatchError(`${this.model.source}: ${error.message}`, { cause: error });
      throw new OnnxOperatorError({ where: `${this.model.source}: ${where}` }, (error as Error).message);
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      if (results[i] === undefined) throw new FacepatchError(`${this.model.source}: ${where} did not produce output ${i} ("${name}")`);
      env.set(name, results[i]);
    });
  }
}

/** Plans are per input shapes/dtypes, input layout and requested outputs. */
function planKey(feeds: Record<string, tf.Tensor>, channelsLast: boolean, outputs: string[]): string {
  return JSON.stringify([Object.entries(feeds).map(([n, t]) => [n, t.shape, t.dtype]), channelsLast, outputs]);
}

/** Nodes sorted so that every node comes after the producers of its inputs. */
function topologicalOrder(model: OnnxModel): OnnxNode[] {
  const available = new Set<string>(['', ...model.initializers.keys(), ...model.inputs.map((i) => i.name)]);
  const pending = [...model.nodes];
  const order: OnnxNode[] = [];
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const node = pending[i];
      if (node.inputs.every((n) => available.has(n))) {
        order.push(node);
        node.outputs.forEach((o) => available.add(o));
        pending.splice(i, 1);
      } else i++;
    }
    if (pending.length === before) {
      const node = pending[0];
      const missing = node.inputs.filter((n) => !available.has(n));
      throw new FacepatchError(
        `${model.source}: node "${node.name}" (${node.opType}) reads ${missing.map((m) => `"${m}"`).join(', ')}, which no node, input or initializer provides (or the graph has a cycle)`,
      );
    }
  }
  return order;
}
