/**
 * Feature vectors of a set of samples, as the sample metrics of `frechet.ts` and `precision-recall.ts` take them: the
 * penultimate-layer activations of a classifier for n images (Inception's pool3 for FID, or a smaller network for
 * MNIST), one row of d numbers per sample.
 */
import { MetricArgumentError } from './errors.js';

/**
 * n feature vectors of dimension d, row-major: feature j of sample i is `values[i * d + j]`. A `Float32Array` is
 * what `tensor.dataSync()` gives for an `[n, d]` tensor; the metrics read it in float64.
 */
export interface Features {
  /** The n * d values, row by row. */
  values: Float32Array | Float64Array;
  /** The number of samples (rows), at least 2. */
  n: number;
  /** The dimension of each feature vector (columns), at least 1. */
  d: number;
}

/**
 * Throw a {@link MetricArgumentError} naming argument `name` of function `fn` unless `f` is a set of features the
 * sample metrics can score: `values` a `Float32Array` or `Float64Array` of n * d finite numbers, n an integer >= 2
 * (a covariance or a nearest other neighbour needs two rows) and d a positive integer.
 *
 * @example
 * checkFeatures({ values: new Float32Array(6), n: 3, d: 2 }, 'real', 'frechetDistance'); // passes
 * checkFeatures({ values: new Float32Array(6), n: 2, d: 2 }, 'real', 'frechetDistance');
 * // MetricArgumentError: frechetDistance: argument 'real.values' must hold n * d = 4 values (n = 2, d = 2), got 6
 */
export function checkFeatures(f: Features, name: string, fn = 'checkFeatures'): void {
  if (
    typeof f !== 'object' ||
    f === null ||
    !(f.values instanceof Float32Array || f.values instanceof Float64Array)
  )
    throw new MetricArgumentError(
      `${fn}: argument '${name}' must be features { values, n, d } with values a Float32Array or Float64Array`,
    );
  const { values, n, d } = f;
  if (!Number.isInteger(n) || n < 2)
    throw new MetricArgumentError(`${fn}: argument '${name}.n' must be an integer >= 2 (rows), got ${n}`);
  if (!Number.isInteger(d) || d < 1)
    throw new MetricArgumentError(`${fn}: argument '${name}.d' must be an integer >= 1 (columns), got ${d}`);
  if (values.length !== n * d)
    throw new MetricArgumentError(
      `${fn}: argument '${name}.values' must hold n * d = ${n * d} values (n = ${n}, d = ${d}), got ${values.length}`,
    );
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]))
      throw new MetricArgumentError(
        `${fn}: argument '${name}.values' must be finite, got ${values[i]} at row ${Math.floor(i / d)}, column ${i % d}`,
      );
}

/**
 * {@link checkFeatures} for two sets compared with each other, `a` and `b` named `aName` and `bName`, and a
 * {@link MetricArgumentError} unless they have the same dimension d.
 */
export function checkFeaturePair(a: Features, aName: string, b: Features, bName: string, fn: string): void {
  checkFeatures(a, aName, fn);
  checkFeatures(b, bName, fn);
  if (a.d !== b.d)
    throw new MetricArgumentError(
      `${fn}: arguments '${aName}' and '${bName}' must have the same dimension d, got ${a.d} and ${b.d}`,
    );
}
