/**
 * The configuration of a Gaussian mixture run (what `config.json` stores) and the mixture family's options,
 * declared once ({@link MIXTURE_OPTIONS}).
 */
import type { OptionSpec } from '../../train/options.js';
import { COVARIANCE_TYPES, type CovarianceType } from './covariance.js';
import type { WeightConcentrationPriorType } from './bayesian-gmm.js';

/** The two kinds: EM (`gmm`) and variational Bayes (`bayesian-gmm`). */
export type MixtureKind = 'gmm' | 'bayesian-gmm';
export const MIXTURE_KINDS: readonly MixtureKind[] = ['gmm', 'bayesian-gmm'];

export interface MixtureConfig {
  kind: MixtureKind;
  /** Components. */
  k: number;
  /** Dimensions of a point. */
  d: number;
  covarianceType: CovarianceType;
  tol: number;
  regCovar: number;
  maxIter: number;
  seed: number;
  /** How the first responsibilities are made: k-means, random (EM only), or from given means (k x d). */
  init: 'kmeans' | 'random' | { means: number[][] };
  /** EM: initialisations, the best kept. */
  nInit: number;
  /** Variational Bayes: the prior on the weights, and its concentration (default 1 / k). */
  weightConcentrationPriorType: WeightConcentrationPriorType;
  weightConcentrationPrior?: number;
}

const WEIGHT_PRIORS = ['dirichlet-process', 'dirichlet-distribution'] as const;

/**
 * The options of `latentlab fit gmm` and `latentlab fit bayesian-gmm`. Their defaults are scikit-learn's, but for
 * the data (`8gaussians`) and k (8), which make the command run with no flags.
 */
export const MIXTURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'k',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 10000,
    default: 8,
    placeholder: '<k>',
    help: 'mixture components',
  },
  {
    name: 'covariance',
    configKey: 'covarianceType',
    type: 'choice',
    choices: COVARIANCE_TYPES,
    default: 'full',
    help: 'covariance structure',
  },
  {
    name: 'maxIter',
    type: 'integer',
    min: 1,
    default: 100,
    placeholder: '<n>',
    help: 'at most this many iterations',
  },
  {
    name: 'tol',
    type: 'number',
    min: 0,
    default: 1e-3,
    placeholder: '<t>',
    help: 'stop when the bound changes by less than this',
  },
  {
    name: 'regCovar',
    type: 'number',
    min: 0,
    default: 1e-6,
    placeholder: '<r>',
    help: 'added to the covariance diagonals',
  },
  {
    name: 'nInit',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 1,
    placeholder: '<n>',
    kinds: ['gmm'],
    help: 'initialisations, the best kept',
  },
  {
    name: 'init',
    type: 'choice',
    choices: ['kmeans', 'random'],
    default: 'kmeans',
    kinds: ['gmm'],
    help: 'initial responsibilities: hard k-means labels, or random ones',
  },
  {
    name: 'means',
    type: 'table',
    placeholder: '<file>',
    help: 'a CSV/TSV/JSON table of k initial means, one row each (instead of k-means)',
  },
  {
    name: 'weightPrior',
    type: 'choice',
    choices: WEIGHT_PRIORS,
    default: 'dirichlet-process',
    kinds: ['bayesian-gmm'],
    help: 'the prior on the weights: stick-breaking (dirichlet-process) or one symmetric Dirichlet',
  },
  {
    name: 'weightConcentration',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    placeholder: '<c>',
    kinds: ['bayesian-gmm'],
    help: 'its concentration (default 1/k)',
  },
];
