/**
 * QR factorisation by Householder reflections (row-major, see `matrix.ts`).
 */
import { checkFinite, checkSquare, identity } from './matrix.js';

/**
 * The QR factorisation A = Q R of a square matrix of order `n`: Q orthogonal, R upper triangular, both n x n
 * row-major, as `numpy.linalg.qr(a)` (LAPACK's geqrf and orgqr) computes them, signs included.
 *
 * Step k reflects column k below the diagonal onto e_k with H_k = I - tau v v^T (LAPACK's dlarfg): with
 * alpha = A[k][k] and s = ||A[k+1:, k]||, R[k][k] = beta = -sign(alpha) sqrt(alpha^2 + s^2) (sign(0) = +1),
 * tau = (beta - alpha) / beta and v = (1, A[k+1:, k] / (alpha - beta)); when s = 0 nothing is reflected (tau = 0,
 * R[k][k] = alpha). Then Q = H_0 H_1 ... H_{n-1}. About 4 n^3 / 3 operations; backward stable.
 *
 * A random rotation, as Glow initialises its 1x1 convolutions, is the Q of a standard-normal matrix.
 *
 * @example
 * const { Q, R } = qr([3, 1, 4, 2], 2); // Q ≈ [-0.6, -0.8, -0.8, 0.6], R ≈ [-5, -2.2, 0, 0.4]
 *
 * References: G. H. Golub and C. F. Van Loan, "Matrix Computations", 4th ed., 2013, section 5.2.
 */
export function qr(a: ArrayLike<number>, n: number): { Q: Float64Array; R: Float64Array } {
  checkSquare(a, n, 'a', 'qr');
  checkFinite(a, n, 'a', 'qr');
  const R = Float64Array.from(a);
  const Q = identity(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const alpha = R[k * n + k];
    let s2 = 0;
    for (let i = k + 1; i < n; i++) s2 += R[i * n + k] ** 2;
    if (s2 === 0) continue;
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, Math.sqrt(s2));
    const tau = (beta - alpha) / beta;
    v[k] = 1;
    for (let i = k + 1; i < n; i++) v[i] = R[i * n + k] / (alpha - beta);
    // R <- H_k R on rows k.. and columns k+1..; column k becomes (beta, 0, ..., 0).
    for (let j = k + 1; j < n; j++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i] * R[i * n + j];
      dot *= tau;
      for (let i = k; i < n; i++) R[i * n + j] -= dot * v[i];
    }
    R[k * n + k] = beta;
    for (let i = k + 1; i < n; i++) R[i * n + k] = 0;
    // Q <- Q H_k on columns k..
    for (let r = 0; r < n; r++) {
      let dot = 0;
      for (let i = k; i < n; i++) dot += Q[r * n + i] * v[i];
      dot *= tau;
      for (let i = k; i < n; i++) Q[r * n + i] -= dot * v[i];
    }
  }
  return { Q, R };
}
