/**
 * Variational Bayesian Gaussian mixtures, following scikit-learn's `BayesianGaussianMixture`: mean-field
 * coordinate ascent on q(z) q(pi) q(mu, Lambda) with a Dirichlet-distribution or (truncated stick-breaking)
 * Dirichlet-process prior on the weights and Normal-Wishart priors on the components. Components the data do not
 * need keep a vanishing expected weight: the prior prunes them.
 *
 * References: Bishop, "Pattern Recognition and Machine Learning" (2006), section 10.2; Blei & Jordan,
 * "Variational inference for Dirichlet process mixtures" (2006).
 */
import { Random } from '../../engine/random.js';
import { digamma, lbeta, lgamma } from './bayesian-special.js';
import {
  checkCovariancePriorForm,
  estimateWishart,
  logDetWishartCholesky,
  resolveCovariancePrior,
} from './wishart.js';
import {
  choleskyFactors,
  COVARIANCE_TYPES,
  componentLogProb,
  estimateCovariances,
  GaussianMixtureError,
  sampleComponents,
  type CovarianceType,
} from './covariance.js';
import { kmeansLabels, nearestCentre } from './kmeans.js';
import { toMatrix, type MatrixInput } from './gmm.js';

/**
 * The covariance structures of {@link BayesianGaussianMixture}, as in sklearn: 'full' (a Wishart per component),
 * 'tied' (one Wishart shared by all components), 'diag' (d precisions per component) or 'spherical' (one).
 */
export type BayesianCovarianceType = CovarianceType;

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
  /**
   * W_0^-1: a symmetric positive-definite d x d matrix ('full', 'tied'), d variances ('diag') or one variance
   * ('spherical'). Default the data covariance (ddof 1), its diagonal, or the mean of its diagonal.
   */
  covariancePrior?: number[][] | number[] | number;
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

/** What {@link BayesianFitOptions.onIteration} receives. */
export interface BayesianIterationInfo {
  /** The initialisation run (always 0: there is one). */
  run: number;
  /** 0 after the initial M-step, then t after the M-step of iteration t. */
  iteration: number;
  /** The lower bound of this iteration (sklearn's, the total over the points); NaN at iteration 0. */
  lowerBound: number;
  /**
   * The model, whose parameters are those of this iteration. Every M-step stores new arrays and never writes to
   * them afterwards, so the callback may keep `weights`, `means`, `covariances` and `factors` without copying them,
   * or the whole model by {@link BayesianGaussianMixture.snapshot}.
   */
  model: BayesianGaussianMixture;
}

/** Options of {@link BayesianGaussianMixture.fit}. */
export interface BayesianFitOptions {
  /** Called after every M-step (the initial one included), e.g. to record or draw the fit as it goes. */
  onIteration?: (info: BayesianIterationInfo) => void;
}

function fail(message: string): never {
  throw new GaussianMixtureError(`BayesianGaussianMixture: ${message}`);
}

