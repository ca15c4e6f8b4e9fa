// Differentiable pasting of one patch onto many faces. The geometry (which image pixel shows
// which patch texels, with what bilinear weights) is worked out once in plain JS as a "paste
// plan"; the tensor part is then two gathers, whose gradients flow to the patch only:
//   pasted = sum_c w_c * patch[texel_c]          (bilinear sample, K covered pixels)
//   out    = gather([image; pasted], source)      (each pixel: itself, or its pasted value)
// This keeps the graph small even on crowd images with hundreds of faces.
import * as tf from '@tensorflow/tfjs';
import type { PartMask, PatchPlacement } from './placement.js';
import { isMaskedOut } from './placement.js';

/** Per-placement geometric jitter (expectation over transformation); identity by default. */
export interface PlacementJitter {
  /** Rotation of the patch in radians (counter-clockwise on screen). */
  rotation?: number;
  /** Multiplies the pasted side. */
  scale?: number;
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
    // Bounding box of the (possibly rotated) square, clipped at the image borders.
    const reach = (size / 2) * (Math.abs(cos) + Math.abs(sin));
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
 * Differentiable w.r.t. the patch (and the images). Returns [B, H, W, 3].
 */
export function pastePatch(images: tf.Tensor4D, patch: tf.Tensor3D, plans: readonly PastePlan[]): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (plans.length !== batch) throw new Error(`pastePatch: ${plans.length} plans for a batch of ${batch}`);
  const P = patch.shape[0];
  for (const plan of plans) {
    if (plan.height !== height || plan.width !== width) {
      throw new Error(`pastePatch: plan for ${plan.width}x${plan.height} used on a ${width}x${height} image`);
    }
    if (plan.patchSize !== P) throw new Error(`pastePatch: plan for a ${plan.patchSize}px patch used with a ${P}px patch`);
  }
  return tf.tidy(() => {
    const pixels = height * width;
    const patchFlat = patch.reshape([P * P, channels]);
    // Pasted values of every image, stacked after all image pixels.
    const totalCovered = plans.reduce((n, plan) => n + plan.covered, 0);
    const sourceAll = new Int32Array(batch * pixels);
    let pastedOffset = batch * pixels;
    const pastedParts: tf.Tensor2D[] = [];
    plans.forEach((plan, b) => {
      for (let p = 0; p < pixels; p++) {
        const s = plan.source[p] as number;
        sourceAll[b * pixels + p] = s < pixels ? b * pixels + s : pastedOffset + (s - pixels);
      }
      pastedOffset += plan.covered;
      if (plan.covered > 0) {
        const corners = tf.gather(patchFlat, tf.tensor1d(plan.texels, 'int32')).reshape([4, plan.covered, channels]);
        const weights = tf.tensor3d(plan.weights, [4, plan.covered, 1]);
        pastedParts.push(tf.sum(tf.mul(corners, weights), 0) as tf.Tensor2D);
      }
    });
    const imageFlat = images.reshape([batch * pixels, channels]);
    if (totalCovered === 0) return images.clone();
    const combined = tf.concat([imageFlat, ...pastedParts], 0);
    return tf.gather(combined, tf.tensor1d(sourceAll, 'int32')).reshape([batch, height, width, channels]) as tf.Tensor4D;
  });
}
