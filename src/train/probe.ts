/**
 * The probes of `latentlab probe`, for a model of any family with latent codes (or for raw pixels): encode a data
 * set's training and test parts, then score the codes with the 1-nearest-neighbour classifier and a linear probe
 * (`metrics/probe.ts`). Runs in a browser as in Node.
 */
import * as tf from '../engine/tf.js';
import type { Dataset } from '../data/dataset.js';
import type { Features } from '../metrics/features.js';
import { linearProbeAccuracy, nearestNeighbourAccuracy } from '../metrics/probe.js';
import type { LatentCodes } from '../families/family.js';
import { OptionError } from './options.js';

/** What {@link probeAccuracies} reports. */
export interface ProbeResult {
  /** The test accuracy of the 1-nearest-neighbour classifier on the training codes. */
  knn_accuracy: number;
  /** The test accuracy of multinomial logistic regression fitted to the training codes. */
  linear_probe_accuracy: number;
  /** The codes' dimension. */
  dimension: number;
  train: number;
  test: number;
}

/** A data set's examples as features, unchanged (raw pixels). */
export function rawFeatures(data: Dataset): Features {
  const d = data.values.length / data.n;
  return { values: data.values, n: data.n, d };
}

/**
 * The latent codes of every example of `data` (`latent.encode`: posterior means, E(x), f^-1(x)), a batch at a time;
 * a conditional model's encoder is given each example's label.
 */
export function latentFeatures<M>(
  latent: LatentCodes<M>,
  model: M,
  data: Dataset,
  { batchSize = 500 }: { batchSize?: number } = {},
): Features {
  const size = data.values.length / data.n;
  const parts: Float32Array[] = [];
  let d = 0;
  for (let start = 0; start < data.n; start += batchSize) {
    const m = Math.min(batchSize, data.n - start);
    const labels = data.labels === null ? undefined : Array.from(data.labels.subarray(start, start + m));
    const codes = tf.tidy(() =>
      latent.encode(
        model,
        tf.tensor2d(Float32Array.from(data.values.subarray(start * size, (start + m) * size)), [m, size]),
        labels,
      ),
    );
    d = codes.shape[1];
    parts.push(codes.dataSync() as Float32Array);
    codes.dispose();
  }
  const values = new Float32Array(data.n * d);
  let offset = 0;
  for (const p of parts) {
    values.set(p, offset);
    offset += p.length;
  }
  return { values, n: data.n, d };
}

/**
 * The 1-nearest-neighbour and linear-probe test accuracies of features of a labelled training set and test set.
 * Throws an `OptionError` naming `data` when either part has no labels.
 *
 * @example
 * const split = loadDataset('mnist');
 * probeAccuracies(rawFeatures(split.train), split.train, rawFeatures(split.test!), split.test!); // the pixels
 */
export function probeAccuracies(
  train: Features,
  trainData: Dataset,
  test: Features,
  testData: Dataset,
): ProbeResult {
  if (trainData.labels === null || testData.labels === null)
    throw new OptionError('data', `must be labelled for the probes, and ${trainData.name} has no labels`);
  return {
    knn_accuracy: nearestNeighbourAccuracy(train, trainData.labels, test, testData.labels),
    linear_probe_accuracy: linearProbeAccuracy(
      train,
      trainData.labels,
      test,
      testData.labels,
      trainData.numClasses,
    ),
    dimension: train.d,
    train: train.n,
    test: test.n,
  };
}
