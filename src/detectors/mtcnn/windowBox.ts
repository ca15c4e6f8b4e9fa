// Windows of the cascade as face-api.js's Box handles them: integer corners after each stage's
// calibration, squared around their centre, rounded component-wise (x, y, width, height).

/** Corners in input-image pixels; width = right - left. */
export interface WindowBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Regression offsets (left, top, right, bottom) in units of the window's width/height. */
export type Regression = readonly [number, number, number, number] | ArrayLike<number>;

/** The square with the longer side, centred on the box (face-api Box.toSquare). */
export function toSquare(box: WindowBox): WindowBox {
  let x = box.left;
  let y = box.top;
  let width = box.right - box.left;
  let height = box.bottom - box.top;
  const diff = Math.abs(width - height);
  if (width < height) {
    x -= diff / 2;
    width += diff;
  }
  if (height < width) {
    y -= diff / 2;
    height += diff;
  }
  return { left: x, top: y, right: x + width, bottom: y + height };
}

/** Rounds x, y, width and height separately (face-api Box.round). */
export function roundBox(box: WindowBox): WindowBox {
  const x = Math.round(box.left);
  const y = Math.round(box.top);
  return { left: x, top: y, right: x + Math.round(box.right - box.left), bottom: y + Math.round(box.bottom - box.top) };
}

/** Moves each edge by its regression times the window size, then squares (face-api Box.calibrate, unrounded). */
export function regressWindow(box: WindowBox, region: Regression): WindowBox {
  const width = box.right - box.left;
  const height = box.bottom - box.top;
  return toSquare({
    left: box.left + region[0] * width,
    top: box.top + region[1] * height,
    right: box.right + region[2] * width,
    bottom: box.bottom + region[3] * height,
  });
}

/** face-api's Box.calibrate: regressed, squared and rounded. */
export function calibrate(box: WindowBox, region: Regression): WindowBox {
  return roundBox(regressWindow(box, region));
}

/** The pixels a window's patch is cut from: [x0, x1) x [y0, y1). */
export interface CropRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The pixel block face-api cuts for a window (Box.padAtBorders + extractImagePatches): columns
 * max(left, 1) - 1 up to min(right, width), i.e. width + 1 pixels inside the image (a Matlab-style
 * inclusive box), clipped at the borders rather than zero-padded. Undefined when nothing of the
 * window lies inside the image.
 */
export function cropRegion(box: WindowBox, imageHeight: number, imageWidth: number): CropRegion | undefined {
  const x0 = Math.max(box.left, 1) - 1;
  const y0 = Math.max(box.top, 1) - 1;
  const x1 = Math.min(box.right, imageWidth);
  const y1 = Math.min(box.bottom, imageHeight);
  if (!(x1 - x0 >= 1 && y1 - y0 >= 1)) return undefined;
  return { x0, y0, x1, y1 };
}
