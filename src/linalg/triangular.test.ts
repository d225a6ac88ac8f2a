import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { solveTriangular, solveTriangularInPlace, type TriangularOptions } from './triangular.js';

// A full matrix: each case reads only the triangle it names, as scipy does. Expected values are Float64Arrays
// because toBeAllClose reads plain arrays through a float32 tensor.
const T = [2.0, 0.7, -1.3, 0.4, 0.5, -1.5, 0.9, 2.2, -1.2, 0.8, 3.0, -0.6, 0.3, -2.1, 1.1, -0.9];
const b = [1.0, -2.0, 0.5, 3.0];
// Three right-hand sides, 4 x 3 row-major.
const B = [1.0, 0.0, -1.0, 2.0, 1.0, 0.5, -0.5, 3.0, 1.0, 0.0, -1.0, 2.0];
const f64 = (x: number[]) => Float64Array.from(x);

// scipy.linalg.solve_triangular(T, b, lower=lower, trans=trans, unit_diagonal=unit), then the same with B.
const cases: [string, TriangularOptions, Float64Array, Float64Array][] = [
  [
    'lower',
    { lower: true },
    f64([0.5, 1.5, -0.03333333333333336, -6.707407407407407]),
    f64([
      0.5, 0.0, -0.5, -1.1666666666666665, -0.6666666666666666, -0.5, 0.3444444444444444, 1.1777777777777776,
      0.26666666666666666, 3.3098765432098767, 4.106172839506173, -0.8962962962962961,
    ]),
  ],
  [
    'lower, unit diagonal',
    { lower: true, unitDiagonal: true },
    f64([1.0, -2.5, 3.7, -6.620000000000001]),
    f64([
      1.0, 0.0, -1.0, 1.5, 1.0, 1.0, -0.5000000000000001, 2.2, -1.0, 3.4000000000000004, -1.3200000000000003,
      5.5,
    ]),
  ],
  [
    'lower, transposed',
    { lower: true, transpose: true },
    f64([0.14814814814814814, 6.7407407407407405, 1.388888888888889, -3.333333333333333]),
    f64([
      0.7555555555555555, 0.6654320987654321, -0.3253086419753086, -1.422222222222222, -1.906172839506173,
      3.3901234567901235, -0.16666666666666666, 0.5925925925925926, 1.1481481481481481, 0.0,
      1.1111111111111112, -2.2222222222222223,
    ]),
  ],
  [
    'lower, transposed, unit diagonal',
    { lower: true, transpose: true, unitDiagonal: true },
    f64([-6.530000000000001, 6.540000000000001, -2.8000000000000003, 3.0]),
    f64([-0.7999999999999999, 7.41, -5.87, 2.4, -4.38, 5.66, -0.5, 4.1, -1.2000000000000002, 0.0, -1.0, 2.0]),
  ],
  [
    'upper',
    { lower: false },
    f64([2.1911111111111112, -3.8555555555555556, -0.49999999999999994, -3.333333333333333]),
    f64([
      0.8933333333333332, -0.021481481481481518, 1.1529629629629627, -1.4333333333333331, 1.6962962962962964,
      -3.659259259259259, -0.16666666666666666, 1.222222222222222, -0.11111111111111112, 0.0,
      1.1111111111111112, -2.2222222222222223,
    ]),
  ],
  [
    'upper, unit diagonal',
    { lower: false, unitDiagonal: true },
    f64([10.259, -10.67, 2.3, 3.0]),
    f64([-1.365, 2.792, 5.176, 2.45, 1.0400000000000003, -5.880000000000001, -0.5, 2.4, 2.2, 0.0, -1.0, 2.0]),
  ],
  [
    'upper, transposed',
    { lower: false, transpose: true },
    f64([0.5, 1.5666666666666667, -0.08666666666666671, 0.7762962962962967]),
    f64([
      0.5, 0.0, -0.5, -1.0999999999999999, -0.6666666666666666, -0.5666666666666667, 0.37999999999999995, 1.2,
      0.2866666666666666, -2.7199999999999998, -1.3185185185185186, -4.020740740740742,
    ]),
  ],
  [
    'upper, transposed, unit diagonal',
    { lower: false, transpose: true, unitDiagonal: true },
    f64([1.0, -2.7, 4.23, 11.078000000000001]),
    f64([
      1.0, 0.0, -1.0, 1.3, 1.0, 1.2, -0.37000000000000005, 2.1, -1.3800000000000001, -3.482,
      -1.9400000000000002, -1.0680000000000003,
    ]),
  ],
];

