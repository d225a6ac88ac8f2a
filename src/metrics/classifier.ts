/**
 * The feature classifier of the sample metrics: a small convolutional network trained by latentlab on one image data
 * set's training part (`latentlab classifier`), whose penultimate layer gives the features on which the Frechet
 * distance and precision and recall compare samples with real images, and whose predictions give the class
 * histogram. It stands in for the Inception network of FID (Heusel et al., 2017), which knows nothing of 28x28
 * digits, as the LeNet features of the MNIST GAN literature do.
 *
 * Everything here runs in a browser as in Node: the weights travel as safetensors bytes
 * ({@link encodeClassifier}, {@link decodeClassifier}); reading the shipped files is `classifier-node.ts`'s business.
 */
import * as tf from '../engine/tf.js';
import { deriveSeed } from '../engine/random.js';
import { batches } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { ConvEncoder } from '../nn/conv-net.js';
import { Dense } from '../nn/dense.js';
import { Module } from '../nn/module.js';
import { decodeSafetensors, encodeSafetensors, tensorToNamedArray } from '../io/safetensors.js';
import { CheckpointError } from '../io/safetensors.js';
import { Adam } from '../optim/adam.js';
import { trainSteps, type Callback } from '../train/trainer.js';
import { MetricArgumentError } from './errors.js';

/** The format tag in a classifier file's metadata. */
export const CLASSIFIER_FORMAT = 'latentlab-classifier/1';

/** The architecture of a {@link FeatureClassifier}. */
export interface ClassifierConfig {
  /** The shape of one image, `[h, w, c]`. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Channels of the stride-2 convolutions (kernel 4, ReLU). */
  channels: number[];
  /** The width of the penultimate (feature) layer. */
  features: number;
  seed: number;
}

/** What a trained classifier file records besides its weights. */
export interface ClassifierInfo {
  /** The data set it was trained on, as `--data` names it. */
  data: string;
  /** Its accuracy on that data set's test part. */
  testAccuracy: number;
  epochs: number;
}

/** The default architecture: 28x28x1 -> 14x14x16 -> 7x7x32 -> 128 features -> classes (about 211,000 weights). */
export function defaultClassifierConfig(
  inputShape: [number, number, number],
  numClasses: number,
  seed = 0,
): ClassifierConfig {
  return { inputShape, numClasses, channels: [16, 32], features: 128, seed };
}

/**
 * Images to class logits through a feature layer: stride-2 convolutions, a Dense ReLU layer (the features), and a
 * linear layer to the classes.
 *
 * @example
 * const classifier = new FeatureClassifier(defaultClassifierConfig([28, 28, 1], 10));
 * classifier.features(x); // [n, 128]
 * classifier.logits(x); // [n, 10]
 */
export class FeatureClassifier extends Module {
  readonly body: ConvEncoder;
  readonly head: Dense;

  constructor(readonly config: ClassifierConfig) {
    super();
    const { inputShape, numClasses, channels, features, seed } = config;
    if (!Number.isInteger(numClasses) || numClasses < 2)
      throw new MetricArgumentError(
        `FeatureClassifier: 'numClasses' must be an integer >= 2, got ${numClasses}`,
      );
    this.body = this.addModule(
      'body',
      new ConvEncoder(inputShape, {
        channels,
        kernelSize: 4,
        hidden: features,
        activation: 'relu',
        seed: deriveSeed(seed, 'body'),
      }),
    );
    this.head = this.addModule(
      'head',
      new Dense(features, numClasses, { activation: 'linear', seed: deriveSeed(seed, 'head') }),
    );
  }

  /** The penultimate layer's activations `[n, features]` of images `[n, h, w, c]` or flattened `[n, h w c]`. */
  features(x: tf.Tensor2D | tf.Tensor4D): tf.Tensor2D {
    return this.body.apply(x);
  }

  /** Class logits `[n, numClasses]`. */
  logits(x: tf.Tensor2D | tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(this.body.apply(x)) as tf.Tensor2D);
  }
}

/** A classifier's features and predicted classes of every example of a data set. */
export interface ClassifierOutputs {
  /** Row-major `[n, features]`. */
  features: Float32Array;
  /** The arg-max class of each example. */
  predicted: Int32Array;
  n: number;
  d: number;
}

/** Check that `data` holds images of the classifier's shape; `name` is the argument the error names. */
function checkImages(classifier: FeatureClassifier, data: Dataset, name: string): void {
  const expected = classifier.config.inputShape;
  if (data.shape.join() !== expected.join())
    throw new MetricArgumentError(
      `${name}: examples have shape [${data.shape.join(', ')}], but the classifier takes [${expected.join(', ')}]`,
    );
  if (data.n < 1) throw new MetricArgumentError(`${name}: the data set is empty`);
}

/** Features and predictions of every example of `data`, in batches of `batchSize`. */
export function classifierOutputs(
  classifier: FeatureClassifier,
  data: Dataset,
  { batchSize = 500, name = 'data' }: { batchSize?: number; name?: string } = {},
): ClassifierOutputs {
  checkImages(classifier, data, name);
  const d = classifier.config.features;
  const features = new Float32Array(data.n * d);
  const predicted = new Int32Array(data.n);
  let offset = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const f = classifier.features(batch.x);
    const p = tf.tidy(() => tf.argMax(classifier.head.apply(f), 1));
    features.set(f.dataSync(), offset * d);
    predicted.set(p.dataSync(), offset);
    offset += batch.x.shape[0];
    tf.dispose([f, p, batch.x, batch.labels ?? []]);
  }
  return { features, predicted, n: data.n, d };
}

