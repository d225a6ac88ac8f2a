/**
 * The four covariance structures of a Gaussian mixture, as scikit-learn's `GaussianMixture` names them: their
 * M-step estimates, their Cholesky factors and the component log-densities computed from those factors. All arrays
 * are flat row-major float64; `x` is n x d, `resp` n x k, `means` k x d.
 */
import {
  cholesky,
  logDetCholesky,
  NotPositiveDefiniteError,
  solveTriangularInPlace,
} from '../linalg/index.js';

/** 'full': one d x d matrix per component; 'tied': one shared d x d; 'diag': d variances each; 'spherical': one. */
export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';

/** The covariance types accepted by {@link GaussianMixture}. */
export const COVARIANCE_TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/** An error a user of {@link GaussianMixture} can cause: a bad argument or a covariance that collapsed. */
export class GaussianMixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GaussianMixtureError';
  }
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

function collapsed(component: number | 'tied', detail: string): GaussianMixtureError {
  const which = component === 'tied' ? 'the tied covariance' : `the covariance of component ${component}`;
  return new GaussianMixtureError(
    `GaussianMixture: ${which} is not positive definite (${detail}); components have collapsed onto too few ` +
      `points: increase regCovar or decrease the number of components`,
  );
}

/**
 * The covariance estimates of the M-step given responsibilities (sklearn's `_estimate_gaussian_covariances_*`):
 * Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + regCovar I, with 'tied' pooling the components and
 * 'diag'/'spherical' keeping the diagonal or its mean. Returns k*d*d, d*d, k*d or k numbers.
 */
export function estimateCovariances(
  type: CovarianceType,
  x: Float64Array,
  resp: Float64Array,
  nk: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  regCovar: number,
): Float64Array {
  const k = nk.length;
  const scatter = new Float64Array(k * d * d);
  const diff = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const s = j * d * d;
    for (let i = 0; i < n; i++) {
      const r = resp[i * k + j];
      if (r === 0) continue;
      for (let a = 0; a < d; a++) diff[a] = x[i * d + a] - means[j * d + a];
      for (let a = 0; a < d; a++) {
        const ra = r * diff[a];
        for (let b = 0; b <= a; b++) scatter[s + a * d + b] += ra * diff[b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) scatter[s + b * d + a] = scatter[s + a * d + b];
  }
  if (type === 'tied') {
    const total = nk.reduce((sum, v) => sum + v, 0);
    const cov = new Float64Array(d * d);
    for (let j = 0; j < k; j++) for (let e = 0; e < d * d; e++) cov[e] += scatter[j * d * d + e];
    for (let e = 0; e < d * d; e++) cov[e] /= total;
    for (let a = 0; a < d; a++) cov[a * d + a] += regCovar;
    return cov;
  }
  if (type === 'full') {
    for (let j = 0; j < k; j++) {
      for (let e = 0; e < d * d; e++) scatter[j * d * d + e] /= nk[j];
      for (let a = 0; a < d; a++) scatter[j * d * d + a * d + a] += regCovar;
    }
    return scatter;
  }
  const variances = new Float64Array(k * d);
  for (let j = 0; j < k; j++)
    for (let a = 0; a < d; a++) variances[j * d + a] = scatter[j * d * d + a * d + a] / nk[j] + regCovar;
  if (type === 'diag') return variances;
  return Float64Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let a = 0; a < d; a++) s += variances[j * d + a];
    return s / d;
  });
}

/**
 * The Cholesky factors of the covariances: lower-triangular L_j with L_j L_j^T = Sigma_j for 'full' (k*d*d) and
 * 'tied' (d*d), standard deviations for 'diag' (k*d) and 'spherical' (k). Throws a {@link GaussianMixtureError}
 * suggesting a larger regCovar when a covariance is not positive definite.
 */
export function choleskyFactors(type: CovarianceType, cov: Float64Array, k: number, d: number): Float64Array {
  if (type === 'diag' || type === 'spherical') {
    const width = type === 'diag' ? d : 1;
    return cov.map((v, e) => {
      if (!(v > 0)) throw collapsed(Math.floor(e / width), `variance ${v}`);
      return Math.sqrt(v);
    });
  }
  const count = type === 'tied' ? 1 : k;
  const out = new Float64Array(count * d * d);
  for (let j = 0; j < count; j++) {
    try {
      cholesky(cov.subarray(j * d * d, (j + 1) * d * d), d, out.subarray(j * d * d, (j + 1) * d * d));
    } catch (error) {
      if (!(error instanceof NotPositiveDefiniteError)) throw error;
      throw collapsed(type === 'tied' ? 'tied' : j, `Cholesky pivot ${error.index} is ${error.pivot}`);
    }
  }
  return out;
}

/** The dense lower-triangular factor L_j (d x d) of component j, whatever the covariance type. */
export function componentFactor(
  type: CovarianceType,
  factors: Float64Array,
  j: number,
  d: number,
): Float64Array {
  if (type === 'full') return factors.slice(j * d * d, (j + 1) * d * d);
  if (type === 'tied') return factors.slice();
  const l = new Float64Array(d * d);
  for (let a = 0; a < d; a++) l[a * d + a] = type === 'diag' ? factors[j * d + a] : factors[j];
  return l;
}

/**
 * log N(x_i | mu_j, Sigma_j) for every point and component (n x k), from the Cholesky factors:
 * -d/2 log 2 pi - sum_a log L_aa - ||L^-1 (x_i - mu_j)||^2 / 2.
 */
export function componentLogProb(
  type: CovarianceType,
  factors: Float64Array,
  x: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  k: number,
): Float64Array {
  const out = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    let halfLogDet: number;
    const maha = new Float64Array(n);
    if (type === 'full' || type === 'tied') {
      const l = componentFactor(type, factors, j, d);
      halfLogDet = 0.5 * logDetCholesky(l, d);
      // Column i of the d x n right-hand side is x_i - mu_j; one triangular solve whitens all points.
      const y = new Float64Array(d * n);
      for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) y[a * n + i] = x[i * d + a] - means[j * d + a];
      solveTriangularInPlace(l, y, d);
      for (let a = 0; a < d; a++) for (let i = 0; i < n; i++) maha[i] += y[a * n + i] * y[a * n + i];
    } else {
      halfLogDet = 0;
      for (let a = 0; a < d; a++) halfLogDet += Math.log(type === 'diag' ? factors[j * d + a] : factors[j]);
      for (let i = 0; i < n; i++)
        for (let a = 0; a < d; a++) {
          const z = (x[i * d + a] - means[j * d + a]) / (type === 'diag' ? factors[j * d + a] : factors[j]);
          maha[i] += z * z;
        }
    }
    for (let i = 0; i < n; i++) out[i * k + j] = -d * HALF_LOG_TWO_PI - halfLogDet - 0.5 * maha[i];
  }
  return out;
}

/** Free parameters of the covariances (sklearn's `_n_parameters`): k d(d+1)/2, d(d+1)/2, k d or k. */
export function covarianceParameterCount(type: CovarianceType, k: number, d: number): number {
  if (type === 'full') return (k * d * (d + 1)) / 2;
  if (type === 'tied') return (d * (d + 1)) / 2;
  if (type === 'diag') return k * d;
  return k;
}
