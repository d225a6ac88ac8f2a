/**
 * The precision part q(Lambda) of the variational Gaussian mixture, for each of scikit-learn's covariance types:
 * the prior W_0^-1 (checked or estimated from the data), the posterior update of (nu_j, W_j^-1 / nu_j) and the
 * log-determinant of the precision's Cholesky factor used by the lower bound. Arrays are flat row-major float64.
 *
 * sklearn's `BayesianGaussianMixture` treats the four types as follows: 'full' a Wishart per component; 'tied' one
 * shared Wishart with nu = nu_0 + sum_j N_j / k; 'diag' and 'spherical' Gamma-like priors on d precisions (or one)
 * per component that nevertheless keep the Wishart's degrees of freedom, log-normaliser and E[log |Lambda|].
 *
 * References: Bishop, "Pattern Recognition and Machine Learning" (2006), equations 10.60-10.63.
 */
import { cholesky, NotPositiveDefiniteError } from '../../linalg/index.js';
import { GaussianMixtureError, type CovarianceType } from './covariance.js';

/** The priors of q(mu_j, Lambda_j): beta_0, m_0, nu_0 and W_0^-1 (d*d for full/tied, d for diag, 1 spherical). */
export interface NormalWishartPrior {
  meanPrecision: number;
  mean: Float64Array;
  degreesOfFreedom: number;
  covariance: Float64Array;
}

function fail(message: string): never {
  throw new GaussianMixtureError(`BayesianGaussianMixture: ${message}`);
}

/** What `covariancePrior` must be for a covariance type, in words (for error messages). */
function expectedPrior(type: CovarianceType, d?: number): string {
  const dd = d === undefined ? 'd x d' : `${d} x ${d}`;
  if (type === 'spherical') return 'one variance (a number > 0)';
  if (type === 'diag') return `${d ?? 'd'} variances (an array of numbers > 0)`;
  return `a symmetric positive-definite ${dd} matrix (an array of rows)`;
}

/**
 * Check the form of a given `covariancePrior` before the data are seen: a number for 'spherical', an array of
 * numbers for 'diag', an array of rows for 'full' and 'tied'. Throws a {@link GaussianMixtureError} naming it.
 */
export function checkCovariancePriorForm(type: CovarianceType, prior: unknown): void {
  if (prior === undefined) return;
  const ok =
    type === 'spherical'
      ? typeof prior === 'number' && prior > 0 && Number.isFinite(prior)
      : Array.isArray(prior) &&
        prior.every((v) => (type === 'diag' ? typeof v === 'number' : Array.isArray(v)));
  if (!ok)
    fail(
      `option 'covariancePrior' must be ${expectedPrior(type)} for covarianceType '${type}', got ` +
        JSON.stringify(prior),
    );
}

/**
 * W_0^-1 for d-dimensional data: the given `covariancePrior` checked against d (sklearn's
 * `_checkcovariance_prior_parameter`: shape, symmetry and positive definiteness, or positivity), or by default
 * the data covariance (ddof 1) for 'full'/'tied', its diagonal for 'diag' and the mean of that diagonal for
 * 'spherical'. Returns d*d, d*d, d or 1 numbers.
 */
export function resolveCovariancePrior(
  type: CovarianceType,
  prior: number[][] | number[] | number | undefined,
  data: Float64Array,
  n: number,
  d: number,
  mean: Float64Array,
): Float64Array {
  if (prior !== undefined) {
    checkCovariancePriorForm(type, prior);
    const bad = (): never =>
      fail(`option 'covariancePrior' must be ${expectedPrior(type, d)} for covarianceType '${type}'`);
    if (typeof prior === 'number') return Float64Array.of(prior);
    if (type === 'diag') {
      const v = Float64Array.from(prior as number[]);
      if (v.length !== d || !v.every((e) => e > 0 && Number.isFinite(e))) bad();
      return v;
    }
    const rows = prior as number[][];
    if (rows.length !== d || rows.some((r) => r.length !== d)) bad();
    const m = Float64Array.from(rows.flat());
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) if (m[a * d + b] !== m[b * d + a]) bad();
    try {
      cholesky(m, d);
    } catch (error) {
      if (error instanceof NotPositiveDefiniteError) bad();
      throw error;
    }
    return m;
  }
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) cov[a * d + b] += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
  cov.forEach((v, e) => (cov[e] = v / (n - 1)));
  if (type === 'full' || type === 'tied') return cov;
  const variances = Float64Array.from({ length: d }, (_, a) => cov[a * d + a]);
  if (type === 'diag') return variances;
  return Float64Array.of(variances.reduce((s, v) => s + v, 0) / d);
}

