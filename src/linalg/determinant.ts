/**
 * LU factorisation with partial pivoting, and what follows from it: log-determinants and the inverse (row-major,
 * see `matrix.ts`).
 */
import { checkFinite, checkSquare, identity } from './matrix.js';
import { solveTriangularInPlace } from './triangular.js';

/** The packed result of {@link lu}. */
export interface LU {
  /** L strictly below the diagonal (its unit diagonal is implied) and U on and above it, n x n row-major. */
  lu: Float64Array;
  /** LAPACK's ipiv, 0-based: at step k, row k was swapped with row pivots[k] >= k. */
  pivots: Int32Array;
  /** det(P) = (-1)^(number of swaps). */
  sign: 1 | -1;
}

/**
 * LU factorisation with partial pivoting of a square matrix A of order `n`: P A = L U with P a permutation, L unit
 * lower triangular and U upper triangular, packed as LAPACK's getrf and `scipy.linalg.lu_factor` pack them.
 *
 * At step k the row with the largest |A[i][k]| (i >= k, first one on ties) is swapped into row k, then
 * L[i][k] = A[i][k] / U[k][k] and row i -= L[i][k] row k for i > k. A singular matrix is factorised too (a zero
 * column below the diagonal is skipped, leaving U[k][k] = 0), as getrf does; {@link slogdet} and {@link inverse}
 * then report it. About 2 n^3 / 3 operations.
 *
 * @example
 * const { lu: packed, pivots, sign } = lu([1, 2, 3, 4], 2); // rows swapped: pivots [1, 1], sign -1
 *
 * References: G. H. Golub and C. F. Van Loan, "Matrix Computations", 4th ed., 2013, section 3.4.
 */
export function lu(a: ArrayLike<number>, n: number): LU {
  return factorise(a, n, 'lu');
}

/** {@link lu}, its errors reported as `fn`'s. */
function factorise(a: ArrayLike<number>, n: number, fn: string): LU {
  checkSquare(a, n, 'a', fn);
  checkFinite(a, n, 'a', fn);
  const m = Float64Array.from(a);
  const pivots = new Int32Array(n);
  let sign: 1 | -1 = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    pivots[k] = p;
    if (p !== k) {
      sign = sign === 1 ? -1 : 1;
      for (let j = 0; j < n; j++) {
        const tmp = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = tmp;
      }
    }
    if (best === 0) continue;
    const ukk = m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const lik = (m[i * n + k] /= ukk);
      if (lik === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= lik * m[k * n + j];
    }
  }
  return { lu: m, pivots, sign };
}

/**
 * The three factors of P A = L U ({@link lu}) as separate n x n row-major matrices: the permutation matrix P, the
 * unit lower-triangular L and the upper-triangular U.
 *
 * Note the side P is on: `scipy.linalg.lu(a)` returns p with A = p L U, so its p is this P^T. Glow's LU-decomposed
 * 1x1 convolution, W = P L (U + diag(s)) with P fixed, is initialised from a random rotation W as
 * W = P^T L U here.
 *
 * @example
 * const { P, L, U } = luFactors(w, c); // matmul(P, w, c) equals matmul(L, U, c)
 *
 * References: D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions", 2018,
 * https://arxiv.org/abs/1807.03039
 */
export function luFactors(
  a: ArrayLike<number>,
  n: number,
): { P: Float64Array; L: Float64Array; U: Float64Array } {
  const { lu: packed, pivots } = factorise(a, n, 'luFactors');
  // Row i of P A is row perm[i] of A: replay the swaps on 0..n-1.
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    const tmp = perm[k];
    perm[k] = perm[pivots[k]];
    perm[pivots[k]] = tmp;
  }
  const P = new Float64Array(n * n);
  const L = identity(n);
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    P[i * n + perm[i]] = 1;
    for (let j = 0; j < n; j++) (j < i ? L : U)[i * n + j] = packed[i * n + j];
  }
  return { P, L, U };
}

/**
 * log det A from a Cholesky factor L of A = L L^T (`cholesky`): 2 sum_i log L[i][i]. Reads only the
 * diagonal, which a Cholesky factor has positive; it is not checked (a negative entry gives NaN).
 *
 * @example
 * logDetCholesky(cholesky([4, 2, 2, 3], 2), 2); // ≈ log 8 = 2.0794415416798357
 */
export function logDetCholesky(l: ArrayLike<number>, n: number): number {
  checkSquare(l, n, 'l', 'logDetCholesky');
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/**
 * Sign and log of the absolute value of det A, as `numpy.linalg.slogdet`: det A = sign * exp(logAbsDet), from
 * P A = L U, det A = det(P) prod_i U[i][i]. Stays finite where det A itself would overflow or underflow. A singular
 * A gives sign 0 and logAbsDet -Infinity, as in numpy.
 *
 * @example
 * slogdet([1, 2, 3, 4], 2); // { sign: -1, logAbsDet: log 2 = 0.6931471805599453 }
 */
export function slogdet(a: ArrayLike<number>, n: number): { sign: -1 | 0 | 1; logAbsDet: number } {
  const { lu: packed, sign: permutationSign } = factorise(a, n, 'slogdet');
  let sign: -1 | 0 | 1 = permutationSign;
  let logAbsDet = 0;
  for (let i = 0; i < n; i++) {
    const u = packed[i * n + i];
    if (u === 0) return { sign: 0, logAbsDet: -Infinity };
    if (u < 0) sign = sign === 1 ? -1 : 1;
    logAbsDet += Math.log(Math.abs(u));
  }
  return { sign, logAbsDet };
}

/**
 * The inverse A^{-1} of a square matrix of order `n`, n x n row-major, as `numpy.linalg.inv`: from P A = L U,
 * A^{-1} = U^{-1} L^{-1} P, by two triangular solves with the n columns of P as right-hand sides. Throws an error
 * naming the argument when A is exactly singular (a zero pivot); a nearly singular A gives large, inaccurate
 * entries, as in numpy. To solve A x = b, or for a positive-definite A, prefer `cholesky` and
 * `solveTriangular`: fewer operations and better accuracy.
 *
 * @example
 * inverse([4, 7, 2, 6], 2); // ≈ [0.6, -0.7, -0.2, 0.4]
 */
export function inverse(a: ArrayLike<number>, n: number): Float64Array {
  const { lu: packed, pivots } = factorise(a, n, 'inverse');
  for (let i = 0; i < n; i++)
    if (packed[i * n + i] === 0)
      throw new Error(`inverse: argument 'a' is singular: pivot ${i} of its LU factorisation is 0`);
  // P is the identity with the swaps applied to its rows.
  const x = identity(n);
  for (let k = 0; k < n; k++) {
    const p = pivots[k];
    if (p === k) continue;
    for (let j = 0; j < n; j++) {
      const tmp = x[k * n + j];
      x[k * n + j] = x[p * n + j];
      x[p * n + j] = tmp;
    }
  }
  solveTriangularInPlace(packed, x, n, { lower: true, unitDiagonal: true });
  return solveTriangularInPlace(packed, x, n, { lower: false });
}
