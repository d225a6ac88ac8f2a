/**
 * The four covariance structures of a Gaussian mixture, as scikit-learn's `GaussianMixture` names them: their
 * M-step estimates, their Cholesky factors and the component log-densities computed from those factors. All arrays
 * are flat row-major float64; `x` is n x d, `resp` n x k, `means` k x d.
 */
import { Random } from '../../engine/random.js';
import { cholesky, NotPositiveDefiniteError } from '../../linalg/index.js';
import { rowDots } from '../../linalg/row-dots.js';
import { weightedRowSums } from '../../linalg/weighted-sums.js';

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

/** Points per block of {@link scatterMatrices}: a block's centred and weighted copies (2 d x 256) stay in cache. */
const BLOCK = 256;

/**
 * Responsibilities r_ij at most this fraction of a component's mean responsibility N_j / n are left out of its
 * scatter (and, in GaussianMixture's M-step, of its mean): together they weigh less than
 * 1e-20 N_j, so their share of S_j is below 1e-20 N_j max_i |x_i - mu_j|^2, far below the rounding error of the
 * sum. In a fitted mixture most r_ij are that small (points far from component j), and skipping them halves the
 * M-step (more on images, whose responsibilities are nearly hard). Empty components keep all their points: the
 * threshold scales with N_j.
 */
export const NEGLIGIBLE_RESPONSIBILITY = 1e-20;

/**
 * The weighted scatter matrices S_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T (k x d x d, symmetric), leaving out
 * the points with r_ij <= minResp[j] (by default those with r_ij = 0). Points are taken in blocks: for each
 * component the block's centred points are copied feature-major, so that every entry of S_j is a dot product of
 * two contiguous rows.
 */
export function scatterMatrices(
  x: Float64Array,
  resp: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  k: number,
  minResp: Float64Array = new Float64Array(k),
): Float64Array {
  const scatter = new Float64Array(k * d * d);
  const centred = new Float64Array(d * BLOCK);
  const weighted = new Float64Array(d * BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let j = 0; j < k; j++) {
      let m = 0;
      const least = minResp[j];
      for (let i = start; i < end; i++) {
        const r = resp[i * k + j];
        if (r <= least) continue;
        for (let a = 0; a < d; a++) {
          const c = x[i * d + a] - means[j * d + a];
          centred[a * BLOCK + m] = c;
          weighted[a * BLOCK + m] = r * c;
        }
        m++;
      }
      if (m === 0) continue;
      for (let a = 0; a < d; a++) {
        const wa = a * BLOCK;
        const out = j * d * d + a * d;
        let b = 0;
        // Two entries of row a at once: two independent sums share each load of the weighted row.
        for (; b < a; b += 2) {
          const c0 = b * BLOCK;
          const c1 = c0 + BLOCK;
          let s0 = 0;
          let s1 = 0;
          for (let t = 0; t < m; t++) {
            const w = weighted[wa + t];
            s0 += w * centred[c0 + t];
            s1 += w * centred[c1 + t];
          }
          scatter[out + b] += s0;
          scatter[out + b + 1] += s1;
        }
        if (b === a) {
          let s = 0;
          for (let t = 0; t < m; t++) s += weighted[wa + t] * centred[wa + t];
          scatter[out + a] += s;
        }
      }
    }
  }
  for (let j = 0; j < k; j++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < a; b++) scatter[j * d * d + b * d + a] = scatter[j * d * d + a * d + b];
  return scatter;
}

/**
 * The diagonals of the scatter matrices, sum_i r_ij (x_ia - mu_ja)^2 (k x d), leaving out the r_ij at most
 * `minResp[j]` (none by default).
 */
export function scatterDiagonals(
  x: Float64Array,
  resp: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  k: number,
  minResp?: Float64Array,
): Float64Array {
  return weightedRowSums(x, n, d, resp, k, minResp ?? new Float64Array(k), means);
}

/**
 * The covariance estimates of the M-step given responsibilities (sklearn's `_estimate_gaussian_covariances_*`):
 * Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + regCovar I, with 'tied' pooling the components and
 * 'diag'/'spherical' keeping the diagonal or its mean. Returns k*d*d, d*d, k*d or k numbers. For 'full' and
 * 'tied', responsibilities below {@link NEGLIGIBLE_RESPONSIBILITY} N_j / n are left out of the sums.
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
  const minResp = nk.map((v) => (NEGLIGIBLE_RESPONSIBILITY * v) / n);
  if (type === 'tied') {
    const scatter = scatterMatrices(x, resp, means, n, d, k, minResp);
    let total = 0;
    for (let j = 0; j < k; j++) total += nk[j];
    const cov = new Float64Array(d * d);
    for (let j = 0; j < k; j++) for (let e = 0; e < d * d; e++) cov[e] += scatter[j * d * d + e];
    for (let e = 0; e < d * d; e++) cov[e] /= total;
    for (let a = 0; a < d; a++) cov[a * d + a] += regCovar;
    return cov;
  }
  if (type === 'full') {
    const scatter = scatterMatrices(x, resp, means, n, d, k, minResp);
    for (let j = 0; j < k; j++) {
      for (let e = 0; e < d * d; e++) scatter[j * d * d + e] /= nk[j];
      for (let a = 0; a < d; a++) scatter[j * d * d + a * d + a] += regCovar;
    }
    return scatter;
  }
  const variances = scatterDiagonals(x, resp, means, n, d, k, minResp);
  for (let j = 0; j < k; j++)
    for (let a = 0; a < d; a++) variances[j * d + a] = variances[j * d + a] / nk[j] + regCovar;
  if (type === 'diag') return variances;
  const spherical = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let a = 0; a < d; a++) s += variances[j * d + a];
    spherical[j] = s / d;
  }
  return spherical;
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
 * Draw n points from a mixture given by its weights, means (k x d) and covariance factors (in the layout of
 * `type`, see {@link choleskyFactors}): z ~ Categorical(weights), x = mu_z + T L_z eps with eps ~ N(0, I) at
 * temperature T (1: the mixture itself). Returns the points (n x d) and their z.
 */
