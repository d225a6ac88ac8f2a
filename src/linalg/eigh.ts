/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (row-major, see `matrix.ts`).
 */
import { checkFinite, checkOrder, checkSquare } from './matrix.js';

/** The result of {@link eigh}. */
export interface Eigh {
  /** The n eigenvalues, in descending order. */
  values: Float64Array;
  /** The eigenvectors as the columns of an n x n row-major matrix: vector j is (vectors[i * n + j])_i. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Eigenvalues and orthonormal eigenvectors of a symmetric matrix A of order `n`: A V = V diag(values), with the
 * values in descending order and each eigenvector's sign fixed so that its largest-magnitude coordinate (the first
 * one on ties) is positive, which makes the result deterministic.
 *
 * Cyclic Jacobi: sweep over all pairs p < q, each time applying the plane rotation J that zeroes A[p][q],
 * A <- J^T A J, V <- V J, until the off-diagonal part is below 1e-15 of A's Frobenius norm (a few sweeps: the
 * convergence is quadratic). About 6 n^3 operations a sweep, so it is meant for small matrices (covariances of a
 * few dozen dimensions); it is accurate to machine precision, relative to the largest eigenvalue. `a` may be flat,
 * row-major, or an array of rows; it must be symmetric to 1e-10 relative to its largest entry (the mean of A and
 * A^T is used).
 *
 * @example
 * eigh([2, 1, 1, 2], 2); // values [3, 1], vectors [0.7071, -0.7071, 0.7071, 0.7071] (columns (1, 1) / sqrt 2, (-1, 1) / sqrt 2)
 *
 * References: G. H. Golub and C. F. Van Loan, "Matrix Computations", 4th ed., 2013, section 8.5 (algorithm 8.5.3).
 */
export function eigh(a: ArrayLike<number> | number[][], n: number): Eigh {
  const fn = 'eigh';
  checkOrder(n, fn);
  let flat: ArrayLike<number>;
  if (Array.isArray(a) && a.length > 0 && Array.isArray(a[0])) {
    const rows = a;
    if (rows.length !== n || rows.some((r) => !Array.isArray(r) || r.length !== n))
      throw new Error(`${fn}: argument 'a' must be n = ${n} rows of n numbers each`);
    flat = rows.flat();
  } else flat = a as ArrayLike<number>;
  checkSquare(flat, n, 'a', fn);
  checkFinite(flat, n, 'a', fn);

  const m = new Float64Array(n * n);
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(flat[i]));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const [x, y] = [flat[i * n + j], flat[j * n + i]];
      if (Math.abs(x - y) > 1e-10 * largest)
        throw new Error(
          `${fn}: argument 'a' must be symmetric, but a[${i}][${j}] = ${x} and a[${j}][${i}] = ${y}`,
        );
      m[i * n + j] = m[j * n + i] = (x + y) / 2;
    }

  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let frobenius = 0;
  for (let i = 0; i < n * n; i++) frobenius += m[i] * m[i];
  const tolerance = 1e-30 * frobenius;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] * m[p * n + q];
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The symmetric Schur decomposition of the 2 x 2 block [[app, apq], [apq, aqq]] (Golub and Van Loan 8.5.2),
        // with the smaller rotation angle |theta| <= pi / 4.
        const tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.hypot(1, tau));
        const c = 1 / Math.hypot(1, t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [m[k * n + p], m[k * n + q]];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [m[p * n + k], m[q * n + k]];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const [vkp, vkq] = [v[k * n + p], v[k * n + q]];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    let big = 0;
    for (let k = 1; k < n; k++) if (Math.abs(v[k * n + from]) > Math.abs(v[big * n + from])) big = k;
    const sign = v[big * n + from] < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + to] = sign * v[k * n + from];
  });
  return { values, vectors };
}
