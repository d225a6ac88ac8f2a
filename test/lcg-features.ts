/**
 * Test data of the sample metrics' tests (not part of the library).
 */
import type { Features } from '../src/metrics/features.js';

/**
 * n x d features from the Park-Miller generator, exact in float64 in both languages, so that the Python references
 * of the tests see the very same numbers:
 *
 *   def lcg(seed, count):
 *       s, out = seed, []
 *       for _ in range(count):
 *           s = (s * 48271) % 2147483647
 *           out.append(s / 2147483647 - 0.5)
 *       return out
 *   def feats(seed, n, d, skew=False, scale=1.0, shift=0.0):
 *       v = lcg(seed, n * d)
 *       return np.array([[v[i*d+j] * (1 + j / d) + 0.25 * v[i*d + (j+1) % d] + 0.1 * j if skew
 *                         else v[i*d+j] * scale + shift for j in range(d)] for i in range(n)])
 */
export function lcgFeatures(
  seed: number,
  n: number,
  d: number,
  { skew = false, scale = 1, shift = 0 } = {},
): Features {
  let s = seed;
  const v = Float64Array.from({ length: n * d }, () => (s = (s * 48271) % 2147483647) / 2147483647 - 0.5);
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      values[i * d + j] = skew
        ? v[i * d + j] * (1 + j / d) + 0.25 * v[i * d + ((j + 1) % d)] + 0.1 * j
        : v[i * d + j] * scale + shift;
  return { values, n, d };
}
