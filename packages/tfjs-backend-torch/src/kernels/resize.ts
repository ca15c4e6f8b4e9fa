// Image resizing with tfjs's exact source coordinates (align corners, half-pixel centers or
// neither). The gradients are the exact adjoints of the forward kernels, including
// halfPixelCenters, which tfjs's cpu gradients ignore.
import { input, type TorchKernel } from './kernel.js';

export const resizeKernels: TorchKernel[] = [
  ...(['ResizeBilinear', 'ResizeNearestNeighbor'] as const).map(
    (kernelName): TorchKernel => ({
      kernelName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const [height, width] = attrs.size as [number, number];
        const op = kernelName === 'ResizeBilinear' ? 'resizeBilinear' : 'resizeNearestNeighbor';
        return backend.output(
          backend.native.ops[op](
            backend.handle(input(inputs, 'images')),
            height,
            width,
            Boolean(attrs.alignCorners),
            Boolean(attrs.halfPixelCenters),
          ),
        );
      },
    }),
  ),
  ...(['ResizeBilinearGrad', 'ResizeNearestNeighborGrad'] as const).map(
    (kernelName): TorchKernel => ({
      kernelName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const op = kernelName === 'ResizeBilinearGrad' ? 'resizeBilinearGrad' : 'resizeNearestNeighborGrad';
        return backend.output(
          backend.native.ops[op](
            backend.handle(input(inputs, 'dy')),
            backend.handle(input(inputs, 'images')),
            Boolean(attrs.alignCorners),
            Boolean(attrs.halfPixelCenters),
          ),
        );
      },
    }),
  ),
];
