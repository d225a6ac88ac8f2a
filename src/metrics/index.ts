// Metrics of generative models, for Node and the browser alike: mode coverage of samples from a mixture of Gaussians
// (VEEGAN, PacGAN), the optimal discriminator between two known 2-D densities, and the sample metrics of images on a
// feature classifier (Frechet distance, precision and recall, the class histogram, code accuracy); the MMD of two
// samples; the nearest-neighbour and linear probes of learned features.
export { MetricArgumentError } from './errors.js';
export { modeCoverage } from './mode-coverage.js';
export type { ModeCoverage, ModeCoverageOptions, Modes } from './mode-coverage.js';
export { discriminatorDistance, discriminatorValue, optimalDiscriminator } from './optimal-discriminator.js';
export type {
  DiscriminatorValuesOptions,
  LogDensityFunction,
  OptimalDiscriminatorGrid,
  OptimalDiscriminatorOptions,
} from './optimal-discriminator.js';
export { checkFeatures } from './features.js';
export type { Features } from './features.js';
export { frechetDistance, frechetDistanceFromStatistics, gaussianStatistics } from './frechet.js';
export type { GaussianStatistics } from './frechet.js';
export { precisionRecall } from './precision-recall.js';
export type { PrecisionRecall, PrecisionRecallOptions } from './precision-recall.js';
export { classHistogramKl } from './class-histogram.js';
export { bestAssignment } from './assignment.js';
export type { Assignment } from './assignment.js';
export {
  CLASSIFIER_FORMAT,
  classifierAccuracy,
  classifierOutputs,
  decodeClassifier,
  defaultClassifierConfig,
  encodeClassifier,
  FeatureClassifier,
  trainClassifier,
} from './classifier.js';
export type {
  ClassifierConfig,
  ClassifierInfo,
  ClassifierOutputs,
  TrainClassifierOptions,
} from './classifier.js';
export { codeAccuracy, sampleMetrics, sampleMetricsFromOutputs } from './sample-metrics.js';
export { MMD_BANDWIDTHS, mmdSquared, PRIOR_MMD_EXAMPLES } from './mmd.js';
export type { MmdOptions } from './mmd.js';
export { linearProbeAccuracy, nearestNeighbourAccuracy } from './probe.js';
export type { LinearProbeOptions, NearestNeighbourOptions } from './probe.js';
export type { SampleMetrics, SampleMetricsOptions } from './sample-metrics.js';
