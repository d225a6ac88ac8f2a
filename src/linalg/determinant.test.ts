import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { cholesky } from './cholesky.js';
import { inverse, logDetCholesky, lu, luFactors, slogdet } from './determinant.js';
import { identity, matmul, transpose } from './matrix.js';

// Expected values are Float64Arrays: toBeAllClose reads plain arrays through a float32 tensor.
const f64 = (x: number[]) => Float64Array.from(x);
const exact = { rtol: 1e-10, atol: 1e-15 };

// Not symmetric; partial pivoting swaps rows at three of the four steps.
const G = [1.0, 2.0, -1.0, 0.5, 3.0, -1.0, 2.0, 1.0, -2.0, 4.0, 1.0, -3.0, 0.5, 1.0, 5.0, 2.0];

/** B B^T + 0.1 I for a standard-normal n x n B: symmetric positive definite, moderately conditioned. */
function randomSpd(n: number, seed: number): Float64Array {
  const b = randomMatrix(n, seed);
  const a = matmul(b, transpose(b, n), n);
  for (let i = 0; i < n; i++) a[i * n + i] += 0.1;
  return a;
}

function randomMatrix(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n * n }, () => rng.normal());
}

const sizes = Array.from({ length: 12 }, (_, i) => i + 1);

describe('lu and luFactors', () => {
  it('match scipy', () => {
    // lu, piv = scipy.linalg.lu_factor(G)
    const expected = f64([
      3.0, -1.0, 2.0, 1.0, -0.6666666666666666, 3.3333333333333335, 2.333333333333333, -2.3333333333333335,
      0.16666666666666666, 0.35000000000000003, 3.85, 2.6500000000000004, 0.3333333333333333,
      0.7000000000000001, -0.857142857142857, 4.071428571428571,
    ]);
    const { lu: packed, pivots, sign } = lu(G, 4);
    expect(packed).toBeAllClose(expected, exact);
    expect(Array.from(pivots)).toEqual([1, 2, 3, 3]);
    expect(sign).toBe(-1);

    // p, l, u = scipy.linalg.lu(G), with G = p l u, so P = p.T
    const p = f64([0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    const { P, L, U } = luFactors(G, 4);
    expect(P).toEqual(transpose(p, 4));
    expect(L).toBeAllClose(
      f64([
        1.0, 0.0, 0.0, 0.0, -0.6666666666666666, 1.0, 0.0, 0.0, 0.16666666666666666, 0.35000000000000003, 1.0,
        0.0, 0.3333333333333333, 0.7000000000000001, -0.857142857142857, 1.0,
      ]),
      exact,
    );
    expect(U).toBeAllClose(
      f64([
        3.0, -1.0, 2.0, 1.0, 0.0, 3.3333333333333335, 2.333333333333333, -2.3333333333333335, 0.0, 0.0, 3.85,
        2.6500000000000004, 0.0, 0.0, 0.0, 4.071428571428571,
      ]),
      exact,
    );
  });

  it.each(sizes)('P A = L U for random SPD and general matrices (n = %i)', (n) => {
    for (const a of [randomSpd(n, 200 + n), randomMatrix(n, 300 + n)]) {
      const { P, L, U } = luFactors(a, n);
      expect(matmul(P, a, n)).toBeAllClose(matmul(L, U, n), { rtol: 1e-10, atol: 1e-12 });
      for (let i = 0; i < n; i++) {
        expect(L[i * n + i]).toBe(1);
        for (let j = 0; j < n; j++) {
          if (j > i) expect(L[i * n + j]).toBe(0);
          if (j < i) expect(U[i * n + j]).toBe(0);
          if (j < i) expect(Math.abs(L[i * n + j])).toBeLessThanOrEqual(1); // partial pivoting bounds L
        }
      }
      // P is a permutation matrix whose determinant is lu's sign.
      expect(matmul(P, transpose(P, n), n)).toEqual(identity(n));
      expect(slogdet(P, n)).toEqual({ sign: lu(a, n).sign, logAbsDet: 0 });
    }
  });

  it('factorise a singular matrix, leaving a zero pivot', () => {
    const a = [1, 2, 3, 2, 4, 6, 1, 0, 1];
    const { P, L, U } = luFactors(a, 3);
    expect(matmul(P, a, 3)).toBeAllClose(matmul(L, U, 3), { rtol: 1e-12, atol: 1e-15 });
    expect(U[8]).toBe(0);
  });
});

describe('slogdet and logDetCholesky', () => {
  it('match numpy', () => {
    // numpy.linalg.slogdet(G): det G = -156.75
    const { sign, logAbsDet } = slogdet(G, 4);
    expect(sign).toBe(-1);
    expect(logAbsDet).toBeAllClose(5.05465217951303, exact);
    // numpy.linalg.slogdet(A), A = the SPD matrix of cholesky.test.ts
    const A = [4.5, 1.2, -0.8, 0.3, 1.2, 3.1, 0.6, -1.1, -0.8, 0.6, 2.7, 0.4, 0.3, -1.1, 0.4, 1.9];
    expect(slogdet(A, 4).sign).toBe(1);
    expect(slogdet(A, 4).logAbsDet).toBeAllClose(3.4671817320846516, exact);
    expect(logDetCholesky(cholesky(A, 4), 4)).toBeAllClose(3.4671817320846516, exact);
  });

  it.each(sizes)('agree with each other on random SPD matrices (n = %i)', (n) => {
    const a = randomSpd(n, 400 + n);
    const { sign, logAbsDet } = slogdet(a, n);
    expect(sign).toBe(1);
    expect(logDetCholesky(cholesky(a, n), n)).toBeAllClose(logAbsDet, { rtol: 1e-10, atol: 1e-12 });
  });

  it('stay finite where the determinant overflows or underflows', () => {
    for (const scale of [1e100, 1e-100]) {
      const { sign, logAbsDet } = slogdet(
        G.map((v) => v * scale),
        4,
      );
      expect(sign).toBe(-1);
      expect(logAbsDet).toBeAllClose(5.05465217951303 + 4 * Math.log(scale), exact);
    }
  });

  it('give sign 0 and -Infinity for a singular matrix, as numpy', () => {
    expect(slogdet([1, 2, 2, 4], 2)).toEqual({ sign: 0, logAbsDet: -Infinity });
    expect(slogdet([0, 0, 0, 0], 2)).toEqual({ sign: 0, logAbsDet: -Infinity });
  });
});

describe('inverse', () => {
  it('matches numpy', () => {
    // numpy.linalg.inv(G)
    const expected = f64([
      0.12759170653907498, 0.34768740031897927, 0.054226475279106845, -0.12440191387559808,
      0.29027113237639557, -0.05901116427432217, 0.07336523125996806, 0.06698564593301433,
      -0.16905901116427435, 0.08931419457735247, 0.07814992025518343, 0.11483253588516747, 0.2456140350877193,
      -0.2807017543859649, -0.2456140350877193, 0.21052631578947364,
    ]);
    expect(inverse(G, 4)).toBeAllClose(expected, exact);
  });

  it.each(sizes)('A A^{-1} = A^{-1} A = I for random SPD and general matrices (n = %i)', (n) => {
    for (const a of [randomSpd(n, 500 + n), randomMatrix(n, 600 + n)]) {
      const inv = inverse(a, n);
      expect(matmul(a, inv, n)).toBeAllClose(identity(n), { rtol: 0, atol: 1e-10 });
      expect(matmul(inv, a, n)).toBeAllClose(identity(n), { rtol: 0, atol: 1e-10 });
    }
  });
});

describe('argument errors', () => {
  it.each([
    [
      'inverse of a singular matrix',
      () => inverse([1, 2, 2, 4], 2),
      "inverse: argument 'a' is singular: pivot 1",
    ],
    ['inverse of the zero matrix', () => inverse([0], 1), "inverse: argument 'a' is singular: pivot 0"],
    [
      'lu, a too short',
      () => lu([1, 2, 3], 2),
      "lu: argument 'a' must have n * n = 4 entries (n = 2), got 3",
    ],
    [
      'luFactors, a too long',
      () => luFactors([1, 2], 1),
      "luFactors: argument 'a' must have n * n = 1 entries",
    ],
    ['slogdet, a too short', () => slogdet([1, 2, 3], 2), "slogdet: argument 'a' must have n * n = 4"],
    [
      'inverse, a too long',
      () => inverse(new Float64Array(5), 2),
      "inverse: argument 'a' must have n * n = 4",
    ],
    [
      'logDetCholesky, l too short',
      () => logDetCholesky([1], 2),
      "logDetCholesky: argument 'l' must have n * n",
    ],
    [
      'n not an integer',
      () => slogdet([1], 0.5),
      "slogdet: argument 'n' must be a positive integer, got 0.5",
    ],
    [
      'a not finite',
      () => slogdet([1, NaN, 0, 1], 2),
      "slogdet: argument 'a' must be finite, got NaN at row 0, column 1",
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
