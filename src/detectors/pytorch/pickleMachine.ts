// A pickle virtual machine of our own (protocols 0-5, the opcodes torch.save and plain Python
// emit). It never imports or runs anything: globals are resolved through the caller's
// `findGlobal`, and persistent ids (how torch refers to tensor storages) through
// `persistentLoad`. Opcodes are a table, one small handler each, so an unknown one is reported
// by name and byte offset.
import { InputFileError } from '../../util/errors.js';
import { PyObject, isGlobal, type PyGlobal, type PyKey, type PyValue } from './pythonValues.js';

export interface UnpicklerHooks {
  findGlobal(module: string, name: string): PyGlobal;
  persistentLoad(pid: PyValue): PyValue;
}

export interface PickleSource {
  /** The file, for error messages. */
  file: string;
  /** Which pickle inside the file (e.g. "data.pkl"), for error messages. */
  part: string;
}

export interface UnpickleResult {
  value: PyValue;
  /** Offset just past the STOP opcode (legacy checkpoints put several pickles in a row). */
  end: number;
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

class PickleMachine {
  pos: number;
  readonly stack: StackItem[] = [];
  readonly memo = new Map<number, PyValue>();
  readonly view: DataView;
  opcodeAt = 0;
  stopped = false;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly hooks: UnpicklerHooks,
    readonly source: PickleSource,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    throw new InputFileError(this.source.file, `${this.source.part}: ${problem} (pickle byte ${this.opcodeAt})`);
  }

  need(n: number): number {
    if (this.pos + n > this.bytes.length) this.fail('the pickle is truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1)];
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  u64(): number {
    const value = this.view.getBigUint64(this.need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('a length does not fit in memory');
    return Number(value);
  }
  f64be(): number {
    return this.view.getFloat64(this.need(8), false);
  }
  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }
  /** A text argument of the protocol-0 opcodes, up to (not including) the newline. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('the pickle is truncated (missing newline)');
    const text = Buffer.from(this.bytes.subarray(this.pos, end)).toString('latin1');
    this.pos = end + 1;
    return text;
  }
  utf8(n: number): string {
    return Buffer.from(this.raw(n)).toString('utf8');
  }

  push(value: PyValue): void {
    this.stack.push(value);
  }
  pop(): PyValue {
    if (this.stack.length === 0) this.fail('the pickle pops an empty stack');
    const value = this.stack.pop() as StackItem;
    if (value === MARK) this.fail('the pickle pops a MARK as a value');
    return value;
  }
  top(): PyValue {
    const value = this.stack[this.stack.length - 1];
    if (this.stack.length === 0 || value === MARK) this.fail('the pickle reads an empty stack');
    return value as PyValue;
  }
  /** Pops everything down to the latest MARK (and the mark itself). */
  popMark(): PyValue[] {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) this.fail('the pickle has no MARK to pop to');
    const items = this.stack.splice(at) as PyValue[];
    items.shift();
    return items;
  }
  memoGet(index: number): PyValue {
    if (!this.memo.has(index)) this.fail(`the pickle reads memo slot ${index}, which was never written`);
    return this.memo.get(index) as PyValue;
  }
  memoPut(index: number): void {
    this.memo.set(index, this.top());
  }

  call(callable: PyValue, args: PyValue): PyValue {
    if (!Array.isArray(args)) this.fail('REDUCE arguments are not a tuple');
    if (!isGlobal(callable)) this.fail('REDUCE calls something that is not a global');
    if (callable.call === undefined) return new PyObject(`${callable.module}.${callable.name}`, args);
    return callable.call(args);
  }

  setItems(target: PyValue, pairs: PyValue[]): void {
    if (pairs.length % 2 !== 0) this.fail('SETITEMS has an odd number of values');
    const into = target instanceof Map ? target : target instanceof PyObject ? target.dictItems : this.fail('SETITEM on a value that is not a dict');
    for (let i = 0; i < pairs.length; i += 2) into.set(pairs[i] as PyKey, pairs[i + 1]);
  }

  append(target: PyValue, items: PyValue[]): void {
    const into = Array.isArray(target) ? target : target instanceof PyObject ? target.listItems : this.fail('APPEND on a value that is not a list');
    into.push(...items);
  }

  build(target: PyValue, state: PyValue): void {
    // Only inert objects keep their state; state on values we model (an OrderedDict's
    // _metadata, a Parameter's hooks) carries nothing a state dict needs.
    if (target instanceof PyObject) target.state = state;
  }

  run(): PyValue {
    while (!this.stopped) {
      this.opcodeAt = this.pos;
      const code = this.u8();
      const opcode = OPCODES.get(code);
      if (opcode === undefined) {
        const name = UNSUPPORTED_OPCODE_NAMES.get(code);
        this.fail(`unsupported pickle opcode ${name ?? 'unknown'} (0x${code.toString(16).padStart(2, '0')})`);
      }
      opcode.run(this);
    }
    return this.pop();
  }
}

/** Little-endian two's-complement integer of LONG1/LONG4 (a number when it fits exactly). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return smallest(value);
}

function smallest(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A protocol-0 quoted string literal ('...' or "..."), with Python's common escapes. */
function parseQuoted(vm: PickleMachine, text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) vm.fail('STRING argument is not quoted');
  const body = text.slice(1, -1);
  const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, esc: string) =>
    esc.length === 3 ? String.fromCharCode(parseInt(esc.slice(1), 16)) : (simple[esc] ?? `\\${esc}`),
  );
}

