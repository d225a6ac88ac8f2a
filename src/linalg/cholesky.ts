/**
 * Cholesky factorisation A = L L^T of a symmetric positive-definite matrix (row-major, see `matrix.ts`).
 */
import { checkFinite, checkSquare } from './matrix.js';

/**
 * Thrown by {@link cholesky} when the matrix is not (numerically) positive definite. `index` is the 0-based pivot
 * that failed and `pivot` its value, A[j][j] - sum_{k<j} L[j][k]^2 (zero, negative or NaN): the leading
 * (index + 1) x (index + 1) block of A is not positive definite, as LAPACK's potrf reports with info = index + 1.
 */
export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly index: number,
    readonly pivot: number,
  ) {
    super(
      `cholesky: argument 'a' is not positive definite: pivot ${index} is ${pivot} (the leading ` +
        `${index + 1} x ${index + 1} block is not positive definite); for a covariance, add a small multiple ` +
        `of the identity to the diagonal`,
    );
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * The lower-triangular Cholesky factor L of a symmetric positive-definite matrix A of order `n`: A = L L^T with
 * L[j][j] > 0, row-major, zeros above the diagonal.
 *
 * L[i][j] = (A[i][j] - sum_{k<j} L[i][k] L[j][k]) / L[j][j] for j < i, and L[j][j] = sqrt(A[j][j] - sum_{k<j}
 * L[j][k]^2) (Cholesky-Banachiewicz, row by row, so every inner loop runs along contiguous rows). Only the lower
 * triangle of A is read, as in LAPACK and `scipy.linalg.cholesky(a, lower=True)`; symmetry is not checked.
 * About n^3 / 6 multiply-adds and no allocation when `out` is given (`out` may be `a` itself, which is then
 * overwritten even when the factorisation fails).
 *
 * Throws {@link NotPositiveDefiniteError} when a pivot is not positive, and an error naming the argument when
 * `a` does not have n * n entries or its lower triangle is not finite.
 *
 * @example
 * cholesky([4, 2, 2, 3], 2); // Float64Array [2, 0, 1, 1.4142135623730951]
 *
 * References: G. H. Golub and C. F. Van Loan, "Matrix Computations", 4th ed., 2013, section 4.2.
 */
export function cholesky(a: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  checkSquare(a, n, 'a', 'cholesky');
  if (out === undefined) out = new Float64Array(n * n);
  else checkSquare(out, n, 'out', 'cholesky');
  checkFinite(a, n, 'a', 'cholesky', 'lower');
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= out[ri + k] * out[rj + k];
      out[ri + j] = s / out[rj + j];
    }
    let d = a[ri + i];
    for (let k = 0; k < i; k++) d -= out[ri + k] * out[ri + k];
    if (!(d > 0)) throw new NotPositiveDefiniteError(i, d);
    out[ri + i] = Math.sqrt(d);
    for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  }
  return out;
}
