// Typed access to MAT-file values: each accessor checks the kind and shape it expects and
// otherwise throws an InputFileError naming the file and the MATLAB expression (e.g. gt_list{3}{7}).
import { InputFileError } from '../../util/errors.js';
import type { MatCellArray, MatCharArray, MatFile, MatNumericArray, MatValue } from './matTypes.js';

function describeValue(value: MatValue): string {
  const shape = value.dims.join('x');
  if (value.kind === 'numeric') return `${shape} ${value.logical ? 'logical' : value.className}`;
  if (value.kind === 'unsupported') return `${shape} ${value.className}`;
  return `${shape} ${value.kind}`;
}

/** A variable of the file; its absence names the variables the file does have. */
export function getMatVariable(mat: MatFile, name: string): MatValue {
  const value = mat.variables.get(name);
  if (value === undefined) {
    throw new InputFileError(mat.file, `no variable "${name}" (the file holds: ${[...mat.variables.keys()].join(', ') || 'nothing'})`);
  }
  return value;
}

export function expectCell(value: MatValue, file: string, expression: string): MatCellArray {
  if (value.kind !== 'cell') throw new InputFileError(file, `${expression}: expected a cell array, found ${describeValue(value)}`);
  return value;
}

export function expectNumeric(value: MatValue, file: string, expression: string): MatNumericArray {
  if (value.kind !== 'numeric') throw new InputFileError(file, `${expression}: expected a numeric array, found ${describeValue(value)}`);
  return value;
}

export function expectChar(value: MatValue, file: string, expression: string): MatCharArray {
  if (value.kind !== 'char') throw new InputFileError(file, `${expression}: expected a char array, found ${describeValue(value)}`);
  return value;
}

/** The rows of a 2-D char array, as strings (MATLAB stores characters column by column). */
export function charRows(value: MatCharArray): string[] {
  const [rows = 0, columns = 0] = value.dims;
  const result: string[] = [];
  for (let r = 0; r < rows; r++) {
    let row = '';
    for (let c = 0; c < columns; c++) row += value.data[r + rows * c];
    result.push(row);
  }
  return result;
}

/** A char row vector (or empty char array) as one string. */
export function charString(value: MatValue, file: string, expression: string): string {
  const chars = expectChar(value, file, expression);
  const [rows = 0, columns = 0] = chars.dims;
  if (chars.dims.length === 2 && (rows <= 1 || columns <= 1)) return chars.data;
  throw new InputFileError(file, `${expression}: expected a char row vector, found ${describeValue(value)}`);
}

/** The values of a real numeric array as JavaScript numbers, in column-major order. */
export function numericValues(value: MatNumericArray): number[] {
  return Array.from(value.data as ArrayLike<number | bigint>, Number);
}

/** The rows of a 2-D numeric array (an R x C matrix gives R arrays of C numbers). */
export function numericRows(value: MatNumericArray, file: string, expression: string): number[][] {
  if (value.dims.length !== 2) throw new InputFileError(file, `${expression}: expected a 2-D array, found ${describeValue(value)}`);
  const [rows = 0, columns = 0] = value.dims;
  const values = numericValues(value);
  const result: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < columns; c++) row.push(values[r + rows * c] as number);
    result.push(row);
  }
  return result;
}

/** The elements of a cell vector (any empty cell array gives []). */
export function cellVector(value: MatValue, file: string, expression: string): MatValue[] {
  const cell = expectCell(value, file, expression);
  const nonSingleton = cell.dims.filter((d) => d !== 1);
  if (cell.cells.length > 0 && nonSingleton.length > 1) throw new InputFileError(file, `${expression}: expected a cell vector, found ${describeValue(value)}`);
  return cell.cells;
}
