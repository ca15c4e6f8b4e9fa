// A container format torch.save has used; checkpoint.ts tries each in turn.
import type { PyValue } from './pythonValues.js';

export interface CheckpointFormat {
  name: string;
  /** Whether the file's first bytes look like this format. */
  matches(bytes: Uint8Array): boolean;
  /** The unpickled root object, with every tensor a TensorRef whose storage bytes are loaded. */
  read(bytes: Uint8Array, file: string): PyValue;
}
