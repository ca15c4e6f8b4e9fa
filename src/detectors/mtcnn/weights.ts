// MTCNN's three networks with face-api.js's weights (a TensorFlow.js weights manifest whose names
// are pnet/conv1/weights, rnet/prelu4_alpha, onet/fc2_3/bias, ...). The nets take RGB, as the
// original MTCNN (Matlab/Caffe, and its TensorFlow port) was trained; see mtcnnDetector.ts on
// face-api's channel order.
import * as tf from '@tensorflow/tfjs';
import { InputFileError } from '../../util/errors.js';
import { loadWeightsManifest } from '../faceapi/weights.js';

export interface ConvParams {
  /** [kh, kw, in, out] */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
}

export interface DenseParams {
  /** [in, out] */
  weights: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** Three 3x3 convolutions each followed by a PReLU (P-Net and R-Net; O-Net adds conv4). */
interface SharedParams {
  conv1: ConvParams;
  prelu1: tf.Tensor1D;
  conv2: ConvParams;
  prelu2: tf.Tensor1D;
  conv3: ConvParams;
  prelu3: tf.Tensor1D;
}

export interface PNetParams extends SharedParams {
  /** 1x1 conv to (not face, face) logits. */
  conv4_1: ConvParams;
  /** 1x1 conv to the window regression. */
  conv4_2: ConvParams;
}

export interface RNetParams extends SharedParams {
  fc1: DenseParams;
  prelu4: tf.Tensor1D;
  fc2_1: DenseParams;
  fc2_2: DenseParams;
}

export interface ONetParams extends SharedParams {
  conv4: ConvParams;
  prelu4: tf.Tensor1D;
  fc1: DenseParams;
  prelu5: tf.Tensor1D;
  fc2_1: DenseParams;
  fc2_2: DenseParams;
  /** Five landmarks (x1..x5, y1..y5), unused by detection. */
  fc2_3: DenseParams;
}

export interface MtcnnNetworks {
  pnet: PNetParams;
  rnet: RNetParams;
  onet: ONetParams;
}

class WeightReader {
  private readonly used = new Set<string>();
  constructor(
    private readonly weights: tf.NamedTensorMap,
    private readonly file: string,
  ) {}

  take<R extends tf.Rank>(name: string, shape: number[]): tf.Tensor<R> {
    const tensor = this.weights[name];
    if (!tensor) throw new InputFileError(this.file, `MTCNN weight "${name}" is missing`);
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new InputFileError(this.file, `MTCNN weight "${name}" has shape [${tensor.shape}], expected [${shape}]`);
    }
    this.used.add(name);
    return tensor as tf.Tensor<R>;
  }

  conv(prefix: string, kernel: number, inputs: number, outputs: number): ConvParams {
    return {
      filter: this.take(`${prefix}/weights`, [kernel, kernel, inputs, outputs]),
      bias: this.take<tf.Rank.R1>(`${prefix}/bias`, [outputs]),
    };
  }

  dense(prefix: string, inputs: number, outputs: number): DenseParams {
    return { weights: this.take(`${prefix}/weights`, [inputs, outputs]), bias: this.take(`${prefix}/bias`, [outputs]) };
  }

  prelu(name: string, channels: number): tf.Tensor1D {
    return this.take(name, [channels]);
  }

  /** Disposes the tensors nobody took. */
  disposeUnused(): void {
    for (const [name, tensor] of Object.entries(this.weights)) if (!this.used.has(name)) tensor.dispose();
  }
}

function sharedLayers(w: WeightReader, net: string, channels: [number, number, number], conv3Kernel: number): SharedParams {
  const [c1, c2, c3] = channels;
  return {
    conv1: w.conv(`${net}/conv1`, 3, 3, c1),
    prelu1: w.prelu(`${net}/prelu1_alpha`, c1),
    conv2: w.conv(`${net}/conv2`, 3, c1, c2),
    prelu2: w.prelu(`${net}/prelu2_alpha`, c2),
    conv3: w.conv(`${net}/conv3`, conv3Kernel, c2, c3),
    prelu3: w.prelu(`${net}/prelu3_alpha`, c3),
  };
}

/** Reads the manifest (and its shard beside it) into the three networks. */
export function loadMtcnnNetworks(manifestPath: string): MtcnnNetworks {
  const weights = loadWeightsManifest(manifestPath);
  const reader = new WeightReader(weights, manifestPath);
  let nets: MtcnnNetworks;
  try {
    nets = {
      pnet: {
        ...sharedLayers(reader, 'pnet', [10, 16, 32], 3),
        conv4_1: reader.conv('pnet/conv4_1', 1, 32, 2),
        conv4_2: reader.conv('pnet/conv4_2', 1, 32, 4),
      },
      rnet: {
        ...sharedLayers(reader, 'rnet', [28, 48, 64], 2),
        fc1: reader.dense('rnet/fc1', 576, 128),
        prelu4: reader.prelu('rnet/prelu4_alpha', 128),
        fc2_1: reader.dense('rnet/fc2_1', 128, 2),
        fc2_2: reader.dense('rnet/fc2_2', 128, 4),
      },
      onet: {
        ...sharedLayers(reader, 'onet', [32, 64, 64], 3),
        conv4: reader.conv('onet/conv4', 2, 64, 128),
        prelu4: reader.prelu('onet/prelu4_alpha', 128),
        fc1: reader.dense('onet/fc1', 1152, 256),
        prelu5: reader.prelu('onet/prelu5_alpha', 256),
        fc2_1: reader.dense('onet/fc2_1', 256, 2),
        fc2_2: reader.dense('onet/fc2_2', 256, 4),
        fc2_3: reader.dense('onet/fc2_3', 256, 10),
      },
    };
  } catch (error) {
    tf.dispose(Object.values(weights));
    throw error;
  }
  reader.disposeUnused();
  return nets;
}

function collect(value: unknown, out: tf.Tensor[]): void {
  if (value instanceof tf.Tensor) out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v, out);
}

export function disposeMtcnnNetworks(nets: MtcnnNetworks): void {
  const tensors: tf.Tensor[] = [];
  collect(nets, tensors);
  tf.dispose(tensors);
}
