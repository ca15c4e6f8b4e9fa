// The Python values a pickle can build, as plain JavaScript: None -> null, bool -> boolean,
// int -> number (bigint beyond 2^53), float -> number, str -> string, bytes -> Uint8Array,
// tuple and list -> array, dict -> Map, set -> Set. Anything the reader does not know how to
// build (a class or function it has no model of) stays an inert PyObject that records its name,
// so loading never runs foreign code and errors can say which global was involved.

/** A global (module.name) the unpickler was asked for. */
export interface PyGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
  /** How to call it; undefined for a global the reader does not support (calls make a PyObject). */
  readonly call?: (args: PyValue[]) => PyValue;
}

/** The inert result of calling or instantiating an unsupported global. */
export class PyObject {
  /** Set by BUILD (the object's __setstate__ / __dict__). */
  state: PyValue = null;
  /** Items SETITEM(S) added (dict subclasses). */
  readonly dictItems = new Map<PyKey, PyValue>();
  /** Items APPEND(S) added (list subclasses). */
  readonly listItems: PyValue[] = [];
  constructor(
    readonly className: string,
    readonly args: PyValue[],
  ) {}
}

export type PyKey = string | number | bigint | boolean | null;

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<PyKey, PyValue>
  | Set<PyValue>
  | PyGlobal
  | PyObject
  | object;

export function qualifiedName(g: { module: string; name: string }): string {
  return `${g.module}.${g.name}`;
}

export function isGlobal(value: unknown): value is PyGlobal {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'global';
}

/** A short description of a value for error messages. */
export function describePyValue(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof PyObject) return `an object of class ${value.className}`;
  if (isGlobal(value)) return `the global ${qualifiedName(value)}`;
  if (value instanceof Map) return `a dict of ${value.size} entries`;
  if (Array.isArray(value)) return `a sequence of ${value.length} items`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
