import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { eigh } from './eigh.js';
import { matmul, transpose } from './matrix.js';

// The symmetric matrix of cholesky.test.ts.
const A = [4.5, 1.2, -0.8, 0.3, 1.2, 3.1, 0.6, -1.1, -0.8, 0.6, 2.7, 0.4, 0.3, -1.1, 0.4, 1.9];
// w, v = numpy.linalg.eigh(A.reshape(4, 4)); w[::-1]; v = v[:, ::-1], each column multiplied by the sign of its
// largest-|.| entry.
const VALUES = Float64Array.from([
  5.286794066300096, 3.625752820915781, 2.6586282752245642, 0.6288248375595584,
]);
const VECTORS = Float64Array.from([
  0.8585104329983568, -0.3082995626262985, 0.27473742668329815, -0.30402395053160847, 0.47348993657065047,
  0.6840311421796501, -0.11016409302127311, 0.5438497486471097, -0.17082146994971736, 0.5536583558861122,
  0.7076928260711128, -0.40429359911973206, -0.09791395101573694, -0.36126887655916823, 0.6415248108340955,
  0.6695846280422233,
]);

/** A random symmetric n x n matrix with standard-normal entries (indefinite). */
function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** A V - V diag(values), which should be zero. */
function residual(
  a: ArrayLike<number>,
  n: number,
  values: Float64Array,
  vectors: Float64Array,
): Float64Array {
  const av = matmul(a, vectors, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) av[i * n + j] -= vectors[i * n + j] * values[j];
  return av;
}

describe('eigh', () => {
  it('matches numpy.linalg.eigh, values descending and vectors with a positive largest coordinate', () => {
    const { values, vectors } = eigh(A, 4);
    expect(values).toBeAllClose(VALUES, { rtol: 1e-12, atol: 0 });
    expect(vectors).toBeAllClose(VECTORS, { rtol: 1e-10, atol: 1e-12 });
  });

  it.each([
    // numpy.linalg.eigh([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])[0][::-1]
    [
      'the second-difference matrix',
      [2, -1, 0, -1, 2, -1, 0, -1, 2],
      [3.414213562373095, 2, 0.5857864376269051],
    ],
    // c = numpy.diag([1., 3., 2.]); c[0, 2] = c[2, 0] = 1e-3; numpy.linalg.eigh(c)[0][::-1]
    ['a nearly diagonal matrix', [1, 0, 1e-3, 0, 3, 0, 1e-3, 0, 2], [3, 2.000000999999, 0.999999000001]],
    ['a 1 x 1 matrix', [-2.5], [-2.5]],
    ['the zero matrix', [0, 0, 0, 0], [0, 0]],
  ])('matches numpy on %s', (_, a, expected) => {
    const n = expected.length;
    const { values, vectors } = eigh(a, n);
    expect(values).toBeAllClose(Float64Array.from(expected), { rtol: 1e-12, atol: 1e-15 });
    expect(residual(a, n, values, vectors)).toBeAllClose(new Float64Array(n * n), { atol: 1e-12, rtol: 0 });
  });

  it('accepts an array of rows', () => {
    const rows = [0, 1, 2, 3].map((i) => A.slice(4 * i, 4 * i + 4));
    expect(eigh(rows, 4).values).toBeAllClose(VALUES, { rtol: 1e-12, atol: 0 });
  });

  it.each([1, 2, 3, 5, 8, 13, 20])('A V = V diag(values), V^T V = I, values sorted (random, n = %i)', (n) => {
    const a = randomSymmetric(n, 7 + n);
    const { values, vectors } = eigh(a, n);
    expect(residual(a, n, values, vectors)).toBeAllClose(new Float64Array(n * n), { atol: 1e-11, rtol: 0 });
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 1;
    expect(matmul(transpose(vectors, n), vectors, n)).toBeAllClose(identity, { atol: 1e-12, rtol: 0 });
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 10);
  });

  it('finds repeated eigenvalues', () => {
    // Q diag(2, 2, -1) Q^T for a rotation Q.
    const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
    const q = [c, -s, 0, s, c, 0, 0, 0, 1];
    const d = [2, 0, 0, 0, -1, 0, 0, 0, 2];
    const a = matmul(matmul(q, d, 3), transpose(q, 3), 3);
    expect(eigh(a, 3).values).toBeAllClose(Float64Array.from([2, 2, -1]), { rtol: 1e-13, atol: 0 });
  });

  it.each([
    ['a non-symmetric matrix', [1, 2, 3, 4], 2, /argument 'a' must be symmetric/],
    ['a wrong length', [1, 2, 3], 2, /argument 'a' must have n \* n = 4 entries/],
    ['a NaN', [1, NaN, NaN, 1], 2, /argument 'a' must be finite/],
    ['ragged rows', [[1, 2], [2]], 2, /argument 'a' must be n = 2 rows/],
    ['a bad order', [1], 0, /argument 'n' must be a positive integer/],
  ])('rejects %s, naming the argument', (_, a, n, message) => {
    expect(() => eigh(a, n)).toThrow(message);
  });
});
