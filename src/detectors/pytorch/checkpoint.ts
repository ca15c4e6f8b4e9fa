// Reading PyTorch checkpoints (.pth/.pt/.tar written by torch.save) without Python: the raw
// object, or the state dict a model loads (name -> contiguous tensor).
import { readFileSync } from 'node:fs';
import { InputFileError } from '../../util/errors.js';
import type { CheckpointFormat } from './checkpointFormat.js';
import { legacyCheckpointFormat } from './legacyCheckpoint.js';
import { zipCheckpointFormat } from './zipCheckpoint.js';
import { PyObject, describePyValue, isGlobal, qualifiedName, type PyKey, type PyValue } from './pythonValues.js';
import { TensorRef, materializeTensor, type TorchTensor } from './torchTensor.js';

const FORMATS: readonly CheckpointFormat[] = [zipCheckpointFormat, legacyCheckpointFormat];

function looksLikeTar(bytes: Uint8Array): boolean {
  return bytes.length > 262 && Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InputFileError(file, `cannot read the checkpoint (${(error as Error).message})`, undefined, { cause: error });
  }
}

/**
 * The object a checkpoint holds, as Python values (see pythonValues.ts) with every tensor a
 * TensorRef (storage + layout, not yet copied).
 */
export function readCheckpointObject(file: string, bytes: Uint8Array = readBytes(file)): PyValue {
  const format = FORMATS.find((f) => f.matches(bytes));
  if (format !== undefined) return format.read(bytes, file);
  if (looksLikeTar(bytes)) {
    throw new InputFileError(file, 'this is a tar archive: the pre-0.4 PyTorch tar checkpoint format is not supported (re-save it with a current torch.save)');
  }
  throw new InputFileError(file, 'not a PyTorch checkpoint (neither a torch.save ZIP archive nor a legacy torch.save stream)');
}

export function isTorchTensor(value: unknown): value is TorchTensor {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView((value as TorchTensor).data) && Array.isArray((value as TorchTensor).shape);
}

/** Replaces every tensor reference inside a value by a contiguous TorchTensor. */
function materializeAll(value: PyValue, file: string, path: string): PyValue {
  if (value instanceof TensorRef) return materializeTensor(value, file, path || 'root');
  if (Array.isArray(value)) return value.map((item, i) => materializeAll(item, file, `${path}[${i}]`));
  if (value instanceof Map) {
    const out = new Map<PyKey, PyValue>();
    for (const [key, item] of value) out.set(key, materializeAll(item, file, path ? `${path}.${String(key)}` : String(key)));
    return out;
  }
  return value;
}

/** The checkpoint's object with tensors copied out (dicts are Maps, tuples and lists arrays). */
export function loadCheckpoint(file: string): PyValue {
  return materializeAll(readCheckpointObject(file), file, '');
}

/** Keys under which training scripts commonly nest the model's state dict. */
const STATE_DICT_KEYS = ['state_dict', 'model_state_dict', 'model', 'net'];
const DATA_PARALLEL_PREFIX = 'module.';

export interface StateDictOptions {
  /** Strip DataParallel's "module." prefix when every key has it (default true). */
  stripModulePrefix?: boolean;
}

/**
 * A model's parameters and buffers by name. Accepts a bare state dict or a training checkpoint
 * holding one under "state_dict" (or "model_state_dict", "model", "net"); non-tensor entries
 * are skipped, unsupported objects in tensor slots are errors naming their class.
 */
export function loadStateDict(file: string, options: StateDictOptions = {}): Map<string, TorchTensor> {
  let root = readCheckpointObject(file);
  if (root instanceof Map) {
    const nestedKey = STATE_DICT_KEYS.find((k) => root instanceof Map && root.get(k) instanceof Map);
    if (nestedKey !== undefined) root = root.get(nestedKey) as PyValue;
  }
  if (!(root instanceof Map)) {
    const hint = root instanceof PyObject ? ' (a whole pickled model? save model.state_dict() instead)' : '';
    throw new InputFileError(file, `expected a state dict, found ${describePyValue(root)}${hint}`);
  }
  const tensors = new Map<string, TorchTensor>();
  for (const [key, value] of root) {
    const name = String(key);
    if (value instanceof TensorRef) tensors.set(name, materializeTensor(value, file, name));
    else if (value instanceof PyObject) throw new InputFileError(file, `state dict entry ${name} is built by the unsupported global ${value.className}`);
    else if (isGlobal(value)) throw new InputFileError(file, `state dict entry ${name} is the unsupported global ${qualifiedName(value)}`);
  }
  if (tensors.size === 0) throw new InputFileError(file, 'the state dict holds no tensors');
  const names = [...tensors.keys()];
  if ((options.stripModulePrefix ?? true) && names.every((n) => n.startsWith(DATA_PARALLEL_PREFIX))) {
    return new Map([...tensors].map(([n, t]) => [n.slice(DATA_PARALLEL_PREFIX.length), t]));
  }
  return tensors;
}