function parseIntLine(vm: PickleMachine, text: string): number | bigint | boolean {
  // Protocol 0 spells booleans as I01 / I00.
  if (text === '01') return true;
  if (text === '00') return false;
  const digits = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(digits)) vm.fail(`bad integer literal "${text}"`);
  return smallest(BigInt(digits));
}

interface Opcode {
  name: string;
  run(vm: PickleMachine): void;
}

const OPCODE_LIST: [number, Opcode][] = [];
function op(code: string | number, name: string, run: (vm: PickleMachine) => void): void {
  OPCODE_LIST.push([typeof code === 'string' ? code.charCodeAt(0) : code, { name, run }]);
}

// Framing and protocol.
op(0x80, 'PROTO', (vm) => {
  const version = vm.u8();
  if (version > 5) vm.fail(`pickle protocol ${version} is newer than 5`);
});
op(0x95, 'FRAME', (vm) => void vm.u64()); // frames are an I/O hint; the bytes follow inline
op('.', 'STOP', (vm) => void (vm.stopped = true));

// Stack manipulation.
op('(', 'MARK', (vm) => void vm.stack.push(MARK));
op('0', 'POP', (vm) => {
  if (vm.stack[vm.stack.length - 1] === MARK) vm.stack.pop();
  else vm.pop();
});
op('1', 'POP_MARK', (vm) => void vm.popMark());
op('2', 'DUP', (vm) => vm.push(vm.top()));

// Memo.
op('p', 'PUT', (vm) => vm.memoPut(Number(vm.line())));
op('q', 'BINPUT', (vm) => vm.memoPut(vm.u8()));
op('r', 'LONG_BINPUT', (vm) => vm.memoPut(vm.u32()));
op(0x94, 'MEMOIZE', (vm) => vm.memoPut(vm.memo.size));
op('g', 'GET', (vm) => vm.push(vm.memoGet(Number(vm.line()))));
op('h', 'BINGET', (vm) => vm.push(vm.memoGet(vm.u8())));
op('j', 'LONG_BINGET', (vm) => vm.push(vm.memoGet(vm.u32())));

// Constants and numbers.
op('N', 'NONE', (vm) => vm.push(null));
op(0x88, 'NEWTRUE', (vm) => vm.push(true));
op(0x89, 'NEWFALSE', (vm) => vm.push(false));
op('I', 'INT', (vm) => vm.push(parseIntLine(vm, vm.line())));
op('J', 'BININT', (vm) => vm.push(vm.i32()));
op('K', 'BININT1', (vm) => vm.push(vm.u8()));
op('M', 'BININT2', (vm) => vm.push(vm.u16()));
op('L', 'LONG', (vm) => vm.push(parseIntLine(vm, vm.line())));
op(0x8a, 'LONG1', (vm) => vm.push(decodeLong(vm.raw(vm.u8()))));
op(0x8b, 'LONG4', (vm) => vm.push(decodeLong(vm.raw(vm.i32()))));
op('F', 'FLOAT', (vm) => vm.push(Number(vm.line())));
op('G', 'BINFLOAT', (vm) => vm.push(vm.f64be()));

// Strings and bytes. Python 2 str (STRING/BINSTRING) decodes as latin-1, as torch.load does.
op('S', 'STRING', (vm) => vm.push(parseQuoted(vm, vm.line())));
op('T', 'BINSTRING', (vm) => vm.push(Buffer.from(vm.raw(vm.i32())).toString('latin1')));
op('U', 'SHORT_BINSTRING', (vm) => vm.push(Buffer.from(vm.raw(vm.u8())).toString('latin1')));
op('V', 'UNICODE', (vm) => vm.push(vm.line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))));
op('X', 'BINUNICODE', (vm) => vm.push(vm.utf8(vm.u32())));
op(0x8c, 'SHORT_BINUNICODE', (vm) => vm.push(vm.utf8(vm.u8())));
op(0x8d, 'BINUNICODE8', (vm) => vm.push(vm.utf8(vm.u64())));
op('B', 'BINBYTES', (vm) => vm.push(vm.raw(vm.u32()).slice()));
op('C', 'SHORT_BINBYTES', (vm) => vm.push(vm.raw(vm.u8()).slice()));
op(0x8e, 'BINBYTES8', (vm) => vm.push(vm.raw(vm.u64()).slice()));
op(0x96, 'BYTEARRAY8', (vm) => vm.push(vm.raw(vm.u64()).slice()));

