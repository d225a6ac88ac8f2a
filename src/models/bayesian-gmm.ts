/**
 * Variational Bayesian Gaussian mixtures, following scikit-learn's `BayesianGaussianMixture`: mean-field
 * coordinate ascent on q(z) q(pi) q(mu, Lambda) with a Dirichlet-distribution or (truncated stick-breaking)
 * Dirichlet-process prior on the weights and Normal-Wishart priors on the components. Components the data do not
 * need keep a vanishing expected weight: the prior prunes them.
 *
 * References: Bishop, "Pattern Recognition and Machine Learning" (2006), section 10.2; Blei & Jordan,
 * "Variational inference for Dirichlet process mixtures" (2006).
 */
import { Random } from '../engine/random.js';
import { digamma, lbeta, lgamma } from './bayesian-gmm-special.js';
import {
  choleskyFactors,
  componentLogProb,
  estimateCovariances,
  GaussianMixtureError,
} from './gmm-covariance.js';
import { kmeansLabels, nearestCentre } from './gmm-kmeans.js';
import { toMatrix, type MatrixInput } from './gmm.js';

/** The covariance structures of {@link BayesianGaussianMixture}. */
export type BayesianCovarianceType = 'full' | 'diag';

/** The prior on the weights: stick-breaking Beta(1, gamma) sticks, or one symmetric Dirichlet. */
export type WeightConcentrationPriorType = 'dirichlet_process' | 'dirichlet_distribution';

/** Options of {@link BayesianGaussianMixture}; the defaults are scikit-learn's. */
export interface BayesianGaussianMixtureOptions {
  covarianceType?: BayesianCovarianceType;
  weightConcentrationPriorType?: WeightConcentrationPriorType;
  /** gamma (dirichlet_process) or alpha_0 (dirichlet_distribution). Default 1 / k. */
  weightConcentrationPrior?: number;
  /** beta_0, the precision of the prior on the means. Default 1. */
  meanPrecisionPrior?: number;
  /** m_0. Default the data mean. */
  meanPrior?: number[];
  /** nu_0 (> d - 1). Default d. */
  degreesOfFreedomPrior?: number;
  /** W_0^-1: a d x d matrix ('full') or d variances ('diag'). Default the data covariance (ddof 1). */
  covariancePrior?: number[][] | number[];
  /** Stop when the lower bound changes by less than this. Default 1e-3. */
  tol?: number;
  /** Added to the diagonals of the data covariances. Default 1e-6. */
  regCovar?: number;
  maxIter?: number;
  /** 'kmeans' (hard k-means labels) or given means (hard nearest-mean labels) for the first M-step. */
  init?: 'kmeans' | { means: number[][] };
  seed?: number;
  /** Components whose expected weight is at most this are reported as pruned. Default 0.01. */
  pruneThreshold?: number;
}

function fail(message: string): never {
  throw new GaussianMixtureError(`BayesianGaussianMixture: ${message}`);
}

/**
 * A variational Bayesian mixture of k Gaussians (sklearn's `BayesianGaussianMixture`): same updates, lower bound,
 * stopping rule and predictive quantities. `weights`, `means` and `covariances` are the expectations under q.
 *
 * @example
 * const bgm = new BayesianGaussianMixture(8, { seed: 1 }).fit(points);
 * bgm.activeComponents; // indices of the components with expected weight > 0.01
 * bgm.predict(points);
 */