/**
 * A variational Bayesian mixture of k Gaussians (sklearn's `BayesianGaussianMixture`): same updates, lower bound,
 * stopping rule and predictive quantities. `weights`, `means` and `covariances` are the expectations under q.
 * All four covariance types of {@link GaussianMixture} are supported, with the same array layouts.
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
  /** nu_j, the Wishart degrees of freedom (k; for 'tied' the shared nu repeated k times). */
  degreesOfFreedom: Float64Array = new Float64Array(0);
  /** Expected weights E[pi_j] (k). */
  weights: Float64Array = new Float64Array(0);
  /** m_j, the means of q(mu_j) (k x d). */
  means: Float64Array = new Float64Array(0);
  /** W_j^-1 / nu_j as sklearn's covariances_: k*d*d ('full'), d*d ('tied'), k*d ('diag') or k ('spherical'). */
  covariances: Float64Array = new Float64Array(0);
  /** Cholesky factors of `covariances` (standard deviations for 'diag' and 'spherical'). */
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
    if (!COVARIANCE_TYPES.includes(covarianceType))
      fail(
        `option 'covarianceType' must be one of ${COVARIANCE_TYPES.join(', ')}, got '${String(covarianceType)}'`,
      );
    checkCovariancePriorForm(covarianceType, options.covariancePrior);
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

  /**
   * Coordinate ascent from the initial responsibilities until the bound changes by less than `tol`, calling
   * `onIteration` after every M-step.
   *
   * @example
   * const bounds: number[] = [];
   * bgm.fit(points, { onIteration: ({ lowerBound }) => bounds.push(lowerBound) });
   */
  fit(x: MatrixInput, { onIteration }: BayesianFitOptions = {}): this {
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
    this.nIter = 0;
    onIteration?.({ run: 0, iteration: 0, lowerBound: NaN, model: this });
    let bound = -Infinity;
    for (let iter = 1; iter <= this.maxIter; iter++) {
      const logResp = this.logResponsibilities(m);
      this.mStep(m, logResp.map(Math.exp));
      const previous = bound;
      bound = this.lowerBound(logResp);
      this.lowerBounds.push(bound);
      this.nIter = iter;
      this.converged = Math.abs(bound - previous) < this.tol;
      onIteration?.({ run: 0, iteration: iter, lowerBound: bound, model: this });
      if (this.converged) break;
    }
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
    const covariance = resolveCovariancePrior(this.covarianceType, o.covariancePrior, data, n, d, mean);
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
    const wishart = estimateWishart(this.covarianceType, nk, xk, sk, p, this.meanPrecision, d);
    this.degreesOfFreedom = wishart.degreesOfFreedom;
    this.covariances = wishart.covariances;
    this.factors = choleskyFactors(this.covarianceType, this.covariances, k, d);
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
   * - log C(weights) - d/2 sum_j log beta_j ('tied' counts its one Wishart k times, as sklearn does).
   */
  private lowerBound(logResp: Float64Array): number {
    const d = this.d;
    let entropy = 0;
    logResp.forEach((v) => (entropy -= v === -Infinity ? 0 : Math.exp(v) * v));
    let logWishart = 0;
    for (let j = 0; j < this.k; j++) {
      const nu = this.degreesOfFreedom[j];
      const logDet = logDetWishartCholesky(this.covarianceType, this.factors, nu, j, d);
      let norm = nu * logDet + 0.5 * nu * d * Math.LN2;
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

  /**
   * The model as it is now, to keep: a copy that shares the parameter arrays, which is safe because every M-step
   * stores new arrays and never writes into the old ones. A fit's `onIteration` can keep each iteration's snapshot
   * and ask it later for what that iteration's q gives (`predictProba`, `activeComponents`), as the studio does to
   * show the prior pruning components one iteration at a time.
   *
   * @example
   * const steps: BayesianGaussianMixture[] = [];
   * bgm.fit(points, { onIteration: ({ model }) => steps.push(model.snapshot()) });
   * steps.map((s) => s.activeComponents.length); // the components still in use at each iteration
   */
  snapshot(): BayesianGaussianMixture {
    const copy = Object.assign(
      Object.create(BayesianGaussianMixture.prototype) as BayesianGaussianMixture,
      this,
    );
    copy.lowerBounds = this.lowerBounds.slice();
    return copy;
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

  /**
   * Draw n points from the fitted mixture with the expected parameters (sklearn's `sample`): z ~ Categorical(
   * weights), x = m_z + L_z eps with L_z L_z^T = covariances_z and eps ~ N(0, I). Returns the points and their z.
   *
   * @example
   * const { data, labels } = bgm.sample(1000, 7);
   */
  sample(
    n: number,
    { seed = 0, temperature = 1 }: { seed?: number; temperature?: number } = {},
  ): { data: Float64Array; n: number; d: number; labels: Int32Array } {
    if (!Number.isInteger(n) || n < 1) fail(`argument 'n' must be an integer >= 1, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature)))
      fail(`option 'temperature' must be a positive number, got ${temperature}`);
    this.checkFitted();
    return sampleComponents(this.covarianceType, this.weights, this.means, this.factors, this.d, n, {
      seed,
      temperature,
    });
  }

  private checkFitted(x?: MatrixInput): { data: Float64Array; n: number; d: number } {
    if (this.factors.length === 0) fail('the model is not fitted yet: call fit(x) first');
    if (x === undefined) return { data: new Float64Array(0), n: 0, d: this.d };
    const m = toMatrix(x);
    if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as in fit), got ${m.d}`);
    return m;
  }
}
