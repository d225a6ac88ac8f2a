/**
 * Gaussian mixtures fitted by expectation-maximisation, in float64 plain JavaScript, following scikit-learn's
 * `GaussianMixture`. EM is variational inference with an exact posterior: the E-step sets q(z_i) = p(z_i | x_i),
 * which closes the gap between the evidence lower bound and log p(x); the M-step raises the bound in the parameters.
 *
 * References: Dempster, Laird & Rubin, "Maximum Likelihood from Incomplete Data via the EM Algorithm" (1977);
 * Neal & Hinton, "A view of the EM algorithm that justifies incremental, sparse, and other variants" (1998).
 */
import { Random } from '../engine/random.js';
import {
  choleskyFactors,
  COVARIANCE_TYPES,
  componentFactor,
  componentLogProb,
  covarianceParameterCount,
  estimateCovariances,
  GaussianMixtureError,
  type CovarianceType,
} from './gmm-covariance.js';
import { kmeansLabels, nearestCentre } from './gmm-kmeans.js';
import {
  batchStatistics,
  blendStatistics,
  checkStepSize,
  copyStatistics,
  onlineStepSize,
  statisticsMStep,
  type MixtureStatistics,
} from './gmm-online.js';

export { GaussianMixtureError, COVARIANCE_TYPES } from './gmm-covariance.js';
export type { CovarianceType } from './gmm-covariance.js';

/** An n x d data set: a flat row-major float64 array with its shape, or an array of rows. */
export type MatrixInput = { data: Float64Array; n: number; d: number } | number[][];

/** Options of {@link GaussianMixture}; the defaults are scikit-learn's. */
export interface GaussianMixtureOptions {
  covarianceType?: CovarianceType;
  /** Stop when the mean log-likelihood changes by less than this. Default 1e-3. */
  tol?: number;
  /** Added to the covariance diagonals to keep them positive definite. Default 1e-6. */
  regCovar?: number;
  maxIter?: number;
  /** Runs from different initialisations; the one with the highest final bound is kept. Default 1. */
  nInit?: number;
  /** 'kmeans' (hard k-means labels), 'random' (random responsibilities) or given means (nearest-mean labels). */
  init?: 'kmeans' | 'random' | { means: number[][] };
  seed?: number;
  /** Online EM ({@link GaussianMixture.partialFit}): step sizes gamma_t = (t + 2)^-stepDecay. Default 0.6. */
  stepDecay?: number;
}

/** Options of {@link GaussianMixture.partialFit}. */
export interface PartialFitOptions {
  /** Use this step size gamma in (0, 1] for this minibatch instead of the schedule (t + 2)^-stepDecay. */
  stepSize?: number;
}

/** The result of an E-step: log r_ij = log p(z_i = j | x_i) (n x k) and log p(x_i) (n). */
export interface EStep {
  logResp: Float64Array;
  logProbNorm: Float64Array;
}

const EPS = 2.220446049250313e-16;

function fail(message: string): never {
  throw new GaussianMixtureError(`GaussianMixture: ${message}`);
}

/** Validate and flatten an n x d input. */
export function toMatrix(x: MatrixInput, name = 'x'): { data: Float64Array; n: number; d: number } {
  let data: Float64Array;
  let n: number;
  let d: number;
  if (Array.isArray(x)) {
    n = x.length;
    d = n > 0 ? x[0].length : 0;
    data = new Float64Array(n * d);
    x.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d)
        fail(`argument '${name}' must be rectangular: row ${i} has ${row?.length} entries, row 0 has ${d}`);
      data.set(row, i * d);
    });
  } else {
    ({ data, n, d } = x);
    if (!Number.isInteger(n) || !Number.isInteger(d) || data.length !== n * d)
      fail(`argument '${name}' has data of length ${data.length}, which is not n * d = ${n} * ${d}`);
  }
  if (n < 1 || d < 1) fail(`argument '${name}' must have at least one row and one column, got ${n} x ${d}`);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    fail(`argument '${name}' must be finite: entry [${Math.floor(bad / d)}][${bad % d}] is ${data[bad]}`);
  return { data, n, d };
}

function logSumExpRows(a: Float64Array, n: number, k: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, a[i * k + j]);
    if (max === -Infinity) return -Infinity;
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(a[i * k + j] - max);
    return max + Math.log(s);
  });
}

function hardResponsibilities(labels: Int32Array, k: number): Float64Array {
  const resp = new Float64Array(labels.length * k);
  labels.forEach((j, i) => (resp[i * k + j] = 1));
  return resp;
}

