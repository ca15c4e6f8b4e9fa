// An image as the detectors and the patch code see it: RGB, row-major, channels last, in [0, 1].

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 values, pixel (x, y) channel c at index (y * width + x) * 3 + c. */
  data: Float32Array;
}

/** Checks that `data` has width * height * 3 values (a programming error otherwise). */
export function assertRgbImage(image: RgbImage, what = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`${what}: expected ${width}x${height}x3 = ${width * height * 3} values, got ${data.length}`);
  }
}
