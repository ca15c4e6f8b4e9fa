import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPhotoFolder } from '../../src/data/photoFolder.js';
import { datasetStats } from '../../src/data/datasetStats.js';

function makeFolder(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-photos-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const file of ['b.jpg', 'a.PNG', 'notes.txt', '.hidden.jpg', 'trip/z.webp', 'trip/y.jpeg', 'trip/deeper/x.jpg', '.cache/c.jpg']) {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'not decoded by the loader');
  }
  return dir;
}

test('every image file below the folder, sorted by path, with no faces yet', (t) => {
  const dir = makeFolder(t);
  const dataset = loadPhotoFolder({ dir });
  assert.deepEqual(dataset.images.map((i) => i.id), ['a', 'b', 'trip/deeper/x', 'trip/y', 'trip/z']);
  assert.deepEqual(dataset.images.map((i) => i.event), ['', '', 'trip/deeper', 'trip', 'trip']);
  assert.equal(dataset.images[2]?.path, join(dir, 'trip', 'deeper', 'x.jpg'));
  assert.ok(dataset.images.every((i) => i.faces.length === 0 && i.subsets === undefined));
  assert.deepEqual(dataset.source, { kind: 'photo-folder', root: dir });
  assert.deepEqual(datasetStats(dataset), { images: 5, skipped: 0, faces: 0 });
});

test('maxImages keeps the first N; a missing folder is named', (t) => {
  const dir = makeFolder(t);
  assert.deepEqual(loadPhotoFolder({ dir, maxImages: 2 }).images.map((i) => i.id), ['a', 'b']);
  assert.throws(() => loadPhotoFolder({ dir: join(dir, 'absent') }), new RegExp(`photo folder not found: ${join(dir, 'absent')}`));
});
