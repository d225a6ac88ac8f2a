/**
 * Gaussian mixtures fitted by expectation-maximisation, in float64 plain JavaScript, following scikit-learn's
 * `GaussianMixture`. EM is variational inference with an exact posterior: the E-step sets q(z_i) = p(z_i | x_i),
 * which closes the gap between the evidence lower bound and log p(x); the M-step raises the bound in the parameters.
 *
 * References: Dempster, Laird & Rubin, "Maximum Likelihood from Incomplete Data via the EM Algorithm" (1977);
 * Neal & Hinton, "A view of the EM algorithm that justifies incremental, sparse, and other variants" (1998).
 */
import { Random } from '../../engine/random.js';
import {
  choleskyFactors,
  COVARIANCE_TYPES,
  componentLogProb,
  covarianceParameterCount,
  estimateCovariances,
  GaussianMixtureError,
  sampleComponents,
  NEGLIGIBLE_RESPONSIBILITY,
  type CovarianceType,
} from './covariance.js';
import { kmeansLabels, nearestCentre } from './kmeans.js';
import { weightedRowSums } from '../../linalg/weighted-sums.js';
import {
  batchStatistics,
  blendStatistics,
  checkStepSize,
  copyStatistics,
  onlineStepSize,
  statisticsMStep,
  type MixtureStatistics,
} from './online.js';

export { GaussianMixtureError, COVARIANCE_TYPES } from './covariance.js';
export type { CovarianceType } from './covariance.js';

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

/** What {@link MixtureFitOptions.onIteration} receives. */
export interface MixtureIterationInfo {
  /** The initialisation run, 0 to nInit - 1. */
  run: number;
  /** 0 after the initial M-step, then t after the M-step of iteration t. */
  iteration: number;
  /**
   * The mean log-likelihood (1/n) sum_i log p(x_i) of iteration t, computed in its E-step, i.e. with the parameters
   * of iteration t - 1 (sklearn's lower bound); NaN at iteration 0.
   */
  lowerBound: number;
  /**
   * The model, holding the parameters of this iteration, and `lowerBounds`, `nIter` and `converged` of this run so
   * far. Every M-step stores new arrays and never writes to them afterwards, so the callback may keep `weights`,
   * `means`, `covariances` and `factors` without copying them (but not `lowerBounds`, which grows).
   */
  model: GaussianMixture;
}

/** Options of {@link GaussianMixture.fit}. */
export interface MixtureFitOptions {
  /** Called after every M-step (the initial one included), e.g. to record or draw the fit as it goes. */
  onIteration?: (info: MixtureIterationInfo) => void;
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
  for (let e = 0; e < data.length; e++)
    if (!Number.isFinite(data[e]))
      fail(`argument '${name}' must be finite: entry [${Math.floor(e / d)}][${e % d}] is ${data[e]}`);
  return { data, n, d };
}

type Matrix = { data: Float64Array; n: number; d: number };

/**
 * Normalise the n x k weighted log-densities w_ij = log pi_j N(x_i | j) in place into the posterior, as logs
 * log r_ij = w_ij - log p(x_i) or (`asLogs` false) as r_ij themselves, and return log p(x_i) = log sum_j exp(w_ij)
 * (by log-sum-exp). Without logs, r_ij = exp(w_ij - max_j w_ij) / sum_j exp(...) reuses the sum's exponentials.
 */
function normaliseRows(w: Float64Array, n: number, k: number, asLogs: boolean): Float64Array {
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, w[row + j]);
    if (max === -Infinity) {
      norm[i] = -Infinity;
      for (let j = 0; j < k; j++) w[row + j] = NaN;
      continue;
    }
    let s = 0;
    for (let j = 0; j < k; j++) {
      // exp underflows to exactly 0 below -745.2: skip the call there.
      const e = w[row + j] - max < -746 ? 0 : Math.exp(w[row + j] - max);
      if (!asLogs) w[row + j] = e;
      s += e;
    }
    const total = max + Math.log(s);
    norm[i] = total;
    if (asLogs) for (let j = 0; j < k; j++) w[row + j] -= total;
    else for (let j = 0; j < k; j++) w[row + j] /= s;
  }
  return norm;
}

