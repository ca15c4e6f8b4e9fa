// The trainable parameters of a network, by PyTorch-style name ("layer1.0.conv1.weight"), so a
// torchvision or facepatch checkpoint maps onto them one to one. Filters are stored HWIO (tfjs);
// PyTorch's OIHW is transposed on load and save.
import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../../util/random.js';

/** tfjs variable names are global: each store prefixes its own, so networks can coexist. */
let storeCount = 0;

export class ParamStore {
  /** Prefix of this store's tfjs variable names ("store3/"); the maps are keyed without it. */
  readonly variablePrefix = `store${storeCount++}/`;
  readonly params = new Map<string, tf.Variable>();
  /** Batch-norm running statistics: state, not trained by gradients. */
  readonly buffers = new Map<string, tf.Variable>();
  private readonly rng: SeededRandom;
  /** Tensors computed from parameters (eval-mode folded weights), with the data ids they came from. */
  private readonly derivedCache = new Map<string, { sources: object[]; tensors: tf.Tensor[] }>();

  constructor(seed = 0) {
    this.rng = new SeededRandom(seed);
  }

  /** A conv filter [kh, kw, in, out] with He (Kaiming normal, fan_out) initialisation. */
  convFilter(name: string, kh: number, kw: number, inChannels: number, outChannels: number, std?: number): tf.Variable {
    const sigma = std ?? Math.sqrt(2 / (kh * kw * outChannels));
    return this.add(name, [kh, kw, inChannels, outChannels], () => this.rng.normal() * sigma);
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, shape, () => value);
  }

  buffer(name: string, shape: number[], value: number): tf.Variable {
    const v = tf.variable(tf.fill(shape, value), false, `${this.variablePrefix}${name}`);
    this.buffers.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const p = this.params.get(name) ?? this.buffers.get(name);
    if (!p) throw new Error(`no parameter ${name}`);
    return p;
  }

  private add(name: string, shape: number[], sample: () => number): tf.Variable {
    if (this.params.has(name)) throw new Error(`parameter ${name} defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = sample();
    const v = tf.variable(tf.tensor(values, shape), true, `${this.variablePrefix}${name}`);
    this.params.set(name, v);
    return v;
  }

  /**
   * Tensors computed from some variables, cached under `key` until one of them changes (assign
   * gives a variable a new data id), so eval-mode forwards fold batch norm once, not per call.
   * The store owns the result: callers must not dispose it.
   */
  derived(key: string, sources: tf.Variable[], compute: () => tf.Tensor[]): tf.Tensor[] {
    const ids = sources.map((v) => (v as unknown as { dataId: object }).dataId);
    const hit = this.derivedCache.get(key);
    if (hit && hit.sources.length === ids.length && hit.sources.every((id, i) => id === ids[i])) return hit.tensors;
    if (hit) tf.dispose(hit.tensors);
    const tensors = tf.tidy(compute).map((t) => tf.keep(t));
    this.derivedCache.set(key, { sources: ids, tensors });
    return tensors;
  }

  trainable(): tf.Variable[] {
    return [...this.params.values()];
  }

  count(): number {
    let n = 0;
    for (const p of this.params.values()) n += p.size;
    return n;
  }

  dispose(): void {
    for (const v of [...this.params.values(), ...this.buffers.values()]) v.dispose();
    for (const { tensors } of this.derivedCache.values()) tf.dispose(tensors);
    this.derivedCache.clear();
    this.params.clear();
    this.buffers.clear();
  }
}
