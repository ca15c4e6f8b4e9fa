// torch.save pickles each storage as a persistent id, ('storage', <storage class>, key,
// location, numel[, view]); the bytes live outside the pickle. This table turns those ids into
// StorageRefs, one per key, which the container reader later fills with bytes.
import { InputFileError } from '../../util/errors.js';
import { isStorageType } from './torchGlobals.js';
import { describePyValue, type PyValue } from './pythonValues.js';
import { StorageRef } from './torchTensor.js';

export class StorageTable {
  readonly storages = new Map<string, StorageRef>();
  constructor(readonly file: string) {}

  persistentLoad(pid: PyValue): PyValue {
    if (!Array.isArray(pid) || pid.length < 2) throw new InputFileError(this.file, `unsupported persistent id ${describePyValue(pid)}`);
    const [kind, ...rest] = pid;
    // Legacy whole-model saves also reference module classes by persistent id.
    if (kind === 'module') return rest[0];
    if (kind !== 'storage') throw new InputFileError(this.file, `unsupported persistent id of kind ${describePyValue(kind)}`);
    const [storageType, key, location, numel, view] = rest;
    if (!isStorageType(storageType)) {
      throw new InputFileError(this.file, `unsupported storage class ${describePyValue(storageType)}`);
    }
    if (typeof key !== 'string' || typeof numel !== 'number') throw new InputFileError(this.file, 'malformed storage persistent id');
    let root = this.storages.get(key);
    if (root === undefined) {
      root = new StorageRef(key, storageType.storageDtype, numel, String(location));
      this.storages.set(key, root);
    }
    if (view === undefined || view === null) return root;
    // Legacy format: (view_key, offset, view_size) names a slice of the root storage.
    if (!Array.isArray(view) || typeof view[0] !== 'string' || typeof view[1] !== 'number' || typeof view[2] !== 'number') {
      throw new InputFileError(this.file, 'malformed storage view in a persistent id');
    }
    const [viewKey, offset, size] = view as [string, number, number];
    const existing = this.storages.get(viewKey);
    if (existing !== undefined) return existing;
    const slice = new StorageRef(viewKey, root.dtype, size, root.location, { storage: root, offset });
    this.storages.set(viewKey, slice);
    return slice;
  }
}