export class BayesianGaussianMixture {
  readonly covarianceType: BayesianCovarianceType;
  readonly weightConcentrationPriorType: WeightConcentrationPriorType;
  readonly options: BayesianGaussianMixtureOptions;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly pruneThreshold: number;
  /** The resolved priors (known after fitting): gamma or alpha_0, beta_0, m_0, nu_0, W_0^-1. */
  priors = {
    weightConcentration: 0,
    meanPrecision: 0,
    mean: new Float64Array(0) as Float64Array,
    degreesOfFreedom: 0,
    covariance: new Float64Array(0) as Float64Array,
  };
  /** Dirichlet alpha_j, or the Beta parameters (a_j, b_j) of the sticks ([0] and [1]). */
  weightConcentration: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];
  /** beta_j, the precision scale of q(mu_j). */
  meanPrecision: Float64Array = new Float64Array(0);
  /** nu_j, the Wishart degrees of freedom. */
  degreesOfFreedom: Float64Array = new Float64Array(0);
  /** Expected weights E[pi_j] (k). */
  weights: Float64Array = new Float64Array(0);
  /** m_j, the means of q(mu_j) (k x d). */
  means: Float64Array = new Float64Array(0);
  /** W_j^-1 / nu_j: k*d*d ('full') or k*d ('diag'), as sklearn's covariances_. */
  covariances: Float64Array = new Float64Array(0);
  /** Cholesky factors of `covariances` (standard deviations for 'diag'). */
  factors: Float64Array = new Float64Array(0);
  d = 0;
  /** The evidence lower bound (sklearn's, up to a constant) after every iteration. */
  lowerBounds: number[] = [];
  converged = false;
  nIter = 0;

  constructor(
    readonly k: number,
    options: BayesianGaussianMixtureOptions = {},
  ) {
    const {
      covarianceType = 'full',
      weightConcentrationPriorType = 'dirichlet_process',
      tol = 1e-3,
      regCovar = 1e-6,
      maxIter = 100,
      pruneThreshold = 0.01,
    } = options;
    if (!Number.isInteger(k) || k < 1) fail(`argument 'k' must be an integer >= 1, got ${k}`);
    if (covarianceType !== 'full' && covarianceType !== 'diag')
      fail(`option 'covarianceType' must be 'full' or 'diag', got '${String(covarianceType)}'`);
    if (
      weightConcentrationPriorType !== 'dirichlet_process' &&
      weightConcentrationPriorType !== 'dirichlet_distribution'
    )
      fail(
        `option 'weightConcentrationPriorType' must be 'dirichlet_process' or 'dirichlet_distribution', ` +
          `got '${String(weightConcentrationPriorType)}'`,
      );
    for (const name of ['weightConcentrationPrior', 'meanPrecisionPrior'] as const) {
      const v = options[name];
      if (v !== undefined && !(v > 0)) fail(`option '${name}' must be > 0, got ${v}`);
    }
    if (!(tol >= 0)) fail(`option 'tol' must be >= 0, got ${tol}`);
    if (!(regCovar >= 0)) fail(`option 'regCovar' must be >= 0, got ${regCovar}`);
    if (!Number.isInteger(maxIter) || maxIter < 1)
      fail(`option 'maxIter' must be an integer >= 1, got ${maxIter}`);
    const init = options.init ?? 'kmeans';
    if (typeof init === 'object') {
      if (init.means.length !== k)
        fail(`option 'init.means' must have k = ${k} rows, got ${init.means.length}`);
    } else if (init !== 'kmeans') fail(`option 'init' must be 'kmeans' or { means }, got '${String(init)}'`);
    this.covarianceType = covarianceType;
    this.weightConcentrationPriorType = weightConcentrationPriorType;
    this.options = options;
    this.tol = tol;
    this.regCovar = regCovar;
    this.maxIter = maxIter;
    this.pruneThreshold = pruneThreshold;
  }

  /** Coordinate ascent from the initial responsibilities until the bound changes by less than `tol`. */
  fit(x: MatrixInput): this {
    const m = toMatrix(x);
    const { data, n, d } = m;
    const k = this.k;
    if (n < k) fail(`argument 'x' must have at least k = ${k} rows, got ${n}`);
    this.d = d;
    this.resolvePriors(m);
    const init = this.options.init ?? 'kmeans';
    let labels: Int32Array;
    if (init === 'kmeans') labels = kmeansLabels(data, n, d, k, new Random(this.options.seed ?? 0));
    else {
      const means = toMatrix(init.means, 'init.means');
      if (means.d !== d)
        fail(`option 'init.means' must have d = ${d} columns (the width of x), got ${means.d}`);
      labels = nearestCentre(data, n, d, means.data);
    }
    const resp = new Float64Array(n * k);
    labels.forEach((j, i) => (resp[i * k + j] = 1));
    this.mStep(m, resp);
    this.lowerBounds = [];
    this.converged = false;
    let bound = -Infinity;
    for (let iter = 1; iter <= this.maxIter; iter++) {
      const logResp = this.logResponsibilities(m);
      this.mStep(m, logResp.map(Math.exp));
      const previous = bound;
      bound = this.lowerBound(logResp);
      this.lowerBounds.push(bound);
      if (Math.abs(bound - previous) < this.tol) {
        this.converged = true;
        break;
      }
    }
    this.nIter = this.lowerBounds.length;
    return this;
  }

  private resolvePriors({ data, n, d }: { data: Float64Array; n: number; d: number }): void {
    const o = this.options;
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] += data[i * d + a] / n;
    let meanPrior = mean;
    if (o.meanPrior !== undefined) {
      if (o.meanPrior.length !== d)
        fail(`option 'meanPrior' must have d = ${d} entries, got ${o.meanPrior.length}`);
      meanPrior = Float64Array.from(o.meanPrior);
    }
    const dof = o.degreesOfFreedomPrior ?? d;
    if (!(dof > d - 1)) fail(`option 'degreesOfFreedomPrior' must be > d - 1 = ${d - 1}, got ${dof}`);
    let covariance: Float64Array;
    const full = this.covarianceType === 'full';
    if (o.covariancePrior !== undefined) {
      covariance = Float64Array.from(o.covariancePrior.flat());
      if (covariance.length !== (full ? d * d : d))
        fail(`option 'covariancePrior' must be ${full ? `a ${d} x ${d} matrix` : `${d} variances`}`);
    } else {
      const cov = new Float64Array(d * d);
      for (let i = 0; i < n; i++)
        for (let a = 0; a < d; a++)
          for (let b = 0; b < d; b++)
            cov[a * d + b] += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
      cov.forEach((v, e) => (cov[e] = v / (n - 1)));
      covariance = full ? cov : Float64Array.from({ length: d }, (_, a) => cov[a * d + a]);
    }
    this.priors = {
      weightConcentration: o.weightConcentrationPrior ?? 1 / this.k,
      meanPrecision: o.meanPrecisionPrior ?? 1,
      mean: meanPrior,
      degreesOfFreedom: dof,
      covariance,
    };
  }

  /** The variational M-step: update q(pi), q(mu_j, Lambda_j) from responsibilities r (n x k). */
  private mStep({ data, n, d }: { data: Float64Array; n: number; d: number }, resp: Float64Array): void {
    const k = this.k;
    const p = this.priors;
    const nk = new Float64Array(k).fill(10 * Number.EPSILON);
    const xk = new Float64Array(k * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        nk[j] += resp[i * k + j];
        for (let a = 0; a < d; a++) xk[j * d + a] += resp[i * k + j] * data[i * d + a];
      }
    xk.forEach((v, e) => (xk[e] = v / nk[Math.floor(e / d)]));
    const sk = estimateCovariances(this.covarianceType, data, resp, nk, xk, n, d, this.regCovar);
    if (this.weightConcentrationPriorType === 'dirichlet_process') {
      const b = new Float64Array(k);
      for (let j = k - 2; j >= 0; j--) b[j] = b[j + 1] + nk[j + 1];
      this.weightConcentration = [nk.map((v) => 1 + v), b.map((v) => v + p.weightConcentration)];
    } else this.weightConcentration = [nk.map((v) => v + p.weightConcentration), new Float64Array(0)];
    this.meanPrecision = nk.map((v) => p.meanPrecision + v);
    this.means = xk.map((v, e) => {
      const j = Math.floor(e / d);
      return (p.meanPrecision * p.mean[e % d] + nk[j] * v) / this.meanPrecision[j];
    });
    this.degreesOfFreedom = nk.map((v) => p.degreesOfFreedom + v);
    const full = this.covarianceType === 'full';
    const size = full ? d * d : d;
    const cov = new Float64Array(k * size);
    for (let j = 0; j < k; j++) {
      const shrink = (nk[j] * p.meanPrecision) / this.meanPrecision[j];
      for (let a = 0; a < d; a++)
        for (let b = 0; b < (full ? d : 1); b++) {
          const e = full ? a * d + b : a;
          const bb = full ? b : a;
          const diff = (xk[j * d + a] - p.mean[a]) * (xk[j * d + bb] - p.mean[bb]);
          cov[j * size + e] =
            (p.covariance[e] + nk[j] * sk[j * size + e] + shrink * diff) / this.degreesOfFreedom[j];
        }
    }
    this.covariances = cov;
    this.factors = choleskyFactors(this.covarianceType, cov, k, d);
    this.weights = this.expectedWeights();
  }

  private expectedWeights(): Float64Array {
    const [a, b] = this.weightConcentration;
    if (this.weightConcentrationPriorType === 'dirichlet_distribution') {
      const s = a.reduce((t, v) => t + v, 0);
      return a.map((v) => v / s);
    }
    let stick = 1;
    const w = a.map((v, j) => {
      const out = (v / (v + b[j])) * stick;
      stick *= b[j] / (v + b[j]);
      return out;
    });
    const s = w.reduce((t, v) => t + v, 0);
    return w.map((v) => v / s);
  }

  /** E[log pi_j]: digamma differences of the Dirichlet, or of the Beta sticks summed along the stick. */
  private expectedLogWeights(): Float64Array {
    const [a, b] = this.weightConcentration;
    if (this.weightConcentrationPriorType === 'dirichlet_distribution') {
      const psiSum = digamma(a.reduce((t, v) => t + v, 0));
      return a.map((v) => digamma(v) - psiSum);
    }
    let rest = 0;
    return a.map((v, j) => {
      const psiSum = digamma(v + b[j]);
      const out = digamma(v) - psiSum + rest;
      rest += digamma(b[j]) - psiSum;
      return out;
    });
  }

  /** -sum_a log L_aa - d/2 log nu_j: the log-determinant of sklearn's Wishart precision Cholesky factor. */
  private logDetPrecisionCholesky(j: number): number {
    const d = this.d;
    let s = 0;
    for (let a = 0; a < d; a++)
      s -= Math.log(
        this.covarianceType === 'full' ? this.factors[j * d * d + a * d + a] : this.factors[j * d + a],
      );
    return s - 0.5 * d * Math.log(this.degreesOfFreedom[j]);
  }

  /**
   * E_q[log pi_j + log N(x_i | mu_j, Lambda_j^-1)] (n x k), sklearn's `_estimate_weighted_log_prob`:
   * log N(x | m_j, W_j^-1 / nu_j) - d/2 log nu_j + (E[log |Lambda_j|] - log |W_j| - d / beta_j) / 2 + E[log pi_j].
   */
  weightedLogProb(x: MatrixInput): Float64Array {
    const { data, n, d } = this.checkFitted(x);
    const k = this.k;
    const out = componentLogProb(this.covarianceType, this.factors, data, this.means, n, d, k);
    const logWeights = this.expectedLogWeights();
    const shift = Float64Array.from({ length: k }, (_, j) => {
      const nu = this.degreesOfFreedom[j];
      let logLambda = d * Math.LN2;
      for (let a = 0; a < d; a++) logLambda += digamma(0.5 * (nu - a));
      return -0.5 * d * Math.log(nu) + 0.5 * (logLambda - d / this.meanPrecision[j]) + logWeights[j];
    });
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] += shift[j];
    return out;
  }

  private logResponsibilities(x: MatrixInput): Float64Array {
    const w = this.weightedLogProb(x);
    const norm = this.scoreSamplesFrom(w);
    return w.map((v, e) => v - norm[Math.floor(e / this.k)]);
  }

  private scoreSamplesFrom(w: Float64Array): Float64Array {
    const k = this.k;
    return Float64Array.from({ length: w.length / k }, (_, i) => {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, w[i * k + j]);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(w[i * k + j] - max);
      return max + Math.log(s);
    });
  }

  /**
   * sklearn's `_compute_lower_bound`: the ELBO up to terms constant in q, -sum r log r - sum_j log B(W_j, nu_j)
   * - log C(weights) - d/2 sum_j log beta_j.
   */
  private lowerBound(logResp: Float64Array): number {
    const d = this.d;
    let entropy = 0;
    logResp.forEach((v) => (entropy -= v === -Infinity ? 0 : Math.exp(v) * v));
    let logWishart = 0;
    for (let j = 0; j < this.k; j++) {
      const nu = this.degreesOfFreedom[j];
      let norm = nu * this.logDetPrecisionCholesky(j) + 0.5 * nu * d * Math.LN2;
      for (let a = 0; a < d; a++) norm += lgamma(0.5 * (nu - a));
      logWishart -= norm;
    }
    const [a, b] = this.weightConcentration;
    let logNormWeight: number;
    if (this.weightConcentrationPriorType === 'dirichlet_process')
      logNormWeight = -a.reduce((t, v, j) => t + lbeta(v, b[j]), 0);
    else logNormWeight = lgamma(a.reduce((t, v) => t + v, 0)) - a.reduce((t, v) => t + lgamma(v), 0);
    const logBeta = this.meanPrecision.reduce((t, v) => t + Math.log(v), 0);
    return entropy - logWishart - logNormWeight - 0.5 * d * logBeta;
  }

  /** Indices of the components whose expected weight exceeds `pruneThreshold`. */
  get activeComponents(): number[] {
    return [...this.weights.keys()].filter((j) => this.weights[j] > this.pruneThreshold);
  }

  /** Indices of the components pruned by the prior (expected weight at most `pruneThreshold`). */
  get prunedComponents(): number[] {
    return [...this.weights.keys()].filter((j) => !(this.weights[j] > this.pruneThreshold));
  }

  /** log-sum-exp over j of {@link weightedLogProb} for every point (sklearn's `score_samples`). */
  scoreSamples(x: MatrixInput): Float64Array {
    return this.scoreSamplesFrom(this.weightedLogProb(x));
  }

  /** The mean of {@link scoreSamples}. */
  score(x: MatrixInput): number {
    const s = this.scoreSamples(x);
    return s.reduce((a, v) => a + v, 0) / s.length;
  }

  /** Variational responsibilities q(z_i = j) (n x k). */
  predictProba(x: MatrixInput): Float64Array {
    return this.logResponsibilities(x).map(Math.exp);
  }

  /** The component of highest responsibility for every point. */
  predict(x: MatrixInput): Int32Array {
    const w = this.weightedLogProb(x);
    const k = this.k;
    return Int32Array.from({ length: w.length / k }, (_, i) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (w[i * k + j] > w[i * k + best]) best = j;
      return best;
    });
  }

  private checkFitted(x: MatrixInput): { data: Float64Array; n: number; d: number } {
    if (this.factors.length === 0) fail('the model is not fitted yet: call fit(x) first');
    const m = toMatrix(x);
    if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as in fit), got ${m.d}`);
    return m;
  }
}
