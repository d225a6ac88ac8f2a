/**
 * The maximum mean discrepancy between two samples (Gretton et al., 2012): the distance between their mean embeddings
 * in the feature space of a kernel k,
 *
 *   MMD^2(P, Q) = E[k(x, x')] + E[k(y, y')] - 2 E[k(x, y)],   x, x' ~ P,  y, y' ~ Q,
 *
 * estimated without bias by U-statistics (the i = j terms left out of the within-sample sums), so that it is 0 in
 * expectation when P = Q and can then come out slightly negative. The kernel is the mean of Gaussian kernels
 * exp(-||a - b||^2 / (2 s^2)) over the bandwidths s of {@link MMD_BANDWIDTHS}: several scales, since no one
 * bandwidth sees both a shifted mode and a misshapen one (the mixture of kernels of Li et al.'s MMD GAN). With a
 * characteristic kernel, MMD^2 is 0 only when P = Q: here it measures how well an encoder's aggregate posterior q(z)
 * matches the prior p(z), the adversarial autoencoder's aim.
 *
 * References: A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schoelkopf and A. Smola, "A Kernel Two-Sample Test",
 * JMLR 13, 2012, https://jmlr.org/papers/v13/gretton12a.html; Y. Li, K. Swersky and R. Zemel, "Generative Moment
 * Matching Networks", ICML 2015, https://arxiv.org/abs/1502.02761
 */
import { MetricArgumentError } from './errors.js';
import { checkFeatures, type Features } from './features.js';

/** The bandwidths s of the Gaussian kernels whose mean is the MMD's kernel: for codes of unit scale and above. */
export const MMD_BANDWIDTHS: readonly number[] = [0.5, 1, 2, 4];

/**
 * The codes (and as many prior draws) that the MMD of an encoder's q(z) to its prior p(z) compares, in the adversarial
 * autoencoder's and the VAE's evaluations: the first 2,000 held-out examples, so that the O(n^2) kernel sums take
 * well under a second.
 */
export const PRIOR_MMD_EXAMPLES = 2000;

/** Options of {@link mmdSquared}. */
export interface MmdOptions {
  /** The Gaussian kernels' bandwidths, averaged; default {@link MMD_BANDWIDTHS}. */
  bandwidths?: readonly number[];
}

/**
 * The unbiased estimate of MMD^2 between the rows of `x` and those of `y` (each at least 2 rows, of one dimension),
 * with the mean of Gaussian kernels over `bandwidths`. O((n + m)^2 d) time, no extra memory.
 *
 * @example
 * const codes = { values: encoded, n: 2000, d: 2 }; // E(x) of test images
 * const prior = { values: drawn, n: 2000, d: 2 }; // z ~ p(z)
 * mmdSquared(codes, prior); // near 0 when q(z) matches p(z)
 */
export function mmdSquared(
  x: Features,
  y: Features,
  { bandwidths = MMD_BANDWIDTHS }: MmdOptions = {},
): number {
  checkFeatures(x, 'x', 'mmdSquared');
  checkFeatures(y, 'y', 'mmdSquared');
  if (x.d !== y.d)
    throw new MetricArgumentError(`mmdSquared: 'x' and 'y' must have one dimension, got ${x.d} and ${y.d}`);
  if (bandwidths.length === 0 || bandwidths.some((s) => !(s > 0 && Number.isFinite(s))))
    throw new MetricArgumentError(
      `mmdSquared: 'bandwidths' must be positive numbers, got [${bandwidths.join(', ')}]`,
    );
  const scales = bandwidths.map((s) => -1 / (2 * s * s));
  const kernel = (a: Float32Array | Float64Array, i: number, b: Float32Array | Float64Array, j: number) => {
    let r2 = 0;
    for (let k = 0; k < x.d; k++) {
      const diff = a[i * x.d + k] - b[j * x.d + k];
      r2 += diff * diff;
    }
    let sum = 0;
    for (const c of scales) sum += Math.exp(c * r2);
    return sum / scales.length;
  };
  /** The mean of k over the pairs i < j of one sample (the kernel is symmetric). */
  const within = ({ values, n }: Features) => {
    let sum = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += kernel(values, i, values, j);
    return (2 * sum) / (n * (n - 1));
  };
  let across = 0;
  for (let i = 0; i < x.n; i++) for (let j = 0; j < y.n; j++) across += kernel(x.values, i, y.values, j);
  return within(x) + within(y) - (2 * across) / (x.n * y.n);
}
