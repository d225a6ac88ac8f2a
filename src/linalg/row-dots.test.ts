import { describe, expect, it } from 'vitest';
import { hasSimdRowDots, rowDots, rowDotsScalar } from './row-dots.js';

/** The dot products one at a time, in the same order. */
function naive(a: Float64Array, n: number, b: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += a[i * d + c] * b[j * d + c];
      out[i * k + j] = s;
    }
  return out;
}

describe('rowDots', () => {
  it('is A B^T by hand for 2 x 3 against 2 x 3', () => {
    // [[1, 2, 3], [4, 5, 6]] [[1, 0, -1], [2, 1, 0]]^T = [[-2, 4], [-2, 13]]
    const out = rowDots(new Float64Array([1, 2, 3, 4, 5, 6]), 2, new Float64Array([1, 0, -1, 2, 1, 0]), 2, 3);
    expect(Array.from(out)).toEqual([-2, 4, -2, 13]);
  });

  it.each([
    [1, 1, 1],
    [4, 2, 5],
    [5, 3, 7],
    [7, 1, 4],
    [9, 10, 33],
    [3, 4, 1],
  ])('the scalar kernel equals the plain loop exactly for n = %i, k = %i, d = %i', (n, k, d) => {
    const a = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + 0.3));
    const b = Float64Array.from({ length: k * d }, (_, i) => Math.cos(0.9 * i - 1.1));
    expect(Array.from(rowDotsScalar(a, n, b, k, d))).toEqual(Array.from(naive(a, n, b, k, d)));
    expect(Array.from(rowDots(a, n, b, k, d))).toEqual(Array.from(naive(a, n, b, k, d)));
  });

  it('runs on WebAssembly SIMD in Node', () => {
    expect(hasSimdRowDots()).toBe(true);
  });

  it.each([
    [2051, 3, 5], // odd d, odd k, a partial block of four rows, more rows than one chunk of 1,024
    [1024, 10, 784],
    [13, 2, 400],
    [600, 7, 31],
  ])('the SIMD kernel equals the plain loop to rounding for n = %i, k = %i, d = %i', (n, k, d) => {
    const a = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + 0.3));
    const b = Float64Array.from({ length: k * d }, (_, i) => Math.cos(0.9 * i - 1.1));
    const expected = naive(a, n, b, k, d);
    const got = rowDots(a, n, b, k, d);
    // The sums of |a_c b_c| bound the rounding of either order; sqrt(d) of them is a generous margin.
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) {
        let scale = 0;
        for (let c = 0; c < d; c++) scale += Math.abs(a[i * d + c] * b[j * d + c]);
        expect(Math.abs(got[i * k + j] - expected[i * k + j])).toBeLessThanOrEqual(1e-15 * d * scale);
      }
    // A plain array and a Float32Array are read as well.
    const plain = rowDots(Array.from(a.subarray(0, 8 * d)), 8, Array.from(b), k, d);
    expect(plain).toBeAllClose(expected.subarray(0, 8 * k), { rtol: 1e-12, atol: 1e-14 });
    const single = Float32Array.from(a.subarray(0, 8 * d));
    expect(rowDots(single, 8, b, k, d)).toBeAllClose(naive(Float64Array.from(single), 8, b, k, d), {
      rtol: 1e-12,
      atol: 1e-14,
    });
  });

  it('writes into a given output', () => {
    const out = new Float64Array(2);
    expect(rowDots([1, 2, 3, 4], 2, [1, 1], 1, 2, out)).toBe(out);
    expect(Array.from(out)).toEqual([3, 7]);
  });

  it.each([
    [() => rowDots([1, 2, 3], 2, [1, 1], 1, 2), /argument 'a' must have n \* d = 4 entries, got 3/],
    [() => rowDots([1, 2], 1, [1], 1, 2), /argument 'b' must have k \* d = 2 entries, got 1/],
    [() => rowDots([1, 2], 1, [1, 1], 1, 2, new Float64Array(3)), /argument 'out' must have n \* k = 1/],
  ])('rejects mismatched sizes: %#', (call, message) => {
    expect(call).toThrow(message);
  });
});
