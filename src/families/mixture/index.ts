/**
 * The mixture family: Gaussian mixtures fitted by EM (`gmm`: variational inference with the exact posterior, the
 * E-step setting q(z) = p(z | x)) or by variational Bayes (`bayesian-gmm`), in float64, with scikit-learn's updates.
 */
import type { Dataset } from '../../data/dataset.js';
import { OptionError } from '../../train/options.js';
import type { FitFamily, Metrics } from '../family.js';
import { BayesianGaussianMixture } from './bayesian-gmm.js';
import { MIXTURE_OPTIONS, type MixtureConfig, type MixtureKind } from './config.js';
import type { CovarianceType } from './covariance.js';
import { GaussianMixture } from './gmm.js';
import { MixtureModel, type Mixture } from './model.js';
import { fitPictures, mixturePictures, mixtureSamplesFigure } from './pictures.js';

/** A data set's examples as the rows of a matrix (float64). */
export function asMatrix(data: Dataset): { data: Float64Array; n: number; d: number } {
  const d = data.shape.reduce((a, b) => a * b, 1);
  const values = data.values instanceof Float64Array ? data.values : Float64Array.from(data.values);
  return { data: values, n: data.n, d };
}

function checkWidth(model: MixtureModel, data: Dataset): void {
  const d = data.shape.reduce((a, b) => a * b, 1);
  if (d !== model.config.d)
    throw new OptionError(
      'data',
      `${data.name} has ${d} values per point, but the mixture was fitted to ${model.config.d}`,
    );
}

/**
 * Why a fit that stopped at `maxIter` is worth a second look, in one line (scikit-learn warns with a
 * ConvergenceWarning): the last change of the bound against `tol`, and for variational Bayes how many components
 * still keep a weight, since unconverged duplicates have not been pruned yet.
 */
function notConvergedLine(m: Mixture): string {
  const bounds = m.lowerBounds;
  const change =
    bounds.length < 2
      ? ''
      : `: the bound last changed by ${(bounds[bounds.length - 1] - bounds[bounds.length - 2]).toPrecision(3)}, ` +
        `more than --tol ${m.tol}`;
  const kept =
    m instanceof BayesianGaussianMixture
      ? `, and ${m.activeComponents.length} of ${m.k} components keep a weight above ${m.pruneThreshold}`
      : '';
  return `did not converge in ${m.nIter} iterations${change}${kept}; raise --max-iter`;
}

