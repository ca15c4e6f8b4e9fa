// The Python globals a checkpoint may name that the reader knows how to build: torch's tensor
// rebuild functions, its storage classes and dtypes, OrderedDict and a few builtins. Anything
// else resolves to an inert global (calling it yields a PyObject naming it), so loading never
// runs code, and the state-dict step can say which unsupported global got in the way.
import { InputFileError } from '../../util/errors.js';
import { DTYPES, type DTypeInfo } from './torchDtypes.js';
import { StorageRef, TensorRef } from './torchTensor.js';
import { describePyValue, type PyGlobal, type PyKey, type PyValue } from './pythonValues.js';

/** A storage class global (torch.FloatStorage, ...): persistent ids name one. */
export interface StorageTypeGlobal extends PyGlobal {
  readonly storageDtype: DTypeInfo;
}

/** A dtype global (torch.float32, ...), an argument of _rebuild_tensor_v3. */
export interface DTypeGlobal extends PyGlobal {
  readonly dtypeOf: DTypeInfo;
}

export function isStorageType(value: unknown): value is StorageTypeGlobal {
  return typeof value === 'object' && value !== null && 'storageDtype' in value;
}

type GlobalFactory = (file: string) => Omit<PyGlobal, 'kind' | 'module' | 'name'> & Record<string, unknown>;

const KNOWN = new Map<string, GlobalFactory>();
function known(qualified: string | string[], factory: GlobalFactory): void {
  for (const name of Array.isArray(qualified) ? qualified : [qualified]) KNOWN.set(name, factory);
}

function asInts(file: string, what: string, value: PyValue): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new InputFileError(file, `${what} is not a tuple of integers (got ${describePyValue(value)})`);
  }
  return value as number[];
}

function rebuildTensor(file: string, fn: string, args: PyValue[], dtype?: DTypeInfo): TensorRef {
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof StorageRef)) throw new InputFileError(file, `${fn}: the first argument is not a storage (got ${describePyValue(storage)})`);
  if (typeof offset !== 'number') throw new InputFileError(file, `${fn}: the storage offset is not an integer`);
  const shape = asInts(file, `${fn} size`, size);
  // Very old pickles give stride as None for contiguous tensors: compute it.
  const strides = stride === null || stride === undefined ? contiguousStrides(shape) : asInts(file, `${fn} stride`, stride);
  const elementType = dtype ?? storage.dtype;
  const view = elementType === storage.dtype ? storage : reinterpret(storage, elementType);
  return new TensorRef(view, elementType, offset, shape, strides, requiresGrad === true);
}

/** An untyped (byte) storage seen through a tensor's dtype. */
function reinterpret(storage: StorageRef, dtype: DTypeInfo): StorageRef {
  const bytes = storage.numel * storage.dtype.itemSize;
  const retyped = new StorageRef(storage.key, dtype, Math.floor(bytes / dtype.itemSize), storage.location, { storage, offset: 0 });
  return retyped;
}

function contiguousStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

function dictFromPairs(file: string, pairs: PyValue): Map<PyKey, PyValue> {
  const dict = new Map<PyKey, PyValue>();
  if (pairs === undefined || pairs === null) return dict;
  const entries = pairs instanceof Map ? [...pairs.entries()] : pairs;
  if (!Array.isArray(entries)) throw new InputFileError(file, `OrderedDict built from ${describePyValue(pairs)}`);
  for (const pair of entries) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new InputFileError(file, 'OrderedDict built from something other than key/value pairs');
    dict.set(pair[0] as PyKey, pair[1]);
  }
  return dict;
}

known(['collections.OrderedDict', 'builtins.dict', '__builtin__.dict'], (file) => ({ call: (args) => dictFromPairs(file, args[0]) }));
known(['builtins.set', '__builtin__.set', 'builtins.frozenset', '__builtin__.frozenset'], () => ({
  call: (args) => new Set(Array.isArray(args[0]) ? args[0] : []),
}));
known(['builtins.list', '__builtin__.list', 'builtins.tuple', '__builtin__.tuple'], () => ({
  call: (args) => (Array.isArray(args[0]) ? [...args[0]] : []),
}));
known('torch._utils._rebuild_tensor', (file) => ({ call: (args) => rebuildTensor(file, '_rebuild_tensor', args) }));
known('torch._utils._rebuild_tensor_v2', (file) => ({ call: (args) => rebuildTensor(file, '_rebuild_tensor_v2', args) }));
known('torch._utils._rebuild_tensor_v3', (file) => ({
  call(args) {
    const dtype = args[6] as Partial<DTypeGlobal> | undefined;
    if (dtype?.dtypeOf === undefined) throw new InputFileError(file, `_rebuild_tensor_v3: unsupported dtype ${describePyValue(args[6] ?? null)}`);
    return rebuildTensor(file, '_rebuild_tensor_v3', args, dtype.dtypeOf);
  },
}));
// nn.Parameter pickles as its data plus flags; the data is all a state dict needs.
known(['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state'], () => ({ call: (args) => args[0] }));
// Tensor subclasses: the rebuild function and its arguments come first.
known(['torch._tensor._rebuild_from_type_v2', 'torch._tensor._rebuild_from_type'], (file) => ({
  call(args) {
    const [fn, , fnArgs] = args;
    const callable = fn as Partial<PyGlobal>;
    if (callable?.call === undefined || !Array.isArray(fnArgs)) throw new InputFileError(file, `_rebuild_from_type: cannot rebuild with ${describePyValue(fn ?? null)}`);
    return callable.call(fnArgs);
  },
}));
known('torch.Size', () => ({ call: (args) => (Array.isArray(args[0]) ? [...args[0]] : []) }));
known('torch.device', () => ({ call: (args) => args.map(String).join(':') }));
for (const info of DTYPES) {
  known(`torch.${info.storageClass}`, () => ({ storageDtype: info }));
  known(`torch.${info.dtypeGlobal}`, () => ({ dtypeOf: info }));
}
// Byte storages of torch >= 2 (the tensor's dtype then comes from _rebuild_tensor_v3).
const UINT8 = DTYPES.find((d) => d.dtype === 'uint8') as DTypeInfo;
known(['torch.UntypedStorage', 'torch.storage.UntypedStorage', 'torch.storage._UntypedStorage'], () => ({ storageDtype: UINT8 }));

/** Resolves module.name to a known global, or an inert one whose calls make PyObjects. */
export function resolveTorchGlobal(module: string, name: string, file: string): PyGlobal {
  const factory = KNOWN.get(`${module}.${name}`);
  return { kind: 'global', module, name, ...(factory ? factory(file) : {}) };
}