function expInPlace(a: Float64Array): Float64Array {
  for (let e = 0; e < a.length; e++) a[e] = Math.exp(a[e]);
  return a;
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let e = 0; e < a.length; e++) s += a[e];
  return s / a.length;
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
      this.maximise(m, this.initialResponsibilities(m, new Random(this.seed)));
      if (typeof this.init === 'object') this.means = toMatrix(this.init.means, 'init.means').data;
    } else if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as before), got ${m.d}`);
    // Statistics from another fit (or none yet): restart the running average from this batch.
    if (this.onlineFactors !== this.factors) {
      this.onlineStats = undefined;
      this.nBatchesSeen = 0;
    }
    const { resp } = this.responsibilities(m);
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

  /**
   * Fit by EM from `nInit` initialisations, keeping the run with the highest final lower bound. `onIteration`, if
   * given, is called after every M-step: iteration 0 after the initial one, then after the M-step of each iteration.
   *
   * @example
   * const bounds: number[] = [];
   * gmm.fit(points, { onIteration: ({ iteration, lowerBound }) => iteration > 0 && bounds.push(lowerBound) });
   */
  fit(x: MatrixInput, { onIteration }: MixtureFitOptions = {}): this {
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
      this.maximise(m, this.initialResponsibilities(m, random));
      if (typeof this.init === 'object') this.means = toMatrix(this.init.means, 'init.means').data;
      const bounds: number[] = [];
      Object.assign(this, { lowerBounds: bounds, converged: false, nIter: 0 });
      onIteration?.({ run, iteration: 0, lowerBound: NaN, model: this });
      let bound = -Infinity;
      for (let iter = 1; iter <= this.maxIter; iter++) {
        const { resp, logProbNorm } = this.responsibilities(m);
        this.maximise(m, resp);
        const previous = bound;
        bound = mean(logProbNorm);
        bounds.push(bound);
        this.nIter = iter;
        this.converged = Math.abs(bound - previous) < this.tol;
        onIteration?.({ run, iteration: iter, lowerBound: bound, model: this });
        if (this.converged) break;
      }
      if (run === 0 || bound > bestBound) {
        bestBound = bound;
        const { weights, means, covariances, factors, converged } = this;
        best = { weights, means, covariances, factors, lowerBounds: bounds, converged, nIter: bounds.length };
      }
    }
    Object.assign(this, best!);
    return this;
  }

  private initialResponsibilities(m: Matrix, random: Random): Float64Array {
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
    return this.weightedLogProbOf(this.checkFitted(x));
  }

  /** E-step: the exact posterior log r_ij = log pi_j N(x_i | j) - log p(x_i), and log p(x_i) by log-sum-exp. */
  eStep(x: MatrixInput): EStep {
    return this.expect(this.checkFitted(x));
  }

  /**
   * M-step: N_j = sum_i r_ij, pi_j = N_j / n, mu_j = sum_i r_ij x_i / N_j and the covariances of `covarianceType`
   * (sklearn adds 10 eps to N_j so that empty components stay finite). Throws if a covariance collapses.
   */
  mStep(x: MatrixInput, logResp: Float64Array): this {
    const m = toMatrix(x);
    if (logResp.length !== m.n * this.k)
      fail(`argument 'logResp' must have n * k = ${m.n * this.k} entries, got ${logResp.length}`);
    return this.maximise(m, expInPlace(logResp.slice()));
  }

  // The unchecked steps behind fit, partialFit and the public steps: `m` is valid and has the model's width.

  private weightedLogProbOf({ data, n, d }: Matrix): Float64Array {
    const k = this.k;
    const out = componentLogProb(this.covarianceType, this.factors, data, this.means, n, d, k);
    const logWeights = this.weights.map(Math.log);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] += logWeights[j];
    return out;
  }

  private expect(m: Matrix): EStep {
    const logResp = this.weightedLogProbOf(m);
    return { logResp, logProbNorm: normaliseRows(logResp, m.n, this.k, true) };
  }

  /** The E-step as the M-step needs it: r_ij themselves (not logs), and log p(x_i). */
  private responsibilities(m: Matrix): { resp: Float64Array; logProbNorm: Float64Array } {
    const resp = this.weightedLogProbOf(m);
    return { resp, logProbNorm: normaliseRows(resp, m.n, this.k, false) };
  }

  /** The M-step from responsibilities r_ij (not their logs). */
  private maximise({ data, n, d }: Matrix, resp: Float64Array): this {
    const k = this.k;
    const nk = new Float64Array(k).fill(10 * EPS);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) nk[j] += resp[i * k + j];
    // Responsibilities negligible next to N_j / n change the mean by less than rounding (see
    // NEGLIGIBLE_RESPONSIBILITY): skipped.
    const minResp = nk.map((v) => (NEGLIGIBLE_RESPONSIBILITY * v) / n);
    const means = weightedRowSums(data, n, d, resp, k, minResp);
    for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) means[j * d + a] /= nk[j];
    let total = 0;
    for (let j = 0; j < k; j++) total += nk[j];
    this.d = d;
    this.weights = nk.map((v) => v / total);
    this.means = means;
    this.covariances = estimateCovariances(this.covarianceType, data, resp, nk, means, n, d, this.regCovar);
    this.factors = choleskyFactors(this.covarianceType, this.covariances, k, d);
    return this;
  }

  /**
   * The model as it is now, to keep: a copy that shares the parameter arrays, which is safe because every M-step
   * (of `fit`, `mStep` and `partialFit`) stores new arrays and never writes into the old ones. A fit's `onIteration`
   * can keep each iteration's snapshot and ask it later for what that iteration's parameters give (`predictProba`,
   * `scoreSamples`), as the studio does to colour the points by each iteration's responsibilities.
   *
   * @example
   * const steps: GaussianMixture[] = [];
   * gmm.fit(points, { onIteration: ({ model }) => steps.push(model.snapshot()) });
   * steps[3].predictProba(points); // r_ij under the parameters after iteration 3
   */
  snapshot(): GaussianMixture {
    const copy = Object.assign(Object.create(GaussianMixture.prototype) as GaussianMixture, this);
    copy.lowerBounds = this.lowerBounds.slice();
    return copy;
  }

  /** log p(x_i) for every point. */
  scoreSamples(x: MatrixInput): Float64Array {
    return this.eStep(x).logProbNorm;
  }

  /** Mean log-likelihood (1/n) sum_i log p(x_i). */
  score(x: MatrixInput): number {
    return mean(this.scoreSamples(x));
  }

  /** Posterior responsibilities p(z_i = j | x_i) (n x k). */
  predictProba(x: MatrixInput): Float64Array {
    return expInPlace(this.eStep(x).logResp);
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

  private checkFitted(x?: MatrixInput): Matrix {
    if (this.factors.length === 0) fail('the model is not fitted yet: call fit(x) first');
    if (x === undefined) return { data: new Float64Array(0), n: 0, d: this.d };
    const m = toMatrix(x);
    if (m.d !== this.d) fail(`argument 'x' must have d = ${this.d} columns (as in fit), got ${m.d}`);
    return m;
  }
}
