// Errors a user can act on: they name the file (and line) that is wrong.

/** An error caused by the user's input (a file, a flag, a name); the CLI prints its message without a stack. */
export class FacepatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FacepatchError';
  }
}

/** An input file is malformed; the message names the file and, where known, the line. */
export class InputFileError extends FacepatchError {
  readonly file: string;
  readonly line?: number;
  constructor(file: string, problem: string, line?: number, options?: { cause?: unknown }) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${problem}`, options);
    this.name = 'InputFileError';
    this.file = file;
    this.line = line;
  }
}

/** A name that is not in a registry; the message lists the valid choices. */
export class UnknownNameError extends FacepatchError {
  constructor(kind: string, name: string, choices: readonly string[]) {
    super(`unknown ${kind} "${name}"; valid choices: ${choices.join(', ')}`);
    this.name = 'UnknownNameError';
  }
}