/**
 * A mixture of k Gaussians p(x) = sum_j pi_j N(x | mu_j, Sigma_j), fitted by EM as scikit-learn's
 * `GaussianMixture` (same updates, stopping rule, lower bound and BIC/AIC).
 *
 * @example
 * const gmm = new GaussianMixture(3, { covarianceType: 'full', seed: 1 }).fit(points);
 * gmm.predict(points); // Int32Array of component indices
 * gmm.bic(points);
 */
export class GaussianMixture {
  readonly covarianceType: CovarianceType;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly init: 'kmeans' | 'random' | { means: number[][] };
  readonly seed: number;
  readonly stepDecay: number;
  /** Mixing weights pi (k). */
  weights: Float64Array = new Float64Array(0);
  /** Component means (k x d, row-major). */
  means: Float64Array = new Float64Array(0);
  /** Covariances in sklearn's layout: k*d*d ('full'), d*d ('tied'), k*d ('diag') or k ('spherical'). */
  covariances: Float64Array = new Float64Array(0);
  /** Cholesky factors of the covariances (lower L with L L^T = Sigma; standard deviations for diag/spherical). */
  factors: Float64Array = new Float64Array(0);
  /** Dimension of the data, known after fitting. */
  d = 0;
  /** Mean log-likelihood at each iteration of the kept run (sklearn's lower_bound_ history). */
  lowerBounds: number[] = [];
  converged = false;
  nIter = 0;
  /** Minibatches seen by {@link GaussianMixture.partialFit} since its statistics were (re)started. */
  nBatchesSeen = 0;
  /** Running averages of the sufficient statistics of online EM, and the factors they produced. */
  private onlineStats: MixtureStatistics | undefined;
  private onlineFactors: Float64Array | undefined;

  constructor(
    readonly k: number,
    {
      covarianceType = 'full',
      tol = 1e-3,
      regCovar = 1e-6,
      maxIter = 100,
      nInit = 1,
      init = 'kmeans',
      seed = 0,
      stepDecay = 0.6,
    }: GaussianMixtureOptions = {},
  ) {
    if (!Number.isInteger(k) || k < 1) fail(`argument 'k' must be an integer >= 1, got ${k}`);
    if (!COVARIANCE_TYPES.includes(covarianceType))
      fail(
        `option 'covarianceType' must be one of ${COVARIANCE_TYPES.join(', ')}, got '${String(covarianceType)}'`,
      );
    if (!(tol >= 0)) fail(`option 'tol' must be >= 0, got ${tol}`);
    if (!(regCovar >= 0)) fail(`option 'regCovar' must be >= 0, got ${regCovar}`);
    if (!Number.isInteger(maxIter) || maxIter < 1)
      fail(`option 'maxIter' must be an integer >= 1, got ${maxIter}`);
    if (!Number.isInteger(nInit) || nInit < 1) fail(`option 'nInit' must be an integer >= 1, got ${nInit}`);
    if (typeof init === 'object') {
      if (init.means.length !== k)
        fail(`option 'init.means' must have k = ${k} rows, got ${init.means.length}`);
    } else if (init !== 'kmeans' && init !== 'random')
      fail(`option 'init' must be 'kmeans', 'random' or { means }, got '${String(init)}'`);
    this.covarianceType = covarianceType;
    this.tol = tol;
    this.regCovar = regCovar;
    this.maxIter = maxIter;
    this.nInit = nInit;
    this.init = init;
    this.seed = seed;
    if (!(stepDecay > 0.5 && stepDecay <= 1))
      fail(`option 'stepDecay' must be in (0.5, 1], got ${stepDecay}`);
    this.stepDecay = stepDecay;
  }

