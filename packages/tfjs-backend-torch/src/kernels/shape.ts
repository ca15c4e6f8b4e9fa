// Shape, slicing, joining, indexing and creation kernels. Most return ATen views (reshape,
// transpose, slice, unstack, split) that share memory with their input, which is safe because
// no kernel writes into a stored tensor.
import { backend_util, slice_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { input, inputList, notNative, type TorchKernel } from './kernel.js';

type Paddings = Array<[number, number]>;

/** Elements taken per dim by a strided slice (tfjs's slice_util "processing shape"). */
function stridedSizes(begin: number[], end: number[], strides: number[]): number[] {
  return begin.map((b, i) => {
    const length = end[i]! - b;
    const stride = strides[i]!;
    if (length === 0 || length < 0 !== stride < 0) return 0;
    return Math.trunc(length / stride) + (length % stride !== 0 ? 1 : 0);
  });
}

/** tfjs's range length rules (quirks included). */
function rangeLength(start: number, stop: number, step: number): number {
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  return empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
}

export const shapeKernels: TorchKernel[] = [
  {
    kernelName: 'Reshape',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const shape = util.inferFromImplicitShape(attrs.shape as number[], util.sizeFromShape(x.shape));
      return backend.output(backend.native.ops.reshape(backend.handle(x), shape));
    },
  },
  {
    kernelName: 'Transpose',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.transpose(backend.handle(input(inputs, 'x')), attrs.perm as number[])),
  },
  {
    kernelName: 'ExpandDims',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'input');
      const dim = attrs.dim as number;
      return backend.output(backend.native.ops.expandDims(backend.handle(x), dim < 0 ? x.shape.length + dim + 1 : dim));
    },
  },
  {
    kernelName: 'BroadcastTo',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.broadcastTo(backend.handle(input(inputs, 'x')), attrs.shape as number[])),
  },
  {
    kernelName: 'Tile',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.tile(backend.handle(input(inputs, 'x')), attrs.reps as number[])),
  },
  {
    kernelName: 'Reverse',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const dims = util.parseAxisParam(attrs.dims as number | number[], x.shape);
      return backend.output(backend.native.ops.reverse(backend.handle(x), dims));
    },
  },
  {
    kernelName: 'Slice',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number | number[], attrs.size as number | number[]);
      slice_util.assertParamsValid(x, begin, size);
      return backend.output(backend.native.ops.slice(backend.handle(x), begin, size));
    },
  },
  {
    kernelName: 'StridedSlice',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const info = slice_util.sliceInfo(
        x.shape,
        attrs.begin as number[],
        attrs.end as number[],
        attrs.strides as number[],
        attrs.beginMask as number,
        attrs.endMask as number,
        attrs.ellipsisMask as number,
        attrs.newAxisMask as number,
        attrs.shrinkAxisMask as number,
      );
      const sizes = stridedSizes(info.begin, info.end, info.strides);
      return backend.output(
        backend.native.ops.stridedSlice(backend.handle(x), info.begin, info.strides, sizes, info.finalShape),
      );
    },
  },
  {
    kernelName: 'Concat',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const list = inputList(inputs);
      const axis = util.parseAxisParam(attrs.axis as number, list[0]!.shape)[0]!;
      const outShape = backend_util.computeOutShape(
        list.map((t) => t.shape),
        axis,
      );
      const nonEmpty = list.filter((t) => util.sizeFromShape(t.shape) > 0);
      if (nonEmpty.length === 0) return backend.output(backend.native.ops.fill(outShape, 0, list[0]!.dtype));
      return backend.output(backend.native.ops.concat(nonEmpty.map((t) => backend.handle(t)), axis));
    },
  },
  {
    kernelName: 'Pack',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const list = inputList(inputs);
      const axis = util.parseAxisParam(attrs.axis as number, [...list[0]!.shape, 1])[0]!;
      return backend.output(backend.native.ops.pack(list.map((t) => backend.handle(t)), axis));
    },
  },
  {
    kernelName: 'Unpack',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const value = input(inputs, 'value');
      const axis = util.parseAxisParam(attrs.axis as number, value.shape)[0]!;
      return backend.outputs(backend.native.ops.unpack(backend.handle(value), axis));
    },
  },
  {
    kernelName: 'SplitV',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
      const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[] | number, axis);
      return backend.outputs(backend.native.ops.splitV(backend.handle(x), sizes, axis));
    },
  },
  {
    kernelName: 'PadV2',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.pad(
          backend.handle(input(inputs, 'x')),
          (attrs.paddings as Paddings).flat(),
          attrs.constantValue as number,
        ),
      ),
  },
  {
    kernelName: 'MirrorPad',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.mirrorPad(
          backend.handle(input(inputs, 'x')),
          (attrs.paddings as Paddings).flat(),
          attrs.mode === 'symmetric',
        ),
      ),
  },
  {
    kernelName: 'GatherV2',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const indices = input(inputs, 'indices');
      const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
      let batchDims = (attrs.batchDims as number | undefined) ?? 0;
      if (batchDims < 0) batchDims += indices.shape.length;
      if (batchDims === 0) return backend.output(backend.native.ops.gather(backend.handle(x), backend.handle(indices), axis));
      return backend.output(backend.native.ops.gatherBatched(backend.handle(x), backend.handle(indices), axis, batchDims));
    },
  },
  {
    kernelName: 'GatherNd',
    kernelFunc: ({ inputs, backend }) =>
      backend.output(
        backend.native.ops.gatherNd(backend.handle(input(inputs, 'params')), backend.handle(input(inputs, 'indices'))),
      ),
  },
  {
    kernelName: 'ScatterNd',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.scatterNd(
          backend.handle(input(inputs, 'indices')),
          backend.handle(input(inputs, 'updates')),
          attrs.shape as number[],
        ),
      ),
  },
  {
    kernelName: 'UnsortedSegmentSum',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.unsortedSegmentSum(
          backend.handle(input(inputs, 'x')),
          backend.handle(input(inputs, 'segmentIds')),
          attrs.numSegments as number,
        ),
      ),
  },
  {
    kernelName: 'Fill',
    kernelFunc: ({ backend, attrs }) => {
      if (typeof attrs.value !== 'number') notNative('Fill with a string value');
      return backend.output(backend.native.ops.fill(attrs.shape as number[], attrs.value, attrs.dtype as string));
    },
  },
  {
    kernelName: 'Range',
    kernelFunc: ({ backend, attrs }) => {
      const { start, stop, step, dtype } = attrs as { start: number; stop: number; step: number; dtype: string };
      return backend.output(backend.native.ops.range(start, step, rangeLength(start, stop, step), dtype));
    },
  },
  {
    kernelName: 'OneHot',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.oneHot(
          backend.handle(input(inputs, 'indices')),
          attrs.depth as number,
          attrs.onValue as number,
          attrs.offValue as number,
          attrs.dtype as string,
        ),
      ),
  },
  {
    kernelName: 'TopK',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.outputs(backend.native.ops.topk(backend.handle(input(inputs, 'x')), attrs.k as number)),
  },
  {
    kernelName: 'Einsum',
    kernelFunc: ({ inputs, backend, attrs }): TensorInfo =>
      backend.output(
        backend.native.ops.einsum(
          attrs.equation as string,
          inputList(inputs).map((t) => backend.handle(t)),
        ),
      ),
  },
];