// Containers.
op(')', 'EMPTY_TUPLE', (vm) => vm.push([]));
op(0x85, 'TUPLE1', (vm) => vm.push([vm.pop()]));
op(0x86, 'TUPLE2', (vm) => {
  const b = vm.pop();
  vm.push([vm.pop(), b]);
});
op(0x87, 'TUPLE3', (vm) => {
  const c = vm.pop();
  const b = vm.pop();
  vm.push([vm.pop(), b, c]);
});
op('t', 'TUPLE', (vm) => vm.push(vm.popMark()));
op(']', 'EMPTY_LIST', (vm) => vm.push([]));
op('l', 'LIST', (vm) => vm.push(vm.popMark()));
op('a', 'APPEND', (vm) => {
  const item = vm.pop();
  vm.append(vm.top(), [item]);
});
op('e', 'APPENDS', (vm) => {
  const items = vm.popMark();
  vm.append(vm.top(), items);
});
op('}', 'EMPTY_DICT', (vm) => vm.push(new Map()));
op('d', 'DICT', (vm) => {
  const dict = new Map<PyKey, PyValue>();
  vm.setItems(dict, vm.popMark());
  vm.push(dict);
});
op('s', 'SETITEM', (vm) => {
  const value = vm.pop();
  const key = vm.pop();
  vm.setItems(vm.top(), [key, value]);
});
op('u', 'SETITEMS', (vm) => {
  const pairs = vm.popMark();
  vm.setItems(vm.top(), pairs);
});
op(0x8f, 'EMPTY_SET', (vm) => vm.push(new Set()));
op(0x90, 'ADDITEMS', (vm) => {
  const items = vm.popMark();
  const set = vm.top();
  if (!(set instanceof Set)) return vm.fail('ADDITEMS on a value that is not a set');
  for (const item of items) set.add(item);
});
op(0x91, 'FROZENSET', (vm) => vm.push(new Set(vm.popMark())));

// Globals, calls, objects.
op('c', 'GLOBAL', (vm) => {
  const module = vm.line();
  vm.push(vm.hooks.findGlobal(module, vm.line()));
});
op(0x93, 'STACK_GLOBAL', (vm) => {
  const name = vm.pop();
  const module = vm.pop();
  if (typeof module !== 'string' || typeof name !== 'string') return vm.fail('STACK_GLOBAL names are not strings');
  vm.push(vm.hooks.findGlobal(module, name));
});
op('R', 'REDUCE', (vm) => {
  const args = vm.pop();
  vm.push(vm.call(vm.pop(), args));
});
op(0x81, 'NEWOBJ', (vm) => {
  const args = vm.pop();
  vm.push(vm.call(vm.pop(), args));
});
op(0x92, 'NEWOBJ_EX', (vm) => {
  vm.pop(); // keyword arguments: none of the classes we model take any
  const args = vm.pop();
  vm.push(vm.call(vm.pop(), args));
});
op('i', 'INST', (vm) => {
  const module = vm.line();
  const cls = vm.hooks.findGlobal(module, vm.line());
  vm.push(vm.call(cls, vm.popMark()));
});
op('o', 'OBJ', (vm) => {
  const [cls, ...args] = vm.popMark();
  vm.push(vm.call(cls ?? null, args));
});
op('b', 'BUILD', (vm) => {
  const state = vm.pop();
  vm.build(vm.top(), state);
});
op('Q', 'BINPERSID', (vm) => vm.push(vm.hooks.persistentLoad(vm.pop())));
op('P', 'PERSID', (vm) => vm.push(vm.hooks.persistentLoad(vm.line())));

const OPCODES = new Map<number, Opcode>(OPCODE_LIST);

/** Opcodes a pickle may legally hold that we do not implement (named in the error). */
const UNSUPPORTED_OPCODE_NAMES = new Map<number, string>([
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x97, 'NEXT_BUFFER'],
  [0x98, 'READONLY_BUFFER'],
]);

/** Runs one pickle starting at `start`; returns its value and where it ended. */
export function unpickle(bytes: Uint8Array, start: number, hooks: UnpicklerHooks, source: PickleSource): UnpickleResult {
  const vm = new PickleMachine(bytes, start, hooks, source);
  const value = vm.run();
  return { value, end: vm.pos };
}
