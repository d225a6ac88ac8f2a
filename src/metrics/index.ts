// Metrics of generative models in plain float64 arithmetic, for Node and the browser alike: mode coverage of samples
// from a mixture of Gaussians (VEEGAN, PacGAN) and the optimal discriminator between two known 2-D densities.
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
