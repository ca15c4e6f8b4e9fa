// Differentiable pasting of one patch onto many faces. The geometry (which image pixel shows
// which patch texels, with what bilinear weights) is worked out once in plain JS as a "paste
// plan"; applying it is then a masked blend,
//   out = image * keep + pasted,   pasted[p] = sum_c w_c * patch[texel_c(p)]  (bilinear),
// with a hand-written gradient, so even crowd images with hundreds of faces stay cheap.
import * as tf from '@tensorflow/tfjs';
import type { PartMask, PatchPlacement } from './placement.js';
import { isMaskedOut } from './placement.js';
import type { Box } from '../util/geometry.js';

/** Per-placement geometric jitter (expectation over transformation); identity by default. */
export interface PlacementJitter {
  /** Rotation of the patch in radians (counter-clockwise on screen). */
  rotation?: number;
  /** Multiplies the pasted side. */
  scale?: number;
}

/**
 * The axis-aligned box a jittered patch covers: its scaled square, widened by the rotation
 * (placementBox's box when nothing is jittered). buildPastePlan scans it.
 */
export function jitteredPatchBox(placement: PatchPlacement, jitter: PlacementJitter = {}): Box {
  const size = placement.size * (jitter.scale ?? 1);
  const angle = jitter.rotation ?? 0;
  const side = size * (Math.abs(Math.cos(angle)) + Math.abs(Math.sin(angle)));
  return { x: placement.cx - side / 2, y: placement.cy - side / 2, w: side, h: side };
}

export interface PastePlan {
  height: number;
  width: number;
  patchSize: number;
  /** [H*W]: p (keep the image pixel) or H*W + k (take pasted value k). */
  source: Int32Array;
  /** [4*K]: flat texel indices (row * P + col) of the four bilinear corners, corner-major. */
  texels: Int32Array;
  /** [4*K]: the bilinear weights matching `texels`. */
  weights: Float32Array;
  /** Number of covered pixels K (pasted values computed; some may be overwritten by a later patch). */
  covered: number;
}

export interface PastePlanOptions {
  mask?: PartMask;
  /** One jitter per placement (same order), for expectation over transformation. */
  jitter?: readonly PlacementJitter[];
}

/** Works out which pixels each placed patch covers and how they sample the patch (bilinear, half-pixel centres). */
export function buildPastePlan(
  height: number,
  width: number,
  patchSize: number,
  placements: readonly PatchPlacement[],
  options: PastePlanOptions = {},
): PastePlan {
  const mask = options.mask ?? 'none';
  const source = new Int32Array(height * width);
  for (let p = 0; p < source.length; p++) source[p] = p;
  const texelList: number[][] = [[], [], [], []];
  const weightList: number[][] = [[], [], [], []];
  let k = 0;
  const P = patchSize;
  placements.forEach((placement, i) => {
    const jitter = options.jitter?.[i] ?? {};
    const size = placement.size * (jitter.scale ?? 1);
    const angle = jitter.rotation ?? 0;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Bounding box of the (possibly rotated) square, clipped at the image borders: the same box
    // the attack's sample selection takes for this patch.
    const reach = jitteredPatchBox(placement, jitter).w / 2;
    const x0 = Math.max(0, Math.floor(placement.cx - reach));
    const x1 = Math.min(width - 1, Math.ceil(placement.cx + reach));
    const y0 = Math.max(0, Math.floor(placement.cy - reach));
    const y1 = Math.min(height - 1, Math.ceil(placement.cy + reach));
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        // Pixel centre relative to the patch centre, rotated back into the patch's frame.
        const dx = px + 0.5 - placement.cx;
        const dy = py + 0.5 - placement.cy;
        const u = (cos * dx + sin * dy) / size + 0.5;
        const v = (-sin * dx + cos * dy) / size + 0.5;
        if (u < 0 || u >= 1 || v < 0 || v >= 1) continue;
        if (isMaskedOut(mask, u, v)) continue;
        // Texel coordinates with half-pixel centres (align_corners = false), clamped at the edges.
        const tu = Math.min(Math.max(u * P - 0.5, 0), P - 1);
        const tv = Math.min(Math.max(v * P - 0.5, 0), P - 1);
        const c0 = Math.floor(tu);
        const r0 = Math.floor(tv);
        const c1 = Math.min(c0 + 1, P - 1);
        const r1 = Math.min(r0 + 1, P - 1);
        const fu = tu - c0;
        const fv = tv - r0;
        texelList[0]!.push(r0 * P + c0);
        texelList[1]!.push(r0 * P + c1);
        texelList[2]!.push(r1 * P + c0);
        texelList[3]!.push(r1 * P + c1);
        weightList[0]!.push((1 - fu) * (1 - fv));
        weightList[1]!.push(fu * (1 - fv));
        weightList[2]!.push((1 - fu) * fv);
        weightList[3]!.push(fu * fv);
        source[py * width + px] = height * width + k;
        k++;
      }
    }
  });
  return {
    height,
    width,
    patchSize,
    source,
    texels: Int32Array.from(texelList.flat()),
    weights: Float32Array.from(weightList.flat()),
    covered: k,
  };
}

