/**
 * How much of the class an encoder's features carry, read off by the two standard probes of representation learning:
 * the 1-nearest-neighbour classifier (BiGAN reports about 97% on MNIST with its encoder's features) and a linear
 * probe, multinomial logistic regression on standardised features. Neither is trained with the encoder: both read
 * the features as they are, so they compare encoders (an ALI/BiGAN's E(x), a VAE's posterior means) with raw pixels.
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782; G. Alain and Y. Bengio, "Understanding intermediate layers using linear
 * classifier probes", 2016, https://arxiv.org/abs/1610.01644
 */
import * as tf from '../engine/tf.js';
import { Adam } from '../optim/adam.js';
import { MetricArgumentError } from './errors.js';
import { checkFeatures, type Features } from './features.js';

/** Check labels: one integer in [0, numClasses) (or >= 0) per row of `features`. */
function checkLabels(labels: ArrayLike<number>, n: number, name: string, fn: string, numClasses = Infinity) {
  if (labels.length !== n)
    throw new MetricArgumentError(
      `${fn}: '${name}' must hold one label per row (${n}), got ${labels.length}`,
    );
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses)
      throw new MetricArgumentError(
        `${fn}: '${name}' must hold integers in [0, ${numClasses}), got ${y} at index ${i}`,
      );
  }
}

/** Options of {@link nearestNeighbourAccuracy}. */
export interface NearestNeighbourOptions {
  /**
   * The query and the reference are one set: each row is classified by its nearest *other* row (leave-one-out), so a
   * held-out set can score itself.
   */
  leaveOneOut?: boolean;
  /** Query rows per chunk of the distance matrix; bounds memory at chunk x reference floats. */
  chunk?: number;
}

/**
 * The accuracy of the 1-nearest-neighbour classifier (Euclidean distance) that labels each row of `query` with the
 * label of its nearest row of `reference`. Distances come from ||q||^2 - 2 q.r + ||r||^2 in float32 matrix products,
 * a chunk of queries at a time.
 *
 * @example
 * nearestNeighbourAccuracy(trainCodes, trainLabels, testCodes, testLabels); // 0.97
 * nearestNeighbourAccuracy(testCodes, testLabels, testCodes, testLabels, { leaveOneOut: true });
 */
export function nearestNeighbourAccuracy(
  reference: Features,
  referenceLabels: ArrayLike<number>,
  query: Features,
  queryLabels: ArrayLike<number>,
  { leaveOneOut = false, chunk = 500 }: NearestNeighbourOptions = {},
): number {
  const fn = 'nearestNeighbourAccuracy';
  checkFeatures(reference, 'reference', fn);
  checkFeatures(query, 'query', fn);
  checkLabels(referenceLabels, reference.n, 'referenceLabels', fn);
  checkLabels(queryLabels, query.n, 'queryLabels', fn);
  if (reference.d !== query.d)
    throw new MetricArgumentError(
      `${fn}: 'reference' and 'query' must have one dimension, got ${reference.d} and ${query.d}`,
    );
  if (leaveOneOut && reference.n !== query.n)
    throw new MetricArgumentError(
      `${fn}: leaveOneOut needs the query to be the reference, got ${query.n} and ${reference.n} rows`,
    );
  const r = tf.tensor2d(Float32Array.from(reference.values), [reference.n, reference.d]);
  const rNorms = tf.tidy(() => tf.sum(tf.square(r), 1));
  let correct = 0;
  try {
    for (let start = 0; start < query.n; start += chunk) {
      const m = Math.min(chunk, query.n - start);
      const nearest = tf.tidy(() => {
        const q = tf.tensor2d(
          Float32Array.from(query.values.subarray(start * query.d, (start + m) * query.d)),
          [m, query.d],
        );
        // ||q||^2 is the same along each row, so it does not change which reference is nearest.
        let distances: tf.Tensor2D = tf.sub(rNorms, tf.mul(tf.matMul(q, r, false, true), 2));
        if (leaveOneOut) {
          const self = tf.cast(tf.oneHot(tf.range(start, start + m, 1, 'int32'), reference.n), 'float32');
          // Not Infinity: 0 * Infinity is NaN. The product overflows to Infinity on the diagonal alone.
          distances = tf.add(distances, tf.mul(self, 3.4e38));
        }
        return tf.argMin(distances, 1);
      });
      const found = nearest.dataSync();
      nearest.dispose();
      for (let i = 0; i < m; i++) if (referenceLabels[found[i]] === queryLabels[start + i]) correct += 1;
    }
  } finally {
    tf.dispose([r, rNorms]);
  }
  return correct / query.n;
}

