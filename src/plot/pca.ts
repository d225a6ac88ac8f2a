/**
 * Principal component analysis of a small data set, for drawing latent codes of more than two dimensions in 2-D.
 */
import { topEigh } from '../linalg/top-eigh.js';
import { checkInteger, checkLength, PlotArgumentError } from './errors.js';

/** The result of {@link principalComponents}. */
export interface PrincipalComponents {
  /** The centred data projected on the components, n x k row-major (scikit-learn's `transform`). */
  projected: Float64Array;
  /** The variance along each component, the k largest eigenvalues of the covariance, descending. */
  explainedVariance: Float64Array;
  /** Each component's share of the total variance (the sum of all d eigenvalues). */
  explainedVarianceRatio: Float64Array;
  /** The components (unit vectors), k x d row-major: row j is component j (scikit-learn's `components_`). */
  components: Float64Array;
  /** The mean of the data, which the projection subtracts (length d). */
  mean: Float64Array;
}

/**
 * The first `k` principal components of `n` points in `d` dimensions (`data` row-major, n x d).
 *
 * The data are centred, their covariance C = X_c^T X_c / (n - 1) is formed, its k largest eigenpairs are found
 * with `topEigh`, and the centred data are projected on those k eigenvectors. Each component's sign is fixed so
 * that its largest-magnitude coordinate is positive: the picture does not flip between runs or library versions
 * (up to that sign, the results equal scikit-learn's `PCA(n_components=k)`). The cost is n d^2 for the covariance
 * plus O(d^2) per subspace iteration (a second or two for 5000 MNIST images).
 *
 * Throws a {@link PlotArgumentError} naming the argument when n < 2, k is not in 1..d, `data` does not have n * d
 * values, or a value is not finite.
 *
 * @example
 * const { projected } = principalComponents(means.dataSync(), 1000, 20); // 1000 x 2, for latentScatterSpec
 *
 * References: I. T. Jolliffe, "Principal Component Analysis", 2nd ed., Springer, 2002, chapter 1.
 */
export function principalComponents(
  data: ArrayLike<number>,
  n: number,
  d: number,
  k = 2,
): PrincipalComponents {
  const fn = 'principalComponents';
  checkInteger(n, 'n', fn, 2);
  checkInteger(d, 'd', fn);
  checkInteger(k, 'k', fn);
  if (k > d) throw new PlotArgumentError(`${fn}: argument 'k' must be at most d = ${d}, got ${k}`);
  checkLength(data, n * d, 'data', fn, 'n * d');
  for (let i = 0; i < n * d; i++)
    if (!Number.isFinite(data[i]))
      throw new PlotArgumentError(
        `${fn}: argument 'data' must be finite, got ${data[i]} at row ${Math.floor(i / d)}, column ${i % d}`,
      );

  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const centred = Float64Array.from({ length: n * d }, (_, i) => data[i] - mean[i % d]);
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const xa = centred[i * d + a] / (n - 1);
      for (let b = a; b < d; b++) covariance[a * d + b] += xa * centred[i * d + b];
    }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a];

  // Both give each eigenvector a positive largest coordinate; topEigh only the k wanted (O(d^2) per iteration, where
  // eigh's Jacobi sweeps cost O(d^3): minutes for 784 pixels).
  const { values, vectors } = topEigh(covariance, d, k);
  const components = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) components[j * d + a] = vectors[a * k + j];
  const projected = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += centred[i * d + a] * components[j * d + a];
      projected[i * k + j] = s;
    }
  // The sum of all d eigenvalues is the trace.
  let total = 0;
  for (let a = 0; a < d; a++) total += covariance[a * d + a];
  const explainedVariance = values.slice(0, k).map((v) => Math.max(v, 0));
  const explainedVarianceRatio = explainedVariance.map((v) => (total > 0 ? v / total : 0));
  return { projected, explainedVariance, explainedVarianceRatio, components, mean };
}
