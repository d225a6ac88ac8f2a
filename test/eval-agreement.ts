/**
 * How far a run's metrics in the studio are from `latentlab eval`'s (not part of the library): the tests of the
 * studio's runs as command line files hold it under 1e-4.
 */
import { expect } from 'vitest';

/**
 * The largest |page - eval| over every number of the page's `metrics` (the numbers of lists too), against `eval`'s
 * JSON, whose keys are `test_`-prefixed; `eval` must have every metric, lists of the same length, and every value
 * that is not a number the same.
 */
export function largestDifference(
  metrics: Record<string, unknown>,
  evaluated: Record<string, unknown>,
): number {
  let largest = 0;
  for (const [key, value] of Object.entries(metrics)) {
    const other = evaluated[`test_${key}`];
    expect(other, key).toBeDefined();
    const [a, b] = [[value].flat(), [other].flat()];
    expect(b, key).toHaveLength(a.length);
    a.forEach((x, i) => {
      if (typeof x === 'number') largest = Math.max(largest, Math.abs(x - (b[i] as number)));
      else expect(b[i], key).toEqual(x);
    });
  }
  return largest;
}
