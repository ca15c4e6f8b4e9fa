// The legacy (pre-1.6, or _use_new_zipfile_serialization=False) format: five things back to
// back in one stream: a magic-number pickle, a protocol-version pickle, a sys_info pickle, the
// object pickle, a pickle listing storage keys; then, per key in that order, an int64 element
// count and the storage's raw bytes.
import { InputFileError } from '../../util/errors.js';
import { unpickle, type UnpicklerHooks } from './pickleMachine.js';
import { StorageTable } from './storageTable.js';
import { resolveTorchGlobal } from './torchGlobals.js';
import type { CheckpointFormat } from './checkpointFormat.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

function startsWithMagicPickle(bytes: Uint8Array): boolean {
  // PROTO 2, LONG1 of 10 bytes holding MAGIC, STOP.
  if (bytes.length < 15 || bytes[0] !== 0x80 || bytes[2] !== 0x8a || bytes[3] !== 10 || bytes[14] !== 0x2e) return false;
  let value = 0n;
  for (let i = 13; i >= 4; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value === MAGIC;
}

export const legacyCheckpointFormat: CheckpointFormat = {
  name: 'legacy',
  matches: startsWithMagicPickle,
  read(bytes, file) {
    const storages = new StorageTable(file);
    const plain: UnpicklerHooks = {
      findGlobal: (module, name) => resolveTorchGlobal(module, name, file),
      persistentLoad: () => {
        throw new InputFileError(file, 'a persistent id outside the object pickle');
      },
    };
    const magic = unpickle(bytes, 0, plain, { file, part: 'magic number' });
    const protocol = unpickle(bytes, magic.end, plain, { file, part: 'protocol version' });
    if (protocol.value !== PROTOCOL_VERSION) throw new InputFileError(file, `unsupported legacy protocol version ${String(protocol.value)}`);
    const sysInfo = unpickle(bytes, protocol.end, plain, { file, part: 'sys_info' });
    if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
      throw new InputFileError(file, 'big-endian checkpoints are not supported');
    }
    const main = unpickle(
      bytes,
      sysInfo.end,
      { ...plain, persistentLoad: (pid) => storages.persistentLoad(pid) },
      { file, part: 'object pickle' },
    );
    const keys = unpickle(bytes, main.end, plain, { file, part: 'storage key list' });
    if (!Array.isArray(keys.value)) throw new InputFileError(file, 'the storage key list is not a list');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = keys.end;
    for (const key of keys.value) {
      const storage = typeof key === 'string' ? storages.storages.get(key) : undefined;
      if (storage === undefined) throw new InputFileError(file, `storage record ${String(key)} is not referenced by the pickle`);
      if (at + 8 > bytes.length) throw new InputFileError(file, `the file is truncated before storage ${key}`);
      const count = Number(view.getBigInt64(at, true));
      const length = count * storage.dtype.itemSize;
      at += 8;
      if (at + length > bytes.length) throw new InputFileError(file, `the file is truncated inside storage ${key}`);
      if (count < storage.numel) throw new InputFileError(file, `storage ${key} holds ${count} elements, the pickle says ${storage.numel}`);
      storage.bytes = bytes.subarray(at, at + length);
      at += length;
    }
    return main.value;
  },
};