/**
 * Pastes `patch` [P, P, 3] onto `images` [B, H, W, 3] following one plan per image.
 * Differentiable w.r.t. the patch and the images. Returns [B, H, W, 3].
 *
 * The gradient is written by hand (tf.customGrad): the patch gradient is a scatter of the output
 * gradient into the texels, done in JS in O(covered pixels). Expressing it with tf.gather would
 * make tfjs differentiate through UnsortedSegmentSum, which the cpu backend runs as one kernel
 * call per segment (per image pixel) and is unusable on real images.
 */
export function pastePatch(images: tf.Tensor4D, patch: tf.Tensor3D, plans: readonly PastePlan[]): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (plans.length !== batch) throw new Error(`pastePatch: ${plans.length} plans for a batch of ${batch}`);
  const P = patch.shape[0];
  if (channels !== 3 || patch.shape[2] !== 3) throw new Error('pastePatch: images and patch must have 3 channels');
  for (const plan of plans) {
    if (plan.height !== height || plan.width !== width) {
      throw new Error(`pastePatch: plan for ${plan.width}x${plan.height} used on a ${width}x${height} image`);
    }
    if (plan.patchSize !== P) throw new Error(`pastePatch: plan for a ${plan.patchSize}px patch used with a ${P}px patch`);
  }
  const pixels = height * width;
  // Which pixels keep the image (1) or show the patch (0), for the whole batch.
  const keep = new Float32Array(batch * pixels).fill(1);
  plans.forEach((plan, b) => {
    for (let p = 0; p < pixels; p++) if ((plan.source[p] as number) >= pixels) keep[b * pixels + p] = 0;
  });
  // tfjs types customGrad functions as variadic; the call below passes exactly (images, patch).
  const paste = tf.customGrad(((imagesInput: tf.Tensor, patchInput: tf.Tensor, save: tf.GradSaveFunc) => {
    const texelValues = patchInput.dataSync() as Float32Array;
    const pasted = new Float32Array(batch * pixels * 3);
    plans.forEach((plan, b) => {
      forEachPastedPixel(plan, (p, k) => {
        const out = (b * pixels + p) * 3;
        for (let c = 0; c < 4; c++) {
          const w = plan.weights[c * plan.covered + k] as number;
          if (w === 0) continue;
          const t = (plan.texels[c * plan.covered + k] as number) * 3;
          pasted[out] += w * (texelValues[t] as number);
          pasted[out + 1] += w * (texelValues[t + 1] as number);
          pasted[out + 2] += w * (texelValues[t + 2] as number);
        }
      });
    });
    const keepMask = tf.tensor4d(keep, [batch, height, width, 1]);
    save([keepMask]);
    const value = tf.add(tf.mul(imagesInput, keepMask), tf.tensor4d(pasted, [batch, height, width, 3]));
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dyValues = dy.dataSync() as Float32Array;
      const patchGradient = new Float32Array(P * P * 3);
      plans.forEach((plan, b) => {
        forEachPastedPixel(plan, (p, k) => {
          const g = (b * pixels + p) * 3;
          for (let c = 0; c < 4; c++) {
            const w = plan.weights[c * plan.covered + k] as number;
            if (w === 0) continue;
            const t = (plan.texels[c * plan.covered + k] as number) * 3;
            patchGradient[t] += w * (dyValues[g] as number);
            patchGradient[t + 1] += w * (dyValues[g + 1] as number);
            patchGradient[t + 2] += w * (dyValues[g + 2] as number);
          }
        });
      });
      return [tf.mul(dy, saved[0] as tf.Tensor), tf.tensor3d(patchGradient, [P, P, 3])];
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return paste(images, patch) as tf.Tensor4D;
}

/** Calls visit(pixel, k) for every pixel whose final value is pasted value k. */
function forEachPastedPixel(plan: PastePlan, visit: (pixel: number, k: number) => void): void {
  const pixels = plan.height * plan.width;
  for (let p = 0; p < pixels; p++) {
    const s = plan.source[p] as number;
    if (s >= pixels) visit(p, s - pixels);
  }
}
