// The WIDER FACE annotation files (wider_face_{train,val}_bbx_gt.txt): blocks of
//   <event>/<name>.jpg
//   <number of faces>
//   x y w h blur expression illumination invalid occlusion pose     (one line per face)
// A count of 0 is followed by one dummy line of ten zeros in the official files; it is skipped.
import { readFileSync } from 'node:fs';
import { InputFileError } from '../../util/errors.js';
import type { FaceAnnotation } from '../types.js';

export interface WiderAnnotatedImage {
  /** As written in the file, e.g. "0--Parade/0_Parade_marchingband_1_465.jpg". */
  relativePath: string;
  /** The folder part, e.g. "0--Parade". */
  event: string;
  /** The file name without extension, e.g. "0_Parade_marchingband_1_465". */
  name: string;
  faces: FaceAnnotation[];
  /** 1-based line of the image path, for messages. */
  line: number;
}

const FACE_FIELDS = ['x', 'y', 'w', 'h', 'blur', 'expression', 'illumination', 'invalid', 'occlusion', 'pose'] as const;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const IMAGE_PATH = /^(.+)\/([^/]+)\.(jpe?g|png|bmp|webp)$/i;

/** Ten numbers, or a description of what is wrong with the line. */
function parseFaceFields(line: string): number[] | string {
  const fields = line.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FACE_FIELDS.length) {
    return `expected ${FACE_FIELDS.length} fields (${FACE_FIELDS.join(' ')}), found ${fields.length}: "${line.trim()}"`;
  }
  const bad = fields.findIndex((f) => !NUMBER.test(f));
  if (bad >= 0) return `field ${FACE_FIELDS[bad]} is not a number: "${fields[bad]}"`;
  return fields.map(Number);
}

function toFace(values: number[]): FaceAnnotation {
  const [x, y, w, h, blur, expression, illumination, invalid, occlusion, pose] = values as [number, number, number, number, number, number, number, number, number, number];
  return { box: { x, y, w, h }, blur, expression, illumination, invalid, occlusion, pose };
}

/** Parses the text of an annotation file; `file` names it in error messages. */
export function parseWiderAnnotations(text: string, file: string): WiderAnnotatedImage[] {
  const lines = text.split(/\r?\n/);
  // Trailing blank lines end the file; blank lines elsewhere are errors.
  let end = lines.length;
  while (end > 0 && (lines[end - 1] as string).trim() === '') end--;

  const images: WiderAnnotatedImage[] = [];
  const firstLineOf = new Map<string, number>();
  let i = 0;
  while (i < end) {
    const pathLine = i + 1;
    const relativePath = (lines[i] as string).trim();
    const match = IMAGE_PATH.exec(relativePath);
    if (!match) throw new InputFileError(file, `expected an image path "<event>/<name>.jpg", found "${relativePath}"`, pathLine);
    const previous = firstLineOf.get(relativePath);
    if (previous !== undefined) throw new InputFileError(file, `image ${relativePath} is listed twice (first at line ${previous})`, pathLine);
    firstLineOf.set(relativePath, pathLine);
    i++;

    if (i >= end) throw new InputFileError(file, `file ends before the face count of ${relativePath} (listed at line ${pathLine})`, i + 1);
    const countText = (lines[i] as string).trim();
    if (!/^\d+$/.test(countText)) throw new InputFileError(file, `expected the face count of ${relativePath}, found "${countText}"`, i + 1);
    const count = Number(countText);
    i++;

    const faces: FaceAnnotation[] = [];
    for (let k = 0; k < count; k++, i++) {
      if (i >= end) {
        throw new InputFileError(file, `file ends after ${k} of the ${count} faces of ${relativePath} (listed at line ${pathLine})`, i + 1);
      }
      const values = parseFaceFields(lines[i] as string);
      if (typeof values === 'string') throw new InputFileError(file, `face ${k + 1} of ${relativePath}: ${values}`, i + 1);
      faces.push(toFace(values));
    }
    if (count === 0 && i < end && typeof parseFaceFields(lines[i] as string) !== 'string') i++; // the dummy line

    images.push({ relativePath, event: match[1] as string, name: match[2] as string, faces, line: pathLine });
  }
  return images;
}

/** Reads and parses an annotation file. */
export function readWiderAnnotations(path: string): WiderAnnotatedImage[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputFileError(path, `cannot read the WIDER FACE annotation file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseWiderAnnotations(text, path);
}
