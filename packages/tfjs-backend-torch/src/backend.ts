// The tfjs KernelBackend whose tensors live in libtorch: each tfjs dataId maps to one handle in
// the addon's table (string tensors, which ATen cannot hold, stay in JS). Kernels never modify a
// stored tensor, so views (reshape, transpose, slice) can share memory safely.
import {
  DataStorage,
  KernelBackend,
  engine,
  util,
  type BackendTimingInfo,
  type DataId,
  type DataType,
  type TensorInfo,
  type backend_util,
} from '@tensorflow/tfjs-core';
import type { NativeTensor, TorchNative } from './native.js';

type BackendValues = backend_util.BackendValues;

interface NativeData {
  kind: 'native';
  handle: number;
  dtype: DataType;
  refCount: number;
}

interface StringData {
  kind: 'strings';
  values: Uint8Array[];
  dtype: 'string';
  refCount: number;
}

type StoredData = NativeData | StringData;

const DTYPES_BY_CODE: DataType[] = ['float32', 'int32', 'bool'];

let nextDataId = 0;

function typedValues(values: BackendValues | null | undefined, dtype: DataType, size: number) {
  if (values == null) return undefined;
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  if (dtype === 'bool') {
    if (values instanceof Uint8Array) return values;
    return Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0));
  }
  throw new Error(`the torch backend cannot store ${dtype} tensors (size ${size})`);
}

export class TorchBackend extends KernelBackend {
  readonly data: DataStorage<StoredData>;

  constructor(readonly native: TorchNative) {
    super();
    this.data = new DataStorage<StoredData>(this, engine());
  }

  // --- storage --------------------------------------------------------------------------
  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = { id: nextDataId++ };
    this.data.set(dataId, this.store(values, shape, dtype, 1));
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, this.store(values, shape, dtype, refCount));
  }

  private store(values: BackendValues | null | undefined, shape: number[], dtype: DataType, refCount: number): StoredData {
    if (dtype === 'string') {
      return { kind: 'strings', values: (values ?? []) as Uint8Array[], dtype, refCount };
    }
    if (dtype === 'complex64') throw new Error('the torch backend does not support complex64 tensors');
    const size = util.sizeFromShape(shape);
    const typed = typedValues(values, dtype, size);
    const described =
      typed === undefined
        ? this.native.ops.fill(shape, 0, dtype)
        : this.native.fromArray(typed, shape, dtype);
    return { kind: 'native', handle: described[0]!, dtype, refCount };
  }

  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues | string[]): TensorInfo {
    let stored = values as BackendValues | undefined;
    if (dtype === 'string' && values != null && values.length > 0 && util.isString(values[0])) {
      stored = (values as string[]).map((s) => util.encodeString(s));
    }
    return { dataId: this.write(stored as BackendValues, shape, dtype), shape, dtype };
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): BackendValues {
    const stored = this.data.get(dataId);
    if (stored.kind === 'strings') return stored.values;
    return this.native.toArray(stored.handle);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const stored = this.data.get(dataId);
    stored.refCount--;
    if (!force && stored.refCount > 0) return false;
    if (stored.kind === 'native') this.native.free(stored.handle);
    this.data.delete(dataId);
    return true;
  }

  disposeIntermediateTensorInfo(info: TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override memory(): { unreliable: boolean; reasons?: string[]; nativeTensors: number } {
    return { unreliable: false, nativeTensors: this.native.liveCount() };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return { kernelMs: util.now() - start };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {}

  // --- helpers for kernels ------------------------------------------------------------------
  /** The addon handle holding a tensor (moving it here first if another backend has it). */
  handle(info: TensorInfo): number {
    const stored = this.data.get(info.dataId);
    if (stored.kind !== 'native') throw new Error(`the torch backend cannot compute on ${stored.dtype} tensors`);
    return stored.handle;
  }

  /** Registers a tensor an op returned and describes it to tfjs. */
  output(described: NativeTensor): TensorInfo {
    const [handle, code, ...shape] = described;
    const dtype = DTYPES_BY_CODE[code!]!;
    const dataId = { id: nextDataId++ };
    this.data.set(dataId, { kind: 'native', handle: handle!, dtype, refCount: 1 });
    return { dataId, shape, dtype };
  }

  outputs(described: NativeTensor[]): TensorInfo[] {
    return described.map((d) => this.output(d));
  }

  /** Registers an op's output under the dtype tfjs expects, casting if ATen chose another. */
  outputAs(described: NativeTensor, dtype: DataType): TensorInfo {
    const info = this.output(described);
    if (info.dtype === dtype) return info;
    const cast = this.output(this.native.ops.cast(this.handle(info), dtype));
    this.disposeData(info.dataId);
    return cast;
  }
}