/**
 * The posterior precision parameters (sklearn's `_estimate_wishart_*`) from N_j, the responsibility-weighted means
 * xbar_j and covariances S_j (as `estimateCovariances` returns them) and beta_j = beta_0 + N_j:
 * nu_j = nu_0 + N_j and W_j^-1 = W_0^-1 + N_j S_j + (N_j beta_0 / beta_j)(xbar_j - m_0)(xbar_j - m_0)^T, with
 * the diagonal of the last term for 'diag' and the mean of that diagonal for 'spherical'; 'tied' shares
 * nu = nu_0 + sum_j N_j / k and W^-1 = W_0^-1 + S sum_j N_j / k + (beta_0 / k) sum_j (N_j / beta_j) (..)(..)^T.
 * Returns nu (k numbers; the shared one repeated k times for 'tied') and the covariances W_j^-1 / nu_j in
 * GaussianMixture's layout (k*d*d, d*d, k*d or k).
 */
export function estimateWishart(
  type: CovarianceType,
  nk: Float64Array,
  xk: Float64Array,
  sk: Float64Array,
  prior: NormalWishartPrior,
  meanPrecision: Float64Array,
  d: number,
): { degreesOfFreedom: Float64Array; covariances: Float64Array } {
  const k = nk.length;
  const { mean: m0, covariance: w0 } = prior;
  const diff = (j: number, a: number) => xk[j * d + a] - m0[a];
  if (type === 'tied') {
    const nBar = nk.reduce((s, v) => s + v, 0) / k;
    const nu = prior.degreesOfFreedom + nBar;
    const cov = new Float64Array(d * d);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        let spread = 0;
        for (let j = 0; j < k; j++) spread += (nk[j] / meanPrecision[j]) * diff(j, a) * diff(j, b);
        cov[a * d + b] = (w0[a * d + b] + sk[a * d + b] * nBar + (prior.meanPrecision / k) * spread) / nu;
      }
    return { degreesOfFreedom: new Float64Array(k).fill(nu), covariances: cov };
  }
  const nu = nk.map((v) => prior.degreesOfFreedom + v);
  const size = type === 'full' ? d * d : type === 'diag' ? d : 1;
  const cov = new Float64Array(k * size);
  for (let j = 0; j < k; j++) {
    const shrink = (nk[j] * prior.meanPrecision) / meanPrecision[j];
    if (type === 'spherical') {
      let sq = 0;
      for (let a = 0; a < d; a++) sq += diff(j, a) ** 2;
      cov[j] = (w0[0] + nk[j] * sk[j] + (shrink * sq) / d) / nu[j];
      continue;
    }
    for (let a = 0; a < d; a++)
      for (let b = 0; b < (type === 'full' ? d : 1); b++) {
        const e = type === 'full' ? a * d + b : a;
        const bb = type === 'full' ? b : a;
        cov[j * size + e] = (w0[e] + nk[j] * sk[j * size + e] + shrink * diff(j, a) * diff(j, bb)) / nu[j];
      }
  }
  return { degreesOfFreedom: nu, covariances: cov };
}

/**
 * log |L_j^-T| - d/2 log nu_j = -sum_a log L_aa - d/2 log nu_j: the log-determinant of the Cholesky factor of
 * the Wishart scale W_j, from the Cholesky factors of W_j^-1 / nu_j (k*d*d, d*d, k*d or k as `choleskyFactors`
 * returns them). sklearn's `_compute_log_det_cholesky(precisions_cholesky_) - d/2 log(degrees_of_freedom_)`.
 */
export function logDetWishartCholesky(
  type: CovarianceType,
  factors: Float64Array,
  degreesOfFreedom: number,
  j: number,
  d: number,
): number {
  let s = 0;
  if (type === 'spherical') s = -d * Math.log(factors[j]);
  else
    for (let a = 0; a < d; a++)
      s -= Math.log(
        type === 'full'
          ? factors[j * d * d + a * d + a]
          : type === 'tied'
            ? factors[a * d + a]
            : factors[j * d + a],
      );
  return s - 0.5 * d * Math.log(degreesOfFreedom);
}