/** The mixture family, as `families/index.ts` lists it. */
export const mixtureFamily: FitFamily<MixtureModel, MixtureConfig> = {
  name: 'mixture',
  description: 'Gaussian mixtures fitted by EM or by variational Bayes, in float64',
  engine: 'javascript',
  training: 'fit',
  kinds: [
    { name: 'gmm', description: 'a Gaussian mixture fitted by EM (Dempster, Laird and Rubin, 1977)' },
    {
      name: 'bayesian-gmm',
      description:
        'a Gaussian mixture fitted by variational Bayes: the prior prunes unneeded components (Bishop, 2006)',
    },
  ],
  options: MIXTURE_OPTIONS,
  runDefaults: { data: '8gaussians' },
  tinyRuns: [
    { name: 'gmm', kind: 'gmm', options: { limit: 2000, k: 8 } },
    { name: 'gmm diag', kind: 'gmm', options: { limit: 2000, k: 4, covariance: 'diag', nInit: 2 } },
    { name: 'bayesian-gmm', kind: 'bayesian-gmm', options: { limit: 2000, k: 10 } },
  ],

  resolveConfig(kind, options, data) {
    const d = data.shape.reduce((a, b) => a * b, 1);
    const k = options.k as number;
    if (data.n < k)
      throw new OptionError('k', `is ${k}, more components than the ${data.n} points of ${data.name}`);
    const means = options.means as number[][] | undefined;
    if (means !== undefined) {
      if (means.length !== k) throw new OptionError('means', `has ${means.length} rows, but k is ${k}`);
      if (means[0].length !== d)
        throw new OptionError(
          'means',
          `has rows of ${means[0].length} values, but the points of ${data.name} have ${d}`,
        );
    }
    return {
      kind: kind as MixtureKind,
      k,
      d,
      covarianceType: options.covariance as CovarianceType,
      tol: options.tol as number,
      regCovar: options.regCovar as number,
      maxIter: options.maxIter as number,
      seed: options.seed as number,
      init: means !== undefined ? { means } : ((options.init as 'kmeans' | 'random' | undefined) ?? 'kmeans'),
      nInit: (options.nInit as number | undefined) ?? 1,
      weightConcentrationPriorType:
        options.weightPrior === 'dirichlet-distribution' ? 'dirichlet_distribution' : 'dirichlet_process',
      ...(options.weightConcentration === undefined
        ? {}
        : { weightConcentrationPrior: options.weightConcentration as number }),
    };
  },

  create: (config) => new MixtureModel(config),
  // The arrays a fit keeps: means and weights, and covariances with their factors.
  estimateParameters: ({ k, d, covarianceType }) =>
    k * (d + 1) +
    2 *
      (covarianceType === 'full'
        ? k * d * d
        : covarianceType === 'tied'
          ? d * d
          : covarianceType === 'diag'
            ? k * d
            : k),

  fit(model, data, { pictures, onIteration }) {
    const x = asMatrix(data);
    const history: Array<Record<string, number>> = [];
    const trace = pictures ? fitPictures(model, x) : null;
    const report = ({
      run,
      iteration,
      lowerBound,
    }: {
      run: number;
      iteration: number;
      lowerBound: number;
    }) => {
      trace?.record(run, iteration, lowerBound);
      if (iteration === 0) return;
      const record = { run, iteration, lower_bound: lowerBound };
      history.push(record);
      onIteration?.(record);
    };
    const m = model.mixture;
    if (m instanceof BayesianGaussianMixture) m.fit(x, { onIteration: report });
    else m.fit(x, { onIteration: report });
    const metrics: Metrics = {
      train_loglik: m.score(x),
      ...(m instanceof GaussianMixture ? { bic: m.bic(x), aic: m.aic(x) } : {}),
      iterations: m.nIter,
      converged: m.converged,
      weights: Array.from(m.weights),
      ...(m instanceof BayesianGaussianMixture ? { active_components: m.activeComponents } : {}),
      lower_bounds: m.lowerBounds,
    };
    return {
      history,
      metrics,
      pictures: trace?.pictures(data.name) ?? [],
      warnings: m.converged ? [] : [notConvergedLine(m)],
    };
  },

  evaluate(model, data) {
    checkWidth(model, data);
    const x = asMatrix(data);
    const m = model.mixture;
    return {
      loglik: m.score(x),
      ...(m instanceof GaussianMixture ? { bic: m.bic(x), aic: m.aic(x) } : {}),
      n: data.n,
    };
  },

  sample(model, n, { seed = 0, temperature = 1 }) {
    const drawn = model.mixture.sample(n, { seed, temperature });
    return {
      name: 'samples',
      kind: 'vector',
      shape: [drawn.d],
      values: drawn.data,
      labels: drawn.labels,
      n,
      numClasses: model.config.k,
    };
  },

  pictures: mixturePictures,
  samplesFigure: mixtureSamplesFigure,

  save: (model) => ({
    weights: new Map(
      Object.entries(model.arrays()).map(([name, data]) => [
        name,
        { dtype: 'F64' as const, shape: [data.length], data },
      ]),
    ),
    metadata: { converged: String(model.mixture.converged), iterations: String(model.mixture.nIter) },
  }),
  restore(model, checkpoint, source) {
    model.restore(checkpoint.weights, checkpoint.metadata, `${source}/weights.safetensors`);
  },
};