/** op(T) X for T read as `solveTriangular` reads it, X n x m row-major. */
function applyTriangular(t: ArrayLike<number>, x: ArrayLike<number>, n: number, options: TriangularOptions) {
  const { lower = true, transpose = false, unitDiagonal = false } = options;
  const m = x.length / n;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const [r, c] = transpose ? [k, i] : [i, k];
      if (lower ? c > r : c < r) continue;
      const tik = r === c && unitDiagonal ? 1 : t[r * n + c];
      for (let j = 0; j < m; j++) out[i * m + j] += tik * x[k * m + j];
    }
  return out;
}

describe('solveTriangular', () => {
  it.each(cases)('matches scipy for one and three right-hand sides: %s', (_, options, x, X) => {
    expect(solveTriangular(T, b, 4, options)).toBeAllClose(x, { rtol: 1e-10, atol: 1e-15 });
    expect(solveTriangular(T, B, 4, options)).toBeAllClose(X, { rtol: 1e-10, atol: 1e-15 });
  });

  it.each(
    Array.from({ length: 12 }, (_, i) =>
      cases.map(([name, options]): [number, string, TriangularOptions] => [i + 1, name, options]),
    ).flat(),
  )('op(T) X = B for a random T and 5 right-hand sides (n = %i, %s)', (n, _, options) => {
    const rng = new Random(n);
    // A dominant diagonal of either sign keeps T well conditioned.
    const t = Float64Array.from({ length: n * n }, (_, i) =>
      i % (n + 1) === 0 ? (rng.next() < 0.5 ? -1 : 1) * (1 + rng.next()) : rng.normal() / n,
    );
    const rhs = Float64Array.from({ length: n * 5 }, () => rng.normal());
    const x = solveTriangular(t, rhs, n, options);
    expect(applyTriangular(t, x, n, options)).toBeAllClose(rhs, { rtol: 1e-10, atol: 1e-12 });
  });

  it('the in-place variant overwrites and returns b; the other leaves b alone', () => {
    const work = Float64Array.from(B);
    expect(solveTriangularInPlace(T, work, 4, { transpose: true })).toBe(work);
    expect(work).toBeAllClose(cases[2][3], { rtol: 1e-10, atol: 1e-15 });
    const input = Float64Array.from(B);
    solveTriangular(T, input, 4);
    expect(input).toEqual(Float64Array.from(B));
  });

  it('a unit diagonal is not read, so a zero there is no error', () => {
    expect(solveTriangular([0, 0, 3, 0], [1, 5], 2, { unitDiagonal: true })).toEqual(
      new Float64Array([1, 2]),
    );
  });

  it('NaN in b gives NaN in the rows that depend on it', () => {
    const x = solveTriangular([2, 0, 1, 1], [NaN, 1], 2);
    expect(Number.isNaN(x[0]) && Number.isNaN(x[1])).toBe(true);
    const y = solveTriangular([2, 0, 1, 1], [2, NaN], 2);
    expect(y[0]).toBe(1);
    expect(Number.isNaN(y[1])).toBe(true);
  });

  it.each([
    [
      't singular (lower)',
      () => solveTriangular([1, 0, 2, 0], [1, 1], 2),
      "argument 't' is singular: diagonal entry 1 is 0",
    ],
    [
      't singular (upper)',
      () => solveTriangular([0, 1, 0, 1], [1, 1], 2, { lower: false }),
      'diagonal entry 0 is 0',
    ],
    [
      't of the wrong length',
      () => solveTriangular([1, 0, 1], [1, 1], 2),
      "argument 't' must have n * n = 4",
    ],
    [
      'b of the wrong length',
      () => solveTriangular([1, 0, 0, 1], [1, 1, 1], 2),
      "argument 'b' must have n = 2",
    ],
    ['b empty', () => solveTriangular([1], [], 1), "argument 'b' must have n = 1 entries or n * m entries"],
    [
      'n not a positive integer',
      () => solveTriangular([1], [1], -1),
      "argument 'n' must be a positive integer",
    ],
    [
      't not finite',
      () => solveTriangular([1, 0, NaN, 1], [1, 1], 2),
      "argument 't' must be finite, got NaN",
    ],
  ])('throws an error naming the argument: %s', (_, call, message) => {
    expect(call).toThrow(message);
    expect(call).toThrow(/^solveTriangular: /);
  });

  it('checks t before touching b in place', () => {
    const work = new Float64Array([1, 1]);
    expect(() => solveTriangularInPlace([1, 0, 2, 0], work, 2)).toThrow('singular');
    expect(work).toEqual(new Float64Array([1, 1]));
  });
});
