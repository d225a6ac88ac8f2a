import { describe, expect, it } from 'vitest';
import { rowDots } from './row-dots.js';

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
  ])('equals the plain loop exactly for n = %i, k = %i, d = %i (blocks and remainders)', (n, k, d) => {
    const a = Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + 0.3));
    const b = Float64Array.from({ length: k * d }, (_, i) => Math.cos(0.9 * i - 1.1));
    expect(Array.from(rowDots(a, n, b, k, d))).toEqual(Array.from(naive(a, n, b, k, d)));
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
