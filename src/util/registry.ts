// A registry maps names to factories, so the CLI lists what exists instead of switching on names.
import { UnknownNameError } from './errors.js';

export class Registry<T> {
  private readonly entries = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(name: string, entry: T): void {
    if (this.entries.has(name)) throw new Error(`${this.kind} "${name}" is registered twice`);
    this.entries.set(name, entry);
  }

  /** The entry for a name, or an error that lists every valid name. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new UnknownNameError(this.kind, name, this.names());
    return entry;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  values(): T[] {
    return this.names().map((name) => this.entries.get(name) as T);
  }
}
