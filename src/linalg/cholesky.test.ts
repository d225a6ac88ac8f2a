import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { cholesky, NotPositiveDefiniteError } from './cholesky.js';
import { matmul, transpose } from './matrix.js';

/** B B^T + 0.1 I for a standard-normal n x n B: symmetric positive definite, moderately conditioned. */
function randomSpd(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = matmul(b, transpose(b, n), n);
  for (let i = 0; i < n; i++) a[i * n + i] += 0.1;
  return a;
}

// Symmetric, eigenvalues 0.629, 2.659, 3.626, 5.287.
const A = [4.5, 1.2, -0.8, 0.3, 1.2, 3.1, 0.6, -1.1, -0.8, 0.6, 2.7, 0.4, 0.3, -1.1, 0.4, 1.9];
// scipy.linalg.cholesky(A, lower=True). Expected values are Float64Arrays: toBeAllClose reads plain arrays through
// a float32 tensor, which would round them to 1e-7.
const L = Float64Array.from([
  2.1213203435596424, 0, 0, 0, 0.565685424949238, 1.6673332000533068, 0, 0, -0.3771236166328254,
  0.48780491704197465, 1.5230968914312215, 0, 0.1414213562373095, -0.7077169698067993, 0.5243009525997693,
  1.0508307198357194,
]);

describe('cholesky', () => {
  it('matches scipy', () => {
    expect(cholesky(A, 4)).toBeAllClose(L, { rtol: 1e-10, atol: 0 });
    expect(cholesky([9], 1)).toBeAllClose(new Float64Array([3]), { rtol: 1e-15, atol: 0 });
  });

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))(
    'L L^T = A, L lower with a positive diagonal (random SPD, n = %i)',
    (n) => {
      const a = randomSpd(n, 100 + n);
      const l = cholesky(a, n);
      expect(matmul(l, transpose(l, n), n)).toBeAllClose(a, { rtol: 1e-10, atol: 1e-12 });
      for (let i = 0; i < n; i++) {
        expect(l[i * n + i]).toBeGreaterThan(0);
        for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
      }
    },
  );

  it('reads only the lower triangle', () => {
    const a = Float64Array.from(A);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) a[i * 4 + j] = j % 2 ? NaN : -100;
    expect(cholesky(a, 4)).toBeAllClose(L, { rtol: 1e-10, atol: 0 });
  });

  it('writes into out, which may be the input itself', () => {
    const out = new Float64Array(16).fill(7);
    expect(cholesky(A, 4, out)).toBe(out);
    expect(out).toBeAllClose(L, { rtol: 1e-10, atol: 0 });
    const a = Float64Array.from(A);
    expect(cholesky(a, 4, a)).toBe(a);
    expect(a).toBeAllClose(L, { rtol: 1e-10, atol: 0 });
  });

  it.each([
    // [name, matrix, n, failing pivot index, its value]
    ['a negative-definite matrix', [-1, 0, 0, -2], 2, 0, -1],
    ['the zero matrix', [0, 0, 0, 0], 2, 0, 0],
    ['a singular positive semi-definite matrix', [1, 1, 1, 1], 2, 1, 0],
    ['an indefinite matrix', [1, 2, 2, 1], 2, 1, -3],
    ['a matrix failing at the last pivot', [4, 2, 0, 2, 2, 1, 0, 1, 0.25], 3, 2, -0.75],
  ])('throws NotPositiveDefiniteError for %s', (_, a, n, index, pivot) => {
    let caught: unknown;
    try {
      cholesky(a, n);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    const error = caught as NotPositiveDefiniteError;
    expect(error.index).toBe(index);
    expect(error.pivot).toBeCloseTo(pivot, 12);
    expect(error.name).toBe('NotPositiveDefiniteError');
    expect(error.message).toMatch(`cholesky: argument 'a' is not positive definite: pivot ${index}`);
  });

  it.each([
    ['a too short', () => cholesky([1, 0, 0], 2), "argument 'a' must have n * n = 4 entries (n = 2), got 3"],
    ['a too long', () => cholesky(new Float64Array(10), 3), "argument 'a' must have n * n = 9 entries"],
    ['n zero', () => cholesky([], 0), "argument 'n' must be a positive integer, got 0"],
    ['n fractional', () => cholesky([1, 0, 0, 1], 1.5), "argument 'n' must be a positive integer, got 1.5"],
    [
      'out of the wrong length',
      () => cholesky([1], 1, new Float64Array(2)),
      "argument 'out' must have n * n",
    ],
    ['NaN in the lower triangle', () => cholesky([1, 0, NaN, 1], 2), "argument 'a' must be finite, got NaN"],
    ['Infinity on the diagonal', () => cholesky([Infinity], 1), "argument 'a' must be finite, got Infinity"],
  ])('throws an error naming the argument: %s', (_, call, message) => {
    expect(call).toThrow(`cholesky: ${message}`);
  });
});
