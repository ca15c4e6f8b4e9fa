// The checkpoint reader against PyTorch itself: python saves small checkpoints (every dtype,
// views, shared storages, nested dicts, both container formats) and prints what torch reads
// back; our reader must read the same values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint, loadStateDict, isTorchTensor, type TorchTensor } from '../../../src/detectors/pytorch/index.js';
import { InputFileError } from '../../../src/util/errors.js';
import { requireTorchPython, runPythonJson, torchPythonAvailable } from './torchPython.js';

interface Described {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface Reference {
  tensors: Record<string, Described>;
  deep_w: Described;
  state_dict: Record<string, Described>;
}

const fixture = fileURLToPath(new URL('./fixtures/save_checkpoints.py', import.meta.url));
let dir = '';
let reference: Reference | undefined;

before(() => {
  if (!torchPythonAvailable()) return;
  dir = mkdtempSync(join(tmpdir(), 'facepatch-pth-'));
  reference = runPythonJson<Reference>(fixture, [dir]);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function assertSameTensor(actual: unknown, expected: Described, name: string): void {
  assert.ok(isTorchTensor(actual), `${name} is a tensor`);
  const tensor = actual as TorchTensor;
  assert.equal(tensor.dtype, expected.dtype, `${name} dtype`);
  assert.deepEqual(tensor.shape, expected.shape, `${name} shape`);
  assert.equal(tensor.data.length, expected.values.length, `${name} length`);
  for (let i = 0; i < expected.values.length; i++) {
    const want = expected.values[i];
    const got = tensor.data[i];
    // Python printed int64 as strings; everything else is exactly representable as a double.
    if (typeof want === 'string') assert.equal(String(got), want, `${name}[${i}]`);
    else assert.equal(Number(got), want, `${name}[${i}]`);
  }
}

for (const file of ['nested_zip.pt', 'nested_legacy.pt', 'nested_deflated.pt']) {
  test(`reads every dtype, strided views, shared storages and nested dicts (${file})`, (t) => {
    if (!requireTorchPython(t) || reference === undefined) return;
    const root = loadCheckpoint(join(dir, file));
    assert.ok(root instanceof Map);
    const tensors = root.get('tensors');
    assert.ok(tensors instanceof Map, 'the OrderedDict is a Map');
    assert.deepEqual([...tensors.keys()], Object.keys(reference.tensors), 'OrderedDict keeps its order');
    for (const [name, expected] of Object.entries(reference.tensors)) assertSameTensor(tensors.get(name), expected, name);

    const meta = root.get('meta');
    assert.ok(meta instanceof Map);
    assert.equal(meta.get('epoch'), 7);
    assert.equal(meta.get('lr'), 0.125);
    assert.equal(meta.get('name'), 'tiny');
    assert.deepEqual(meta.get('flags'), [true, null, 3]);
    const deep = meta.get('deep');
    assert.ok(deep instanceof Map);
    assertSameTensor(deep.get('w'), reference.deep_w, 'meta.deep.w');
  });
}

test('state dicts: plain, DataParallel "module." prefix, nested under "state_dict" in a legacy training checkpoint', (t) => {
  if (!requireTorchPython(t) || reference === undefined) return;
  for (const file of ['plain_state.pth', 'data_parallel.pth', 'training_checkpoint.tar']) {
    const state = loadStateDict(join(dir, file));
    assert.deepEqual([...state.keys()], Object.keys(reference.state_dict), file);
    for (const [name, expected] of Object.entries(reference.state_dict)) assertSameTensor(state.get(name), expected, `${file} ${name}`);
  }
  const kept = loadStateDict(join(dir, 'data_parallel.pth'), { stripModulePrefix: false });
  assert.ok([...kept.keys()].every((k) => k.startsWith('module.')));
});

function assertInputError(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputFileError, `an InputFileError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.message, pattern);
    return true;
  });
}

test('clear errors naming the file: not a checkpoint, unknown opcode, whole pickled model, foreign object', (t) => {
  if (!requireTorchPython(t) || reference === undefined) return;
  const text = join(dir, 'not_a_checkpoint.pth');
  assertInputError(() => loadStateDict(text), text, /not a PyTorch checkpoint/);
  const badOpcode = join(dir, 'bad_opcode.pt');
  assertInputError(() => loadStateDict(badOpcode), badOpcode, /data\.pkl: unsupported pickle opcode unknown \(0xff\) \(pickle byte 2\)/);
  const model = join(dir, 'whole_model.pth');
  assertInputError(() => loadStateDict(model), model, /object of class __main__\.Tiny.*state_dict\(\)/);
  const foreign = join(dir, 'foreign_object.pth');
  assertInputError(() => loadStateDict(foreign), foreign, /entry args .*unsupported global argparse\.Namespace/);
  const missing = join(dir, 'does_not_exist.pth');
  assertInputError(() => loadStateDict(missing), missing, /cannot read/);
});
