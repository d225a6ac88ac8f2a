import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { eigh } from './eigh.js';
import { topEigh } from './top-eigh.js';

/** X^T X / m for an m x n matrix X of normal entries whose column c is scaled by scales[c]: a covariance. */
function covariance(n: number, m: number, seed: number, scales: (c: number) => number): Float64Array {
  const rng = new Random(seed);
  const x = Float64Array.from({ length: m * n }, (_, e) => rng.normal() * scales(e % n));
  const c = new Float64Array(n * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] += (x[r * n + i] * x[r * n + j]) / m;
  return c;
}

/** Column j of an n x w row-major matrix. */
const column = (v: Float64Array, n: number, w: number, j: number) =>
  Float64Array.from({ length: n }, (_, r) => v[r * w + j]);

describe('topEigh', () => {
  it('gives the k largest eigenpairs that the full Jacobi decomposition gives, with its signs', () => {
    const n = 120;
    const a = covariance(n, 400, 3, (c) => 1 + 3 / (1 + c));
    const full = eigh(a, n);
    const top = topEigh(a, n, 3);
    expect(top.values).toBeAllClose(full.values.slice(0, 3), { rtol: 1e-10 });
    for (let j = 0; j < 3; j++)
      expect(column(top.vectors, n, 3, j)).toBeAllClose(column(full.vectors, n, n, j), { atol: 1e-7 });
  });

  it('handles a matrix of rank below the block size', () => {
    const n = 100;
    const a = covariance(n, 3, 5, () => 1);
    const full = eigh(a, n);
    const top = topEigh(a, n, 2);
    expect(top.values).toBeAllClose(full.values.slice(0, 2), { rtol: 1e-10 });
    for (let j = 0; j < 2; j++)
      expect(column(top.vectors, n, 2, j)).toBeAllClose(column(full.vectors, n, n, j), { atol: 1e-7 });
  });

  it('is eigh itself for small matrices', () => {
    const a = covariance(10, 30, 1, () => 1);
    const full = eigh(a, 10);
    const top = topEigh(a, 10, 2);
    expect(Array.from(top.values)).toEqual(Array.from(full.values.slice(0, 2)));
  });

  it.each([
    ['k of 0', 0, "argument 'k' must be an integer in [1, n = 80], got 0"],
    ['k above n', 81, 'got 81'],
  ])('%s is refused', (_name, k, message) => {
    expect(() => topEigh(new Float64Array(80 * 80), 80, k)).toThrow(message);
  });
});
