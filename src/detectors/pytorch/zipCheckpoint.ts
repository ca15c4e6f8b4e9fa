// The ZIP checkpoint format of torch.save (PyTorch >= 1.6): <root>/data.pkl is the pickle and
// <root>/data/<key> holds each storage's raw little-endian bytes.
import { InputFileError } from '../../util/errors.js';
import { unpickle } from './pickleMachine.js';
import { StorageTable } from './storageTable.js';
import { resolveTorchGlobal } from './torchGlobals.js';
import { ZipArchive, looksLikeZip } from './zipArchive.js';
import type { CheckpointFormat } from './checkpointFormat.js';

export const zipCheckpointFormat: CheckpointFormat = {
  name: 'zip',
  matches: looksLikeZip,
  read(bytes, file) {
    const archive = new ZipArchive(bytes, file);
    const pickleName = archive.names().find((n) => n === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(n));
    if (pickleName === undefined) throw new InputFileError(file, 'a ZIP archive without data.pkl is not a PyTorch checkpoint');
    const root = pickleName.slice(0, -'data.pkl'.length);
    const byteOrderName = `${root}byteorder`;
    if (archive.entries.has(byteOrderName)) {
      const order = Buffer.from(archive.read(byteOrderName)).toString('utf8').trim();
      if (order !== 'little') throw new InputFileError(file, `byte order "${order}" is not supported (only little-endian)`);
    }
    const storages = new StorageTable(file);
    const { value } = unpickle(
      archive.read(pickleName),
      0,
      { findGlobal: (module, name) => resolveTorchGlobal(module, name, file), persistentLoad: (pid) => storages.persistentLoad(pid) },
      { file, part: pickleName },
    );
    for (const storage of storages.storages.values()) {
      if (storage.base !== undefined) continue;
      const data = archive.read(`${root}data/${storage.key}`);
      const needed = storage.numel * storage.dtype.itemSize;
      if (data.byteLength < needed) {
        throw new InputFileError(file, `storage ${storage.key} holds ${data.byteLength} bytes, expected ${needed}`);
      }
      storage.bytes = data;
    }
    return value;
  },
};
