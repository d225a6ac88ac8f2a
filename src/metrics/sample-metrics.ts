/**
 * The sample metrics of image models, the same for every family: a classifier's penultimate features of generated
 * images against those of real held-out images give the Frechet distance (Heusel et al., 2017) and improved
 * precision and recall (Kynkaanniemi et al., 2019); its predictions give the KL of the predicted-class histogram to
 * uniform (0 when every class is drawn equally often; log K when one class is all the model draws), and, for samples
 * drawn with a class or categorical code, the accuracy of the code under the best one-to-one assignment of codes
 * to the classifier's classes.
 *
 * The Frechet distance grows as fewer samples are used (its estimate is biased upwards), so the results carry their
 * sample count, and only figures of the same count compare.
 */
import type { Dataset } from '../data/dataset.js';
import { bestAssignment } from './assignment.js';
import { classHistogramKl } from './class-histogram.js';
import { classifierOutputs, type ClassifierOutputs, type FeatureClassifier } from './classifier.js';
import { MetricArgumentError } from './errors.js';
import { frechetDistance } from './frechet.js';
import { precisionRecall } from './precision-recall.js';

/** What {@link sampleMetrics} reports, with the names `eval --sample-metrics` prints. */
export interface SampleMetrics {
  frechet_distance: number;
  precision: number;
  recall: number;
  class_kl: number;
  /** The accuracy of the samples' codes (labels) under the best assignment to classes; null without codes. */
  code_accuracy: number | null;
  /** The number of generated samples (and of real images) compared. */
  sample_count: number;
}

/** Options of {@link sampleMetrics}. */
export interface SampleMetricsOptions {
  /** The neighbours of precision and recall; default 3. */
  k?: number;
}

/** The best-assignment accuracy of codes (values 0..K-1) against predicted classes (0..C-1). */
export function codeAccuracy(
  codes: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number {
  if (codes.length !== predicted.length)
    throw new MetricArgumentError(
      `codeAccuracy: 'codes' has ${codes.length} values but 'predicted' ${predicted.length}`,
    );
  if (codes.length === 0) throw new MetricArgumentError(`codeAccuracy: 'codes' is empty`);
  let numCodes = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < 0)
      throw new MetricArgumentError(`codeAccuracy: 'codes' must hold integers >= 0, got ${c} at ${i}`);
    numCodes = Math.max(numCodes, c + 1);
  }
  const size = Math.max(numCodes, numClasses);
  const confusion = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < codes.length; i++) confusion[codes[i]][predicted[i]] += 1;
  return bestAssignment(confusion).matched / codes.length;
}

/**
 * The sample metrics from the classifier's outputs on real images and on samples (see {@link classifierOutputs});
 * `codes` are the samples' labels, if they were drawn with some.
 */
export function sampleMetricsFromOutputs(
  real: ClassifierOutputs,
  fake: ClassifierOutputs,
  numClasses: number,
  { k = 3, codes = null }: SampleMetricsOptions & { codes?: ArrayLike<number> | null } = {},
): SampleMetrics {
  const features = (o: ClassifierOutputs) => ({ values: o.features, n: o.n, d: o.d });
  const { precision, recall } = precisionRecall(features(real), features(fake), { k });
  return {
    frechet_distance: frechetDistance(features(real), features(fake)),
    precision,
    recall,
    class_kl: classHistogramKl(fake.predicted, numClasses),
    code_accuracy: codes === null ? null : codeAccuracy(codes, fake.predicted, numClasses),
    sample_count: fake.n,
  };
}

/**
 * The sample metrics of `samples` (a model's draws, with their codes as labels where it has them) against `real`
 * images of the same shape, on `classifier`'s features.
 *
 * @example
 * const samples = family.sample(model, 1000, { seed: 0 });
 * sampleMetrics(classifier, test, samples); // { frechet_distance: 3.1, precision: 0.8, recall: 0.6, ... }
 */
export function sampleMetrics(
  classifier: FeatureClassifier,
  real: Dataset,
  samples: Dataset,
  options: SampleMetricsOptions = {},
): SampleMetrics {
  return sampleMetricsFromOutputs(
    classifierOutputs(classifier, real, { name: 'real' }),
    classifierOutputs(classifier, samples, { name: 'samples' }),
    classifier.config.numClasses,
    { ...options, codes: samples.labels },
  );
}