export function sampleComponents(
  type: CovarianceType,
  weights: Float64Array,
  means: Float64Array,
  factors: Float64Array,
  d: number,
  n: number,
  { seed, temperature = 1 }: { seed: number; temperature?: number },
): { data: Float64Array; n: number; d: number; labels: Int32Array } {
  const k = weights.length;
  const random = new Random(seed);
  const dense = Array.from({ length: k }, (_, j) => componentFactor(type, factors, j, d));
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const eps = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let u = random.next();
    let j = 0;
    while (j < k - 1 && u >= weights[j]) u -= weights[j++];
    labels[i] = j;
    for (let a = 0; a < d; a++) eps[a] = temperature * random.normal();
    for (let a = 0; a < d; a++) {
      let s = means[j * d + a];
      for (let b = 0; b <= a; b++) s += dense[j][a * d + b] * eps[b];
      data[i * d + a] = s;
    }
  }
  return { data, n, d, labels };
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
  if (type === 'diag' || type === 'spherical') {
    diagonalLogProb(type, factors, x, means, n, d, k, out);
    return out;
  }
  const constant = -d * HALF_LOG_TWO_PI;
  const y = new Float64Array(d);
  const inverseDiagonal = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const mean = j * d;
    let halfLogDet = 0;
    const l = type === 'full' ? j * d * d : 0;
    for (let a = 0; a < d; a++) {
      halfLogDet += Math.log(factors[l + a * d + a]);
      inverseDiagonal[a] = 1 / factors[l + a * d + a];
    }
    // Forward substitution L y = x_i - mu_j, one point at a time (its d numbers stay in cache).
    for (let i = 0; i < n; i++) {
      let maha = 0;
      for (let a = 0; a < d; a++) {
        let s = x[i * d + a] - means[mean + a];
        for (let b = 0; b < a; b++) s -= factors[l + a * d + b] * y[b];
        const ya = s * inverseDiagonal[a];
        y[a] = ya;
        maha += ya * ya;
      }
      out[i * k + j] = constant - halfLogDet - 0.5 * maha;
    }
  }
  return out;
}

/** Rows of the data scored together by {@link diagonalLogProb}: a block and its squares stay in cache. */
const SCORE_BLOCK = 1024;

/**
 * `componentLogProb` for diagonal and spherical covariances, as scikit-learn computes it: with p = 1 / sigma^2,
 * ||(x - mu) / sigma||^2 = sum_a x_a^2 p_a - 2 sum_a x_a mu_a p_a + sum_a mu_a^2 p_a, two blocked products of the
 * points with k rows of weights (`rowDots`) instead of a subtraction per point, component and coordinate.
 */
function diagonalLogProb(
  type: CovarianceType,
  factors: Float64Array,
  x: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  k: number,
  out: Float64Array,
): void {
  const precisions = new Float64Array(k * d);
  const weightedMeans = new Float64Array(k * d);
  const offsets = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let halfLogDet = 0;
    let meanTerm = 0;
    for (let a = 0; a < d; a++) {
      const sd = type === 'diag' ? factors[j * d + a] : factors[j];
      halfLogDet += Math.log(sd);
      const p = 1 / (sd * sd);
      const mu = means[j * d + a];
      precisions[j * d + a] = p;
      weightedMeans[j * d + a] = mu * p;
      meanTerm += mu * mu * p;
    }
    offsets[j] = -d * HALF_LOG_TWO_PI - halfLogDet - 0.5 * meanTerm;
  }
  const squares = new Float64Array(SCORE_BLOCK * d);
  const quadratic = new Float64Array(SCORE_BLOCK * k);
  const linear = new Float64Array(SCORE_BLOCK * k);
  for (let start = 0; start < n; start += SCORE_BLOCK) {
    const rows = Math.min(SCORE_BLOCK, n - start);
    const block = x.subarray(start * d, (start + rows) * d);
    for (let a = 0; a < rows * d; a++) squares[a] = block[a] * block[a];
    rowDots(squares.subarray(0, rows * d), rows, precisions, k, d, quadratic.subarray(0, rows * k));
    rowDots(block, rows, weightedMeans, k, d, linear.subarray(0, rows * k));
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < k; j++)
        out[(start + i) * k + j] = offsets[j] - 0.5 * quadratic[i * k + j] + linear[i * k + j];
  }
}

/** Free parameters of the covariances (sklearn's `_n_parameters`): k d(d+1)/2, d(d+1)/2, k d or k. */
export function covarianceParameterCount(type: CovarianceType, k: number, d: number): number {
  if (type === 'full') return (k * d * (d + 1)) / 2;
  if (type === 'tied') return (d * (d + 1)) / 2;
  if (type === 'diag') return k * d;
  return k;
}