/** The fraction of the labelled examples of `data` the classifier gets right. */
export function classifierAccuracy(classifier: FeatureClassifier, data: Dataset): number {
  if (data.labels === null) throw new MetricArgumentError('data: the data set has no labels');
  const { predicted } = classifierOutputs(classifier, data);
  let right = 0;
  for (let i = 0; i < data.n; i++) if (predicted[i] === data.labels[i]) right++;
  return right / data.n;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Held-out data: its accuracy is recorded after each epoch as `test_accuracy`. */
  test?: Dataset | null;
  /** Progress and other hooks of the shared trainer. */
  callbacks?: Callback[];
}

/**
 * Train a {@link FeatureClassifier} on a labelled image data set with Adam on the cross-entropy, by the shared
 * trainer (seeded batches, the non-finite guard, callbacks). Returns the classifier and the trainer's history.
 */
export async function trainClassifier(
  train: Dataset,
  options: TrainClassifierOptions = {},
): Promise<{ classifier: FeatureClassifier; history: Array<Record<string, number>> }> {
  const { epochs = 5, batchSize = 128, learningRate = 1e-3, seed = 0, test = null, callbacks = [] } = options;
  if (train.kind !== 'image' || train.shape.length !== 3)
    throw new MetricArgumentError(
      `train: the classifier needs images, got examples of shape [${train.shape.join(', ')}]`,
    );
  if (train.labels === null || train.numClasses < 2)
    throw new MetricArgumentError(`train: the classifier needs labels of at least 2 classes`);
  const classifier = new FeatureClassifier(
    defaultClassifierConfig(train.shape as [number, number, number], train.numClasses, seed),
  );
  const adam = new Adam(learningRate);
  const numClasses = train.numClasses;
  try {
    const { history } = await trainSteps(
      train,
      (batch) => {
        // The one-hot targets are made outside the gradient tape: they are constants of the loss.
        const target = tf.tidy(() => tf.cast(tf.oneHot(batch.labels!, numClasses), 'float32'));
        try {
          return adam.minimize(classifier.parameters(), () => {
            const logits = classifier.logits(batch.x);
            return { loss: tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar };
          });
        } finally {
          target.dispose();
        }
      },
      {
        epochs,
        batchSize,
        seed,
        callbacks,
        evaluate: test === null ? undefined : () => ({ test_accuracy: classifierAccuracy(classifier, test) }),
      },
    );
    return { classifier, history };
  } catch (e) {
    classifier.dispose();
    throw e;
  } finally {
    adam.dispose();
  }
}

/** The bytes of a classifier file: its weights, architecture and provenance, as safetensors. */
export function encodeClassifier(classifier: FeatureClassifier, info: ClassifierInfo): Uint8Array {
  const c = classifier.config;
  const tensors = new Map([...classifier.parameters()].map(([k, v]) => [k, tensorToNamedArray(v)]));
  return encodeSafetensors(tensors, {
    format: CLASSIFIER_FORMAT,
    input_shape: JSON.stringify(c.inputShape),
    num_classes: String(c.numClasses),
    channels: JSON.stringify(c.channels),
    features: String(c.features),
    seed: String(c.seed),
    data: info.data,
    test_accuracy: String(info.testAccuracy),
    epochs: String(info.epochs),
  });
}

/** A classifier from the bytes of its file; errors name `source`. */
export function decodeClassifier(
  bytes: Uint8Array,
  source: string,
): { classifier: FeatureClassifier; info: ClassifierInfo } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.format !== CLASSIFIER_FORMAT)
    throw new CheckpointError(
      `${source}: not a latentlab classifier (format '${metadata.format ?? ''}', expected '${CLASSIFIER_FORMAT}')`,
    );
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? '');
    } catch {
      throw new CheckpointError(`${source}: metadata '${key}' is missing or not JSON`);
    }
  };
  const config: ClassifierConfig = {
    inputShape: json('input_shape') as [number, number, number],
    numClasses: Number(metadata.num_classes),
    channels: json('channels') as number[],
    features: Number(metadata.features),
    seed: Number(metadata.seed),
  };
  const classifier = new FeatureClassifier(config);
  try {
    classifier.loadParameters(
      new Map(
        [...tensors].map(([k, a]) => {
          if (a.dtype !== 'F32')
            throw new CheckpointError(`${source}: tensor '${k}' is ${a.dtype}, expected F32`);
          return [k, { shape: a.shape, data: a.data as Float32Array }];
        }),
      ),
    );
  } catch (e) {
    classifier.dispose();
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`${source}: ${(e as Error).message}`);
  }
  return {
    classifier,
    info: {
      data: metadata.data ?? '',
      testAccuracy: Number(metadata.test_accuracy),
      epochs: Number(metadata.epochs),
    },
  };
}
