/**
 * Triangular solves op(T) X = B by forward or back substitution (row-major, see `matrix.ts`).
 */
import { checkFinite, checkSquare } from './matrix.js';

/** Which triangle of T is used, and how. */
export interface TriangularOptions {
  /** T is lower triangular (only its lower triangle is read); false: upper. Default true. */
  lower?: boolean;
  /** Solve T^T X = B instead of T X = B. Default false. */
  transpose?: boolean;
  /** Take the diagonal of T to be ones without reading it (the L of an LU factorisation). Default false. */
  unitDiagonal?: boolean;
}

/**
 * Solve op(T) X = B for X, where T is a triangular matrix of order `n` and op(T) is T or T^T, as
 * `scipy.linalg.solve_triangular(T, B, lower, trans, unit_diagonal)` does. `b` is a vector of length n or a block
 * of m right-hand sides stored n x m row-major (B[i][j] = b[i * m + j]); the result has the same layout.
 *
 * Forward substitution when op(T) is lower triangular, X[i] = (B[i] - sum_{k<i} op(T)[i][k] X[k]) / op(T)[i][i],
 * and back substitution when it is upper. Only the triangle named by `lower` is read, so the two factors packed in
 * an LU matrix can be used in place. Throws an error naming the argument when a used diagonal entry is zero (T is
 * singular), when T is not finite, or when a length does not fit `n`. Non-finite entries of B give non-finite
 * results, as in IEEE arithmetic.
 *
 * @example
 * // L = [[2, 0], [1, 1]], L x = [2, 3]  =>  x = [1, 2]
 * solveTriangular([2, 0, 1, 1], [2, 3], 2); // Float64Array [1, 2]
 * // L^T x = [4, 2]  =>  x = [1, 2]
 * solveTriangular([2, 0, 1, 1], [4, 2], 2, { transpose: true }); // Float64Array [1, 2]
 */
export function solveTriangular(
  t: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  options: TriangularOptions = {},
): Float64Array {
  checkArguments(t, b, n, options, 'solveTriangular');
  return substitute(t, Float64Array.from(b), n, options);
}

/**
 * {@link solveTriangular} that overwrites `b` with the solution X and returns it: no allocation, for hot loops
 * such as a Gaussian mixture's E-step. To whiten N data points stored one per row (N x n), write the centred
 * points transposed into an n x N work buffer (sklearn's `solve_triangular(L, (X - mu).T, lower=True)`) and solve
 * all N at once; about n^2 N / 2 multiply-adds, every inner loop along a contiguous row of length N.
 *
 * @example
 * const work = new Float64Array([2, 3]);
 * solveTriangularInPlace([2, 0, 1, 1], work, 2); // work is now [1, 2]
 */
export function solveTriangularInPlace(
  t: ArrayLike<number>,
  b: Float64Array,
  n: number,
  options: TriangularOptions = {},
): Float64Array {
  checkArguments(t, b, n, options, 'solveTriangularInPlace');
  return substitute(t, b, n, options);
}

function checkArguments(
  t: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  { lower = true, unitDiagonal = false }: TriangularOptions,
  fn: string,
): void {
  checkSquare(t, n, 't', fn);
  if (b.length === 0 || b.length % n !== 0)
    throw new Error(
      `${fn}: argument 'b' must have n = ${n} entries or n * m entries (m right-hand sides), got ${b.length}`,
    );
  checkFinite(t, n, 't', fn, lower ? 'lower' : 'upper', !unitDiagonal);
  if (!unitDiagonal)
    for (let i = 0; i < n; i++)
      if (t[i * n + i] === 0)
        throw new Error(
          `${fn}: argument 't' is singular: diagonal entry ${i} is 0, so op(t) x = b has no unique solution`,
        );
}

/** Overwrite b with op(T)^{-1} b; arguments already checked. */
function substitute(
  t: ArrayLike<number>,
  b: Float64Array,
  n: number,
  { lower = true, transpose = false, unitDiagonal = false }: TriangularOptions,
): Float64Array {
  const m = b.length / n;
  // op(T)[i][k] = t[i * rowStride + k * colStride]: transposing swaps the strides and the triangle.
  const rowStride = transpose ? 1 : n;
  const colStride = transpose ? n : 1;
  const forward = lower !== transpose;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const ri = i * m;
    const from = forward ? 0 : i + 1;
    const to = forward ? i : n;
    for (let k = from; k < to; k++) {
      const c = t[i * rowStride + k * colStride];
      if (c === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) b[ri + j] -= c * b[rk + j];
    }
    if (!unitDiagonal) {
      const inv = 1 / t[i * n + i];
      for (let j = 0; j < m; j++) b[ri + j] *= inv;
    }
  }
  return b;
}
