// Tensors as a checkpoint describes them: a storage (a flat run of bytes that the file holds
// elsewhere: a zip entry, or a record after the pickles) plus offset, shape and strides. The
// pickle names storages before their bytes are known, so tensors stay references until
// `materializeTensor` copies each one into a contiguous typed array.
import { InputFileError } from '../../util/errors.js';
import type { DTypeInfo, TensorData, TorchDType } from './torchDtypes.js';

/** One storage of the checkpoint; `bytes` is filled once the container has been read. */
export class StorageRef {
  bytes?: Uint8Array;
  constructor(
    readonly key: string,
    readonly dtype: DTypeInfo,
    /** Elements of `dtype` it holds. */
    readonly numel: number,
    readonly location: string,
    /** Legacy checkpoints can pickle a view into another storage, at an element offset. */
    readonly base?: { storage: StorageRef; offset: number },
  ) {}

  resolveBytes(file: string): Uint8Array {
    if (this.base !== undefined) {
      const parent = this.base.storage.resolveBytes(file);
      const start = this.base.offset * this.dtype.itemSize;
      return parent.subarray(start, start + this.numel * this.dtype.itemSize);
    }
    if (this.bytes === undefined) throw new InputFileError(file, `storage ${this.key} is referenced but its data is missing`);
    return this.bytes;
  }
}

/** A tensor as pickled: where its elements live and how they are laid out. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    /** Element type of the tensor (differs from the storage's only for untyped storages). */
    readonly dtype: DTypeInfo,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
  ) {}
}

/** A tensor read from a checkpoint: contiguous, row-major data. */
export interface TorchTensor {
  dtype: TorchDType;
  shape: number[];
  data: TensorData;
}

/** Copies a tensor's elements, honouring offset and strides, into a contiguous array. */
export function materializeTensor(ref: TensorRef, file: string, name: string): TorchTensor {
  const { shape, stride, storageOffset, dtype } = ref;
  if (shape.length !== stride.length) throw new InputFileError(file, `tensor ${name}: shape and stride differ in rank`);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = ref.storage.resolveBytes(file);
  const available = Math.floor(bytes.byteLength / dtype.itemSize);
  if (count === 0) return { dtype: dtype.dtype, shape: [...shape], data: dtype.allocate(0) };

  // The furthest element the view touches must lie inside the storage.
  let last = storageOffset;
  for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
  if (storageOffset < 0 || stride.some((s) => s < 0) || last >= available) {
    throw new InputFileError(file, `tensor ${name}: its view (offset ${storageOffset}, shape [${shape}], stride [${stride}]) runs outside its storage of ${available} elements`);
  }

  const contiguous = isContiguous(shape, stride);
  if (contiguous) {
    const start = storageOffset * dtype.itemSize;
    return { dtype: dtype.dtype, shape: [...shape], data: dtype.decode(bytes.subarray(start), count) };
  }
  const source = dtype.decode(bytes.subarray(storageOffset * dtype.itemSize), last - storageOffset + 1);
  const out = dtype.allocate(count);
  const index = new Array<number>(shape.length).fill(0);
  let from = 0;
  for (let i = 0; i < count; i++) {
    (out as unknown as ArrayLike<number | bigint> & { [k: number]: number | bigint })[i] = source[from];
    // Odometer over the indices, keeping `from` = sum(index * stride).
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      from += stride[d];
      if (index[d] < shape[d]) break;
      from -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return { dtype: dtype.dtype, shape: [...shape], data: out };
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
