// Typed access to a node's attributes; a missing required attribute or a wrong type names the
// node, so a user sees which part of their model the importer cannot read.
import { hostTensorFromProto, type HostTensor } from './hostTensor.js';
import { longToNumber, type OnnxProtoAttribute } from './onnxProto.js';

/** AttributeProto.AttributeType codes. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export type AttributeValue = number | string | number[] | string[] | HostTensor;

export class OnnxAttributes {
  private readonly values = new Map<string, AttributeValue>();

  constructor(
    attributes: readonly OnnxProtoAttribute[],
    private readonly where: string,
  ) {
    for (const a of attributes) {
      const name = a.name ?? '';
      switch (a.type) {
        case AttributeType.FLOAT:
          this.values.set(name, a.f ?? 0);
          break;
        case AttributeType.INT:
          this.values.set(name, longToNumber(a.i));
          break;
        case AttributeType.STRING:
          this.values.set(name, Buffer.from(a.s ?? new Uint8Array()).toString('utf8'));
          break;
        case AttributeType.TENSOR:
          this.values.set(name, hostTensorFromProto(a.t ?? {}, `${where} attribute ${name}`));
          break;
        case AttributeType.FLOATS:
          this.values.set(name, [...(a.floats ?? [])]);
          break;
        case AttributeType.INTS:
          this.values.set(name, (a.ints ?? []).map(longToNumber));
          break;
        case AttributeType.STRINGS:
          this.values.set(name, (a.strings ?? []).map((s) => Buffer.from(s).toString('utf8')));
          break;
        default:
          // Graph-valued attributes (If/Loop bodies) are left out: no such operator is supported.
          break;
      }
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  private get(name: string, kind: string, test: (v: AttributeValue) => boolean): AttributeValue | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (!test(value)) throw new Error(`${this.where}: attribute ${name} is not ${kind}`);
    return value;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    return (this.get(name, 'an integer', (v) => typeof v === 'number') as number | undefined) ?? fallback;
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    return (this.get(name, 'a number', (v) => typeof v === 'number') as number | undefined) ?? fallback;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return (this.get(name, 'a string', (v) => typeof v === 'string') as string | undefined) ?? fallback;
  }

  ints(name: string, fallback: number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, fallback?: number[]): number[] | undefined {
    return (this.get(name, 'a list of integers', (v) => Array.isArray(v)) as number[] | undefined) ?? fallback;
  }

  floats(name: string): number[] | undefined {
    return this.get(name, 'a list of numbers', (v) => Array.isArray(v)) as number[] | undefined;
  }

  tensor(name: string): HostTensor | undefined {
    return this.get(name, 'a tensor', (v) => typeof v === 'object' && !Array.isArray(v)) as HostTensor | undefined;
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}
