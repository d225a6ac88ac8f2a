import { describe, expect, it } from 'vitest';
import { hasSimdWeightedSums, weightedRowSums, weightedRowSumsScalar } from './weighted-sums.js';

/** Deterministic data with about one weight in four at zero, and thresholds that leave out some more. */
function problem(n: number, d: number, k: number) {
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.sin(0.37 * i) * (1 + (i % 5)));
  const resp = Float64Array.from({ length: n * k }, (_, i) =>
    (i * 7919) % 13 < 3 ? 0 : Math.abs(Math.cos(i)),
  );
  const skip = Float64Array.from({ length: k }, (_, j) => (0.1 * j) / k);
  const centres = Float64Array.from({ length: k * d }, (_, i) => Math.cos(0.11 * i));
  return { x, resp, skip, centres };
}

describe('weightedRowSums', () => {
  it('is the weighted sum and the weighted squared deviation, by hand', () => {
    // Rows (1, 2) and (3, 4); component 0 weighs them 0.5 and 1, component 1 weighs 0 (left out) and 2.
    const x = new Float64Array([1, 2, 3, 4]);
    const resp = new Float64Array([0.5, 0, 1, 2]);
    const skip = new Float64Array([0, 0]);
    expect(Array.from(weightedRowSums(x, 2, 2, resp, 2, skip))).toEqual([3.5, 5, 6, 8]);
    // Centres (1, 1) and (3, 3): 0.5 (0, 1) + 1 (4, 9) = (4, 9.5); 2 (0, 1) = (0, 2).
    const centres = new Float64Array([1, 1, 3, 3]);
    expect(Array.from(weightedRowSums(x, 2, 2, resp, 2, skip, centres))).toEqual([4, 9.5, 0, 2]);
  });

  it('runs on WebAssembly SIMD in Node', () => {
    expect(hasSimdWeightedSums()).toBe(true);
  });

  it.each([
    [3000, 784, 10], // more rows than one chunk of 1,024
    [2500, 33, 3], // odd row length
    [1024, 64, 1],
  ])('the SIMD kernel gives the plain loop bit for bit, n = %i, d = %i, k = %i', (n, d, k) => {
    const { x, resp, skip, centres } = problem(n, d, k);
    expect(Array.from(weightedRowSums(x, n, d, resp, k, skip))).toEqual(
      Array.from(weightedRowSumsScalar(x, n, d, resp, k, skip)),
    );
    expect(Array.from(weightedRowSums(x, n, d, resp, k, skip, centres))).toEqual(
      Array.from(weightedRowSumsScalar(x, n, d, resp, k, skip, centres)),
    );
  });

  it('leaves out the weights at or below the threshold', () => {
    const x = new Float64Array([1, 10]);
    const resp = new Float64Array([0.25, 0.5]);
    expect(Array.from(weightedRowSums(x, 2, 1, resp, 1, new Float64Array([0.25])))).toEqual([5]);
  });

  it.each([
    [() => weightedRowSums(new Float64Array(3), 2, 2, new Float64Array(2), 1, new Float64Array(1)), /'x'/],
    [() => weightedRowSums(new Float64Array(4), 2, 2, new Float64Array(3), 1, new Float64Array(1)), /'resp'/],
    [
      () =>
        weightedRowSums(
          new Float64Array(4),
          2,
          2,
          new Float64Array(2),
          1,
          new Float64Array(1),
          new Float64Array(1),
        ),
      /'centres' must have k \* d = 2 entries/,
    ],
  ])('rejects mismatched sizes: %#', (call, message) => {
    expect(call).toThrow(message);
  });
});