  /**
   * One step of online EM (Cappé & Moulines 2009) on a minibatch: E-step with the current parameters, running
   * averages of the sufficient statistics s <- (1 - gamma_t) s + gamma_t s_batch with gamma_t = (t + 2)^-stepDecay
   * (t = minibatches seen before this one), then the M-step from s (plus regCovar on the diagonals).
   * The first call on an unfitted model initialises it from the batch with the configured `init` (and seed), then
   * starts s from that batch; on a model fitted by `fit`, the first call starts s from the fitted parameters.
   *
   * @example
   * const gmm = new GaussianMixture(3, { seed: 1 });
   * for (const batch of batches) gmm.partialFit(batch);
   * gmm.score(heldOut);
   */
  partialFit(x: MatrixInput, { stepSize }: PartialFitOptions = {}): this {
    const m = toMatrix(x);
    if (stepSize !== undefined) checkStepSize(stepSize, 'stepSize');
    if (this.factors.length === 0) {
      if (m.n < this.k)
        fail(`argument 'x' must have at least k = ${this.k} rows in the first batch, got ${m.n}`);
      this.mStep(m, Float64Array.from(this.initialResponsibilities(m, new Random(this.seed)), Math.log));
      if (typeof this.init === 'object') this.means = toMatrix(this.init.means, 'init.means').data;
    } else if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as before), got ${m.d}`);
    // Statistics from another fit (or none yet): restart the running average from this batch.
    if (this.onlineFactors !== this.factors) {
      this.onlineStats = undefined;
      this.nBatchesSeen = 0;
    }
    const resp = this.eStep(m).logResp.map(Math.exp);
    const batch = batchStatistics(this.covarianceType, m.data, resp, m.n, m.d, this.k);
    const stats =
      this.onlineStats === undefined
        ? batch
        : blendStatistics(
            copyStatistics(this.onlineStats),
            batch,
            stepSize ?? onlineStepSize(this.nBatchesSeen, this.stepDecay),
          );
    const params = statisticsMStep(this.covarianceType, stats, m.d, this.regCovar);
    Object.assign(this, params);
    this.onlineStats = stats;
    this.onlineFactors = params.factors;
    this.nBatchesSeen += 1;
    return this;
  }

  /** Fit by EM from `nInit` initialisations, keeping the run with the highest final lower bound. */
  fit(x: MatrixInput): this {
    const m = toMatrix(x);
    if (m.n < this.k) fail(`argument 'x' must have at least k = ${this.k} rows, got ${m.n}`);
    this.d = m.d;
    const random = new Random(this.seed);
    let best: Pick<
      this,
      'weights' | 'means' | 'covariances' | 'factors' | 'lowerBounds' | 'converged' | 'nIter'
    >;
    let bestBound = -Infinity;
    for (let run = 0; run < this.nInit; run++) {
      this.mStep(m, Float64Array.from(this.initialResponsibilities(m, random), Math.log));
      if (typeof this.init === 'object') this.means = toMatrix(this.init.means, 'init.means').data;
      const bounds: number[] = [];
      let converged = false;
      let bound = -Infinity;
      for (let iter = 1; iter <= this.maxIter; iter++) {
        const { logResp, logProbNorm } = this.eStep(m);
        this.mStep(m, logResp);
        const previous = bound;
        bound = logProbNorm.reduce((s, v) => s + v, 0) / m.n;
        bounds.push(bound);
        if (Math.abs(bound - previous) < this.tol) {
          converged = true;
          break;
        }
      }
      if (run === 0 || bound > bestBound) {
        bestBound = bound;
        const { weights, means, covariances, factors } = this;
        best = { weights, means, covariances, factors, lowerBounds: bounds, converged, nIter: bounds.length };
      }
    }
    Object.assign(this, best!);
    return this;
  }

  private initialResponsibilities(
    m: { data: Float64Array; n: number; d: number },
    random: Random,
  ): Float64Array {
    const { data, n, d } = m;
    if (this.init === 'random') {
      const resp = Float64Array.from({ length: n * this.k }, () => random.next());
      for (let i = 0; i < n; i++) {
        const row = resp.subarray(i * this.k, (i + 1) * this.k);
        const s = row.reduce((a, v) => a + v, 0);
        row.forEach((v, j) => (row[j] = v / s));
      }
      return resp;
    }
    if (this.init === 'kmeans') return hardResponsibilities(kmeansLabels(data, n, d, this.k, random), this.k);
    const means = toMatrix(this.init.means, 'init.means');
    if (means.d !== d)
      fail(`option 'init.means' must have d = ${d} columns (the width of x), got ${means.d}`);
    return hardResponsibilities(nearestCentre(data, n, d, means.data), this.k);
  }

  /** log pi_j + log N(x_i | mu_j, Sigma_j) for every point and component (n x k). */
  weightedLogProb(x: MatrixInput): Float64Array {
    const { data, n, d } = this.checkFitted(x);
    const out = componentLogProb(this.covarianceType, this.factors, data, this.means, n, d, this.k);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < this.k; j++) out[i * this.k + j] += Math.log(this.weights[j]);
    return out;
  }

  /** E-step: the exact posterior log r_ij = log pi_j N(x_i | j) - log p(x_i), and log p(x_i) by log-sum-exp. */
  eStep(x: MatrixInput): EStep {
    const m = toMatrix(x);
    const weighted = this.weightedLogProb(m);
    const logProbNorm = logSumExpRows(weighted, m.n, this.k);
    const logResp = weighted.map((v, e) => v - logProbNorm[Math.floor(e / this.k)]);
    return { logResp, logProbNorm };
  }

  /**
   * M-step: N_j = sum_i r_ij, pi_j = N_j / n, mu_j = sum_i r_ij x_i / N_j and the covariances of `covarianceType`
   * (sklearn adds 10 eps to N_j so that empty components stay finite). Throws if a covariance collapses.
   */
  mStep(x: MatrixInput, logResp: Float64Array): this {
    const { data, n, d } = toMatrix(x);
    const k = this.k;
    if (logResp.length !== n * k)
      fail(`argument 'logResp' must have n * k = ${n * k} entries, got ${logResp.length}`);
    const resp = logResp.map(Math.exp);
    const nk = new Float64Array(k).fill(10 * EPS);
    const means = new Float64Array(k * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        nk[j] += resp[i * k + j];
        for (let a = 0; a < d; a++) means[j * d + a] += resp[i * k + j] * data[i * d + a];
      }
    means.forEach((v, e) => (means[e] = v / nk[Math.floor(e / d)]));
    const total = nk.reduce((s, v) => s + v, 0);
    this.d = d;
    this.weights = nk.map((v) => v / total);
    this.means = means;
    this.covariances = estimateCovariances(this.covarianceType, data, resp, nk, means, n, d, this.regCovar);
    this.factors = choleskyFactors(this.covarianceType, this.covariances, k, d);
    return this;
  }

  /** log p(x_i) for every point. */
  scoreSamples(x: MatrixInput): Float64Array {
    return this.eStep(x).logProbNorm;
  }

  /** Mean log-likelihood (1/n) sum_i log p(x_i). */
  score(x: MatrixInput): number {
    const s = this.scoreSamples(x);
    return s.reduce((a, v) => a + v, 0) / s.length;
  }

  /** Posterior responsibilities p(z_i = j | x_i) (n x k). */
  predictProba(x: MatrixInput): Float64Array {
    return this.eStep(x).logResp.map(Math.exp);
  }

  /** The most probable component of every point. */
  predict(x: MatrixInput): Int32Array {
    const w = this.weightedLogProb(x);
    return Int32Array.from({ length: w.length / this.k }, (_, i) => {
      let best = 0;
      for (let j = 1; j < this.k; j++) if (w[i * this.k + j] > w[i * this.k + best]) best = j;
      return best;
    });
  }

  /** Draw n points: z ~ Categorical(pi), x = mu_z + L_z eps with eps ~ N(0, I). Returns the points and their z. */
  sample(n: number, seed = 0): { data: Float64Array; n: number; d: number; labels: Int32Array } {
    if (!Number.isInteger(n) || n < 1) fail(`argument 'n' must be an integer >= 1, got ${n}`);
    this.checkFitted();
    const { d, k } = this;
    const random = new Random(seed);
    const factors = Array.from({ length: k }, (_, j) =>
      componentFactor(this.covarianceType, this.factors, j, d),
    );
    const data = new Float64Array(n * d);
    const labels = new Int32Array(n);
    const eps = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      let u = random.next();
      let j = 0;
      while (j < k - 1 && u >= this.weights[j]) u -= this.weights[j++];
      labels[i] = j;
      eps.forEach((_, a) => (eps[a] = random.normal()));
      for (let a = 0; a < d; a++) {
        let s = this.means[j * d + a];
        for (let b = 0; b <= a; b++) s += factors[j][a * d + b] * eps[b];
        data[i * d + a] = s;
      }
    }
    return { data, n, d, labels };
  }

  /** Free parameters: covariances + k d means + (k - 1) weights (sklearn's `_n_parameters`). */
  nParameters(): number {
    return covarianceParameterCount(this.covarianceType, this.k, this.d) + this.k * this.d + this.k - 1;
  }

  /** Bayesian information criterion -2 log L + p log n (lower is better). */
  bic(x: MatrixInput): number {
    const m = toMatrix(x);
    return -2 * this.score(m) * m.n + this.nParameters() * Math.log(m.n);
  }

  /** Akaike information criterion -2 log L + 2 p (lower is better). */
  aic(x: MatrixInput): number {
    const m = toMatrix(x);
    return -2 * this.score(m) * m.n + 2 * this.nParameters();
  }

  private checkFitted(x?: MatrixInput): { data: Float64Array; n: number; d: number } {
    if (this.factors.length === 0) fail('the model is not fitted yet: call fit(x) first');
    if (x === undefined) return { data: new Float64Array(0), n: 0, d: this.d };
    const m = toMatrix(x);
    if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as in fit), got ${m.d}`);
    return m;
  }
}
