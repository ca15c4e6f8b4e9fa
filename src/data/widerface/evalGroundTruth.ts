// The official WIDER FACE evaluation ground truth (eval_tools/ground_truth/wider_<subset>_val.mat):
// per event and image, the face boxes (face_bbx_list) and the 1-based indices of the faces the
// subset keeps (gt_list). The other faces are "ignored" by the official evaluation.
import { readMatFile } from '../mat/matReader.js';
import { cellVector, charString, expectNumeric, getMatVariable, numericRows, numericValues } from '../mat/matValues.js';
import { InputFileError } from '../../util/errors.js';

export interface EvalGroundTruthImage {
  event: string;
  /** File name without extension. */
  name: string;
  /** Face boxes [x, y, w, h] in the file's order. */
  boxes: number[][];
  /** 0-based indices into `boxes` of the faces this subset keeps (the file stores them 1-based). */
  keep: number[];
}

export interface EvalGroundTruth {
  file: string;
  /** Keyed by "<event>/<name>". */
  images: Map<string, EvalGroundTruthImage>;
}

export function evalImageKey(event: string, name: string): string {
  return `${event}/${name}`;
}

/** Reads one subset's .mat file (needs event_list, file_list, face_bbx_list and gt_list). */
export function readEvalGroundTruth(path: string): EvalGroundTruth {
  const mat = readMatFile(path);
  const events = cellVector(getMatVariable(mat, 'event_list'), path, 'event_list');
  const fileLists = cellVector(getMatVariable(mat, 'file_list'), path, 'file_list');
  const boxLists = cellVector(getMatVariable(mat, 'face_bbx_list'), path, 'face_bbx_list');
  const keepLists = cellVector(getMatVariable(mat, 'gt_list'), path, 'gt_list');
  for (const [variable, list] of [['file_list', fileLists], ['face_bbx_list', boxLists], ['gt_list', keepLists]] as const) {
    if (list.length !== events.length) {
      throw new InputFileError(path, `${variable} has ${list.length} events but event_list has ${events.length}`);
    }
  }

  const images = new Map<string, EvalGroundTruthImage>();
  events.forEach((eventValue, e) => {
    const event = charString(eventValue, path, `event_list{${e + 1}}`);
    const names = cellVector(fileLists[e]!, path, `file_list{${e + 1}}`);
    const boxCells = cellVector(boxLists[e]!, path, `face_bbx_list{${e + 1}}`);
    const keepCells = cellVector(keepLists[e]!, path, `gt_list{${e + 1}}`);
    if (boxCells.length !== names.length || keepCells.length !== names.length) {
      throw new InputFileError(
        path,
        `event ${event}: file_list has ${names.length} images, face_bbx_list ${boxCells.length}, gt_list ${keepCells.length}`,
      );
    }
    names.forEach((nameValue, i) => {
      const where = `{${e + 1}}{${i + 1}}`;
      const name = charString(nameValue, path, `file_list${where}`);
      const boxArray = expectNumeric(boxCells[i]!, path, `face_bbx_list${where}`);
      const boxes = boxArray.data.length === 0 ? [] : numericRows(boxArray, path, `face_bbx_list${where}`);
      if (boxes.some((row) => row.length !== 4)) {
        throw new InputFileError(path, `face_bbx_list${where} (${event}/${name}): expected N x 4 boxes, found ${boxArray.dims.join('x')}`);
      }
      const keep = numericValues(expectNumeric(keepCells[i]!, path, `gt_list${where}`)).map((oneBased) => {
        if (!Number.isInteger(oneBased) || oneBased < 1 || oneBased > boxes.length) {
          throw new InputFileError(path, `gt_list${where} (${event}/${name}): face index ${oneBased} is outside 1..${boxes.length}`);
        }
        return oneBased - 1;
      });
      images.set(evalImageKey(event, name), { event, name, boxes, keep });
    });
  });
  return { file: path, images };
}