/** Options of {@link linearProbeAccuracy}. */
export interface LinearProbeOptions {
  /** The inverse strength C of the L2 penalty, as scikit-learn's `LogisticRegression(C=...)`; default 1. */
  C?: number;
  /** Full-batch Adam steps; default 500. */
  steps?: number;
  /** Adam's step size; default 0.05. */
  learningRate?: number;
}

/**
 * The test accuracy of a linear probe: multinomial logistic regression fitted to `train` (standardised by the training
 * features' means and standard deviations, constant features left at 0) with scikit-learn's objective
 *
 *   min_{W, b}  (1 / n) sum_i -log softmax(W x_i + b)_{y_i} + ||W||^2 / (2 C n),
 *
 * by full-batch Adam from zero weights (the objective is convex, so the start does not matter), then applied to
 * `test`.
 *
 * @example
 * linearProbeAccuracy(trainCodes, trainLabels, testCodes, testLabels, 10); // 0.91
 */
export function linearProbeAccuracy(
  train: Features,
  trainLabels: ArrayLike<number>,
  test: Features,
  testLabels: ArrayLike<number>,
  numClasses: number,
  { C = 1, steps = 500, learningRate = 0.05 }: LinearProbeOptions = {},
): number {
  const fn = 'linearProbeAccuracy';
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new MetricArgumentError(`${fn}: 'numClasses' must be an integer >= 2, got ${numClasses}`);
  checkFeatures(train, 'train', fn);
  checkFeatures(test, 'test', fn);
  checkLabels(trainLabels, train.n, 'trainLabels', fn, numClasses);
  checkLabels(testLabels, test.n, 'testLabels', fn, numClasses);
  if (train.d !== test.d)
    throw new MetricArgumentError(
      `${fn}: 'train' and 'test' must have one dimension, got ${train.d} and ${test.d}`,
    );
  if (!(C > 0)) throw new MetricArgumentError(`${fn}: 'C' must be positive, got ${C}`);
  const { n, d } = train;
  const [x, xTest, y] = tf.tidy(() => {
    const raw = tf.tensor2d(Float32Array.from(train.values), [n, d]);
    const { mean, variance } = tf.moments(raw, 0);
    const std = tf.sqrt(variance);
    // A constant feature (a pixel that is 0 in every training image) carries nothing: it is mapped to 0.
    const scale = tf.where(tf.greater(std, 1e-6), tf.div(1, tf.maximum(std, 1e-6)), tf.zerosLike(std));
    const standardise = (t: tf.Tensor) => tf.mul(tf.sub(t, mean), scale);
    return [
      standardise(raw) as tf.Tensor2D,
      standardise(tf.tensor2d(Float32Array.from(test.values), [test.n, d])) as tf.Tensor2D,
      tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(trainLabels), 'int32'), numClasses), 'float32'),
    ];
  });
  // tf.variable shares the data of the zeros it is given, which are then freed.
  const [weight, bias] = tf
    .tidy(() => [tf.zeros([d, numClasses]), tf.zeros([numClasses])])
    .map((t) => {
      const v = tf.variable(t);
      t.dispose();
      return v;
    });
  const params = new Map([
    ['weight', weight],
    ['bias', bias],
  ]);
  const adam = new Adam(learningRate);
  const penalty = 1 / (2 * C * n);
  try {
    for (let i = 0; i < steps; i++)
      adam.minimize(params, () => {
        const logits = tf.add(tf.matMul(x, weight), bias);
        const nll = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1)));
        return { loss: tf.add<tf.Scalar>(nll, tf.mul(tf.sum(tf.square(weight)), penalty)) };
      });
    const predicted = tf.tidy(() => tf.argMax(tf.add(tf.matMul(xTest, weight), bias), 1));
    const p = predicted.dataSync();
    predicted.dispose();
    let correct = 0;
    for (let i = 0; i < test.n; i++) if (p[i] === testLabels[i]) correct += 1;
    return correct / test.n;
  } finally {
    tf.dispose([x, xTest, y, ...params.values()]);
    adam.dispose();
  }
}
