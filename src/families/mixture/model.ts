/**
 * A Gaussian mixture as the mixture family holds it: its configuration beside the fitted model (EM's
 * `GaussianMixture` or variational Bayes's `BayesianGaussianMixture`), and the arrays a checkpoint stores, in
 * float64, so that a loaded mixture gives the very same log-likelihoods as the one that was saved.
 */
import { CheckpointError, type NamedArray } from '../../io/safetensors.js';
import { OptionError } from '../../train/options.js';
import { BayesianGaussianMixture } from './bayesian-gmm.js';
import type { MixtureConfig } from './config.js';
import { covarianceParameterCount } from './covariance.js';
import { GaussianMixture } from './gmm.js';

/** Either fitted mixture. */
export type Mixture = GaussianMixture | BayesianGaussianMixture;

/** A mixture with its configuration: what the mixture family creates, fits, saves and loads. */
export class MixtureModel {
  readonly mixture: Mixture;

  constructor(readonly config: MixtureConfig) {
    const { kind, k, covarianceType, tol, regCovar, maxIter, seed, init, nInit } = config;
    if (kind === 'gmm')
      this.mixture = new GaussianMixture(k, { covarianceType, tol, regCovar, maxIter, seed, init, nInit });
    else if (kind === 'bayesian-gmm') {
      if (init === 'random') throw new OptionError('init', 'random applies to EM (gmm) only');
      this.mixture = new BayesianGaussianMixture(k, {
        covarianceType,
        tol,
        regCovar,
        maxIter,
        seed,
        init,
        weightConcentrationPriorType: config.weightConcentrationPriorType,
        ...(config.weightConcentrationPrior === undefined
          ? {}
          : { weightConcentrationPrior: config.weightConcentrationPrior }),
      });
    } else throw new OptionError('kind', `must be gmm or bayesian-gmm, got '${String(kind)}'`);
  }

  /** The free parameters of the mixture density (scikit-learn's `_n_parameters`). */
  numParameters(): number {
    const { k, d, covarianceType } = this.config;
    return covarianceParameterCount(covarianceType, k, d) + k * d + k - 1;
  }

  /** Nothing to free: a mixture's arrays are plain JavaScript. */
  dispose(): void {}

  /** The arrays that define the fitted mixture (the Bayesian one adds its variational and prior parameters). */
  arrays(): Record<string, Float64Array> {
    const m = this.mixture;
    const arrays: Record<string, Float64Array> = {
      weights: m.weights,
      means: m.means,
      covariances: m.covariances,
      factors: m.factors,
      lower_bounds: Float64Array.from(m.lowerBounds),
    };
    if (m instanceof BayesianGaussianMixture)
      Object.assign(arrays, {
        weight_concentration_0: m.weightConcentration[0],
        weight_concentration_1: m.weightConcentration[1],
        mean_precision: m.meanPrecision,
        degrees_of_freedom: m.degreesOfFreedom,
        prior_mean: m.priors.mean,
        prior_covariance: m.priors.covariance,
        prior_scalars: Float64Array.of(
          m.priors.weightConcentration,
          m.priors.meanPrecision,
          m.priors.degreesOfFreedom,
        ),
      });
    return arrays;
  }

  /** Set the fitted state from `weights` (a checkpoint's arrays), checking each; errors name `source`. */
  restore(weights: Map<string, NamedArray>, metadata: Record<string, string>, source: string): void {
    const m = this.mixture;
    const { k, d } = this.config;
    const loaded: Record<string, Float64Array> = {};
    for (const name of Object.keys(this.arrays())) {
      const a = weights.get(name);
      if (a === undefined || a.dtype !== 'F64')
        throw new CheckpointError(`${source}: expected a float64 array '${name}' for a ${this.config.kind}`);
      loaded[name] = a.data as Float64Array;
    }
    if (loaded.weights.length !== k || loaded.means.length !== k * d)
      throw new CheckpointError(`${source}: weights and means do not have k = ${k}, d = ${d} entries`);
    m.d = d;
    m.weights = loaded.weights;
    m.means = loaded.means;
    m.covariances = loaded.covariances;
    m.factors = loaded.factors;
    m.lowerBounds = Array.from(loaded.lower_bounds);
    m.converged = metadata.converged === 'true';
    m.nIter = Number(metadata.iterations ?? 0);
    if (m instanceof BayesianGaussianMixture) {
      const [weightConcentration, meanPrecision, degreesOfFreedom] = loaded.prior_scalars;
      m.weightConcentration = [loaded.weight_concentration_0, loaded.weight_concentration_1];
      m.meanPrecision = loaded.mean_precision;
      m.degreesOfFreedom = loaded.degrees_of_freedom;
      m.priors = {
        weightConcentration,
        meanPrecision,
        mean: loaded.prior_mean,
        degreesOfFreedom,
        covariance: loaded.prior_covariance,
      };
    }
  }
}
