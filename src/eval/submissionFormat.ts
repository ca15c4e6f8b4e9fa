// The WIDER FACE submission format, one text file per image:
//   line 1: the image name;  line 2: the number of detections N;
//   then N lines "x y w h score" (top-left corner, width, height in pixels; the detector's score).
import { InputFileError } from '../util/errors.js';
import type { ScoredBox } from '../util/geometry.js';

export interface SubmissionFile {
  /** The image name from line 1 (as written; the official writers omit the extension). */
  name: string;
  detections: ScoredBox[];
}

/** The text of one submission file; numbers are written in full (shortest exact) precision. */
export function formatSubmissionFile(name: string, detections: readonly ScoredBox[]): string {
  const lines = [name, String(detections.length), ...detections.map((d) => `${d.x} ${d.y} ${d.w} ${d.h} ${d.score}`)];
  return `${lines.join('\n')}\n`;
}

const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(field: string): number | undefined {
  return DECIMAL_NUMBER.test(field) ? Number(field) : undefined;
}

/**
 * Parses one submission file. Blank lines at the end are allowed and fields may be separated by
 * any whitespace (writers often leave a trailing space); everything else that deviates is an
 * InputFileError naming the file and the 1-based line.
 */
export function parseSubmissionFile(text: string, file: string): SubmissionFile {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new InputFileError(file, 'empty file: expected the image name on line 1', 1);
  const name = (lines[0] as string).trim();
  if (lines.length < 2) throw new InputFileError(file, 'missing line 2: the number of detections', 2);
  const countText = (lines[1] as string).trim();
  const count = parseDecimal(countText);
  if (count === undefined || !Number.isInteger(count) || count < 0) {
    throw new InputFileError(file, `expected the number of detections (a non-negative integer), got "${countText}"`, 2);
  }
  const boxLines = lines.slice(2);
  const detections = boxLines.map((line, k) => {
    const lineNumber = k + 3;
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) {
      throw new InputFileError(file, `expected 5 fields "x y w h score", got ${fields.length}`, lineNumber);
    }
    const values = fields.map((field) => {
      const value = parseDecimal(field);
      if (value === undefined || !Number.isFinite(value)) {
        throw new InputFileError(file, `"${field}" is not a number`, lineNumber);
      }
      return value;
    });
    const [x, y, w, h, score] = values as [number, number, number, number, number];
    return { x, y, w, h, score };
  });
  // Checked after the lines themselves, so a stray blank line is reported where it is.
  if (detections.length !== count) {
    throw new InputFileError(file, `line 2 announces ${count} detections but the file has ${detections.length} detection lines`, 2);
  }
  return { name, detections };
}
