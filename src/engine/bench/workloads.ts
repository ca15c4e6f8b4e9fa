// What `facepatch bench` times: forward, forward+backward-to-input and a training step of the
// paper's SLN shape (ResNet-18 + FPN at 640x640), and face-api's SSD MobileNetV1 forward and
// forward+backward-to-input at its 512x512 input, and the same two for RetinaFace-MobileNet0.25 at
// 640x480. Each workload builds its network once and returns a function that runs one iteration
// and waits for the result.
import * as tf from '@tensorflow/tfjs';
import { createSlnNetwork } from '../../detectors/sln/network.js';
import { createDetector } from '../../detectors/registry.js';
import type { FaceDetector } from '../../detectors/types.js';

export interface Workload {
  name: string;
  description: string;
  /** Builds what one iteration needs; returns the iteration and a disposer. */
  setup(): Promise<{ run: () => Promise<void>; dispose: () => void }>;
}

const SLN_SIZE = 640;

function randomImage(height: number, width = height): tf.Tensor4D {
  return tf.randomUniform([1, height, width, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
}

async function settle(t: tf.Tensor): Promise<void> {
  await t.data();
}

export const WORKLOADS: Workload[] = [
  {
    name: 'r18fpn640-fwd',
    description: 'ResNet-18 + FPN (P2, 256 ch) + SLN heads, 640x640, eval-mode forward',
    async setup() {
      const net = createSlnNetwork('resnet18');
      const image = randomImage(SLN_SIZE);
      return {
        run: async () => {
          const out = tf.tidy(() => tf.sum(net.forward(image, 'eval').logits));
          await settle(out);
          out.dispose();
        },
        dispose: () => { net.store.dispose(); image.dispose(); },
      };
    },
  },
  {
    name: 'r18fpn640-grad-input',
    description: 'same network, forward + backward to the input (frozen weights), the attack step',
    async setup() {
      const net = createSlnNetwork('resnet18');
      const image = randomImage(SLN_SIZE);
      const objective = (x: tf.Tensor) => tf.sum(tf.softmax(net.forward(x as tf.Tensor4D, 'eval').logits)) as tf.Scalar;
      return {
        run: async () => {
          const g = tf.tidy(() => tf.grad(objective)(image));
          await settle(g);
          g.dispose();
        },
        dispose: () => { net.store.dispose(); image.dispose(); },
      };
    },
  },
  {
    name: 'r18fpn640-train-step',
    description: 'same network, training-mode forward + backward to every weight + SGD update',
    async setup() {
      const net = createSlnNetwork('resnet18');
      const image = randomImage(SLN_SIZE);
      const optimizer = tf.train.momentum(0.01, 0.9);
      const variables = net.store.trainable();
      return {
        run: async () => {
          const loss = optimizer.minimize(() => {
            const out = net.forward(image, 'train');
            return tf.add(tf.mean(tf.square(out.logits)), tf.mean(tf.square(out.regression))) as tf.Scalar;
          }, true, variables);
          if (loss) {
            await settle(loss);
            loss.dispose();
          }
        },
        dispose: () => { net.store.dispose(); image.dispose(); optimizer.dispose(); },
      };
    },
  },
  ...detectorWorkloads('ssd-mobilenetv1', [512, 512], "face-api's SSD MobileNetV1, 512x512 input, raw per-anchor outputs"),
  // the attack's detector at its training size (weights from the shared folder; without them
  // these lines report the missing file)
  ...detectorWorkloads('retinaface-mobilenet0.25', [480, 640], 'RetinaFace-MobileNet0.25, 640x480, raw per-prior scores'),
];

/** A registered detector's forward and forward + backward of its summed scores to the input (the attack step). */
function detectorWorkloads(detectorName: string, [height, width]: [number, number], description: string): Workload[] {
  const build = async (iteration: (detector: FaceDetector, input: tf.Tensor4D) => tf.Tensor) => {
    const detector = await createDetector(detectorName);
    const input = randomImage(height, width);
    return {
      run: async () => {
        const out = tf.tidy(() => iteration(detector, input));
        await settle(out);
        out.dispose();
      },
      dispose: () => { detector.dispose(); input.dispose(); },
    };
  };
  const summedScores = (detector: FaceDetector) => (x: tf.Tensor) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar;
  return [
    { name: `${detectorName}-fwd`, description, setup: () => build((detector, input) => summedScores(detector)(input)) },
    {
      name: `${detectorName}-grad-input`,
      description: 'same detector, forward + backward of the summed scores to the input',
      setup: () => build((detector, input) => tf.grad(summedScores(detector))(input)),
    },
  ];
}

export const WORKLOAD_NAMES = WORKLOADS.map((w) => w.name);
