// Resize (opset 10+) and Upsample (opset 7-9) over the spatial axes of NCHW tensors, in nearest
// or linear mode with every coordinate convention of the spec (see ../interpolation.ts).
import { COORDINATE_MODES, NEAREST_MODES, resampleAxis, type CoordinateMode, type NearestMode } from '../interpolation.js';
import { channelsLastValue, logicalShape, readFloats, readInts, storedChannelsLast, type OnnxValue } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorContext } from './registry.js';

function resizeSpatial(
  x: OnnxValue,
  context: OperatorContext,
  scales: number[] | undefined,
  sizes: number[] | undefined,
  mode: string,
  coordinate: string,
  nearest: string,
): OnnxValue[] {
  const shape = logicalShape(x);
  if (shape.length !== 4) throw new OnnxOperatorError(context, `only 4-D (NCHW) inputs are supported, got rank ${shape.length}`);
  const outSizes = sizes ?? shape.map((d, i) => Math.floor(d * (scales as number[])[i]));
  const axisScale = (i: number) => (sizes ? outSizes[i] / shape[i] : (scales as number[])[i]);
  if (outSizes[0] !== shape[0] || outSizes[1] !== shape[1]) {
    throw new OnnxOperatorError(context, 'only the spatial axes (H, W) can be resized');
  }
  const interpolation: 'linear' | 'nearest' | undefined = mode === 'linear' || mode === 'bilinear' ? 'linear' : mode === 'nearest' ? 'nearest' : undefined;
  if (!interpolation) throw new OnnxOperatorError(context, `mode "${mode}" is not supported (nearest and linear are)`);
  if (!COORDINATE_MODES.includes(coordinate as CoordinateMode)) {
    throw new OnnxOperatorError(context, `coordinate_transformation_mode "${coordinate}" is not supported`);
  }
  if (!NEAREST_MODES.includes(nearest as NearestMode)) throw new OnnxOperatorError(context, `nearest_mode "${nearest}" is not supported`);
  const options = (i: number) => ({
    mode: interpolation,
    coordinate: coordinate as CoordinateMode,
    nearest: nearest as NearestMode,
    scale: axisScale(i),
  });
  const stored = storedChannelsLast(x, context.where);
  const rows = resampleAxis(stored, 1, outSizes[2], options(2));
  const out = resampleAxis(rows, 2, outSizes[3], options(3));
  return [channelsLastValue(out === x.tensor ? out.clone() : out)];
}

registerOperator('Resize', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const a = context.attributes;
  if (a.int('antialias', 0) !== 0) throw new OnnxOperatorError(context, 'antialias is not supported');
  if (a.ints('axes')) throw new OnnxOperatorError(context, 'the axes attribute is not supported');
  if (a.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') {
    throw new OnnxOperatorError(context, 'keep_aspect_ratio_policy other than "stretch" is not supported');
  }
  const mode = a.string('mode', 'nearest');
  if (context.opset < 11) {
    // Resize-10: inputs (X, scales), asymmetric coordinates, Upsample's nearest rounding.
    return resizeSpatial(x, context, readFloats(requiredInput(inputs, 1, context)), undefined, mode, 'asymmetric', 'simple');
  }
  const coordinate = a.string('coordinate_transformation_mode', 'half_pixel');
  if (coordinate === 'tf_crop_and_resize') throw new OnnxOperatorError(context, 'tf_crop_and_resize is not supported');
  const scales = inputs[2] && inputs[2].tensor.size > 0 ? readFloats(inputs[2]) : undefined;
  const sizes = inputs[3] && inputs[3].tensor.size > 0 ? readInts(inputs[3]) : undefined;
  if (!scales && !sizes) throw new OnnxOperatorError(context, 'needs scales or sizes');
  return resizeSpatial(x, context, scales, sizes, mode, coordinate, a.string('nearest_mode', 'round_prefer_floor'));
});

registerOperator('Upsample', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const scales = context.opset < 9 ? context.attributes.floats('scales') : readFloats(requiredInput(inputs, 1, context));
  if (!scales) throw new OnnxOperatorError(context, 'scales are required');
  return resizeSpatial(x, context, scales, undefined, context.attributes.string('mode', 'nearest'), 'asymmetric', 'simple');
});
