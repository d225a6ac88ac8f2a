/**
 * The sample metrics of a model of any family (see `metrics/sample-metrics.ts`): draw from it with its family's
 * `sample`, and score the draws against real held-out images on a feature classifier. `eval --sample-metrics`, the
 * per-epoch records of an image run (`--sample-metrics`) and the benchmark tables all go through here, so a VAE, a
 * flow and a GAN are scored the same way. Runs in a browser as in Node (the classifier is given, not read).
 */
import { deriveSeed, Random } from '../engine/random.js';
import { subset, type Dataset } from '../data/dataset.js';
import { classifierOutputs, type ClassifierOutputs, type FeatureClassifier } from '../metrics/classifier.js';
import { sampleMetricsFromOutputs, type SampleMetrics } from '../metrics/sample-metrics.js';
import type { Family, FamilyModel } from '../families/family.js';
import { OptionError } from './options.js';

/** The default number of samples (and real images) the metrics compare. */
export const DEFAULT_SAMPLE_COUNT = 1000;

/** The real side of the comparison, computed once: the classifier's outputs on the reference images. */
export interface SampleReference {
  classifier: FeatureClassifier;
  real: ClassifierOutputs;
  /** How many samples to draw each time. */
  count: number;
}

/**
 * The reference of the sample metrics: `count` real images of `real` (a seeded random subset when it holds more; all
 * of them when it holds fewer), through `classifier`.
 */
export function sampleReference(
  classifier: FeatureClassifier,
  real: Dataset,
  { count = DEFAULT_SAMPLE_COUNT, seed = 0 }: { count?: number; seed?: number } = {},
): SampleReference {
  if (!Number.isInteger(count) || count < 4)
    throw new OptionError('sampleCount', `must be an integer >= 4, got ${count}`);
  const images =
    real.n <= count
      ? real
      : subset(real, new Random(deriveSeed(seed, 'reference')).permutation(real.n).slice(0, count));
  return { classifier, real: classifierOutputs(classifier, images, { name: 'real' }), count };
}

/** The sample metrics of `model`'s draws (seeded by `seed`) against `reference`. */
export function modelSampleMetrics<M extends FamilyModel>(
  family: Family<M, { kind: string; seed: number }>,
  model: M,
  reference: SampleReference,
  seed: number,
): SampleMetrics {
  const samples = family.sample(model, reference.count, { seed });
  const fake = classifierOutputs(reference.classifier, samples, { name: 'samples' });
  return sampleMetricsFromOutputs(reference.real, fake, reference.classifier.config.numClasses, {
    codes: samples.labels,
  });
}
