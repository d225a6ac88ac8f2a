/**
 * Sufficient statistics of a Gaussian mixture for online (stepwise) EM, after Cappé & Moulines, "On-line
 * expectation-maximization algorithm for latent data models" (JRSS B 2009, https://arxiv.org/abs/0712.4273).
 * The E-step of a minibatch gives per-point averages of the complete-data statistics, which are blended into a
 * running average s <- (1 - gamma_t) s + gamma_t s_batch; the M-step maps the averaged statistics to parameters.
 * All arrays are flat row-major float64; `x` is n x d, `resp` n x k.
 */
import { choleskyFactors, GaussianMixtureError, type CovarianceType } from './covariance.js';

/**
 * Per-point averages of the complete-data sufficient statistics: r_j = (1/n) sum_i r_ij (k),
 * sx_j = (1/n) sum_i r_ij x_i (k x d) and sxx_j = (1/n) sum_i r_ij x_i x_i^T (k x d x d for 'full' and 'tied',
 * only the diagonal, k x d, for 'diag' and 'spherical').
 */
export interface MixtureStatistics {
  resp: Float64Array;
  sx: Float64Array;
  sxx: Float64Array;
}

/** The parameters that the M-step computes from {@link MixtureStatistics}, in GaussianMixture's layouts. */
export interface MixtureParameters {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  factors: Float64Array;
}

const EPS = 2.220446049250313e-16;

/**
 * The Robbins-Monro step size gamma_t = (t + 2)^(-alpha) used for minibatch t (t = 0, 1, ... counts the minibatches
 * seen before it); Cappé & Moulines need 1/2 < alpha <= 1.
 *
 * @example
 * onlineStepSize(0); // 2^-0.6 = 0.6598
 * onlineStepSize(1, 1); // 1/3
 */
export function onlineStepSize(t: number, alpha = 0.6): number {
  return (t + 2) ** -alpha;
}

function fullSecondMoment(type: CovarianceType): boolean {
  return type === 'full' || type === 'tied';
}

/**
 * The averaged statistics of one minibatch given its responsibilities (E-step output, not logs).
 *
 * @example
 * const s = batchStatistics('diag', x, resp, n, d, k); // s.resp sums to 1
 */
export function batchStatistics(
  type: CovarianceType,
  x: Float64Array,
  resp: Float64Array,
  n: number,
  d: number,
  k: number,
): MixtureStatistics {
  const full = fullSecondMoment(type);
  const out: MixtureStatistics = {
    resp: new Float64Array(k),
    sx: new Float64Array(k * d),
    sxx: new Float64Array(full ? k * d * d : k * d),
  };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j] / n;
      if (r === 0) continue;
      out.resp[j] += r;
      for (let a = 0; a < d; a++) {
        const ra = r * x[i * d + a];
        out.sx[j * d + a] += ra;
        if (full) for (let b = 0; b <= a; b++) out.sxx[j * d * d + a * d + b] += ra * x[i * d + b];
        else out.sxx[j * d + a] += ra * x[i * d + a];
      }
    }
  if (full)
    for (let j = 0; j < k; j++)
      for (let a = 0; a < d; a++)
        for (let b = 0; b < a; b++) out.sxx[j * d * d + b * d + a] = out.sxx[j * d * d + a * d + b];
  return out;
}

/**
 * The stochastic-approximation update s <- (1 - gamma) s + gamma s_batch, in place on `s`.
 *
 * @example
 * blendStatistics(running, batchStatistics(...), onlineStepSize(t));
 */
export function blendStatistics(
  s: MixtureStatistics,
  batch: MixtureStatistics,
  gamma: number,
): MixtureStatistics {
  for (const key of ['resp', 'sx', 'sxx'] as const) {
    const target = s[key];
    const source = batch[key];
    for (let e = 0; e < target.length; e++) target[e] = (1 - gamma) * target[e] + gamma * source[e];
  }
  return s;
}

/**
 * The M-step from averaged statistics: pi_j = r_j / sum r, mu_j = sx_j / r_j and
 * Sigma_j = sxx_j / r_j - mu_j mu_j^T + regCovar I ('tied' pools sum_j (sxx_j - r_j mu_j mu_j^T) / sum r, 'diag'
 * keeps the diagonal, 'spherical' its mean). As in the batch M-step, 10 eps is added to r_j so that empty
 * components stay finite. Throws a GaussianMixtureError when a covariance is not positive definite.
 *
 * @example
 * const { weights, means, covariances, factors } = statisticsMStep('full', s, d, 1e-6);
 */
export function statisticsMStep(
  type: CovarianceType,
  s: MixtureStatistics,
  d: number,
  regCovar: number,
): MixtureParameters {
  const k = s.resp.length;
  const nk = s.resp.map((v) => v + 10 * EPS);
  const total = nk.reduce((a, v) => a + v, 0);
  const weights = nk.map((v) => v / total);
  const means = s.sx.map((v, e) => v / nk[Math.floor(e / d)]);
  let covariances: Float64Array;
  if (fullSecondMoment(type)) {
    const scatter = new Float64Array(k * d * d);
    for (let j = 0; j < k; j++)
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) {
          const e = j * d * d + a * d + b;
          scatter[e] = s.sxx[e] - nk[j] * means[j * d + a] * means[j * d + b];
        }
    if (type === 'tied') {
      covariances = new Float64Array(d * d);
      for (let j = 0; j < k; j++) for (let e = 0; e < d * d; e++) covariances[e] += scatter[j * d * d + e];
      for (let e = 0; e < d * d; e++) covariances[e] /= total;
      for (let a = 0; a < d; a++) covariances[a * d + a] += regCovar;
    } else {
      covariances = scatter.map((v, e) => v / nk[Math.floor(e / (d * d))]);
      for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) covariances[j * d * d + a * d + a] += regCovar;
    }
  } else {
    // Clamp at 0: E[x^2] - mu^2 can round below zero for a component with (almost) no mass.
    const variances = s.sxx.map((v, e) => {
      const mu = means[e];
      return Math.max(v / nk[Math.floor(e / d)] - mu * mu, 0) + regCovar;
    });
    covariances =
      type === 'diag'
        ? variances
        : Float64Array.from({ length: k }, (_, j) => {
            let sum = 0;
            for (let a = 0; a < d; a++) sum += variances[j * d + a];
            return sum / d;
          });
  }
  const factors = choleskyFactors(type, covariances, k, d);
  return { weights, means, covariances, factors };
}

/** Copy of a set of statistics (the running average must not alias a batch's arrays). */
export function copyStatistics(s: MixtureStatistics): MixtureStatistics {
  return { resp: s.resp.slice(), sx: s.sx.slice(), sxx: s.sxx.slice() };
}

/** Validate a step size option: gamma in (0, 1]. */
export function checkStepSize(gamma: number, name: string): number {
  if (!(gamma > 0 && gamma <= 1))
    throw new GaussianMixtureError(`GaussianMixture: option '${name}' must be in (0, 1], got ${gamma}`);
  return gamma;
}
