/**
 * The few largest eigenpairs of a large symmetric matrix, by subspace iteration with Rayleigh-Ritz: what principal
 * components of high-dimensional data (a 784 x 784 pixel covariance) need, at O(n^2) per iteration instead of the
 * O(n^3) per sweep of a full decomposition.
 */
import { deriveSeed } from '../engine/random.js';
import { eigh, type Eigh } from './eigh.js';
import { checkFinite, checkOrder, checkSquare } from './matrix.js';

const MAX_ITERATIONS = 500;

/** Column j of the n x b `q` from a fixed linear congruential stream started at `seed`. */
function fillPseudoRandom(q: Float64Array, n: number, b: number, j: number, seed: number): void {
  let state = seed >>> 0;
  for (let r = 0; r < n; r++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    q[r * b + j] = state / 4294967296 - 0.5;
  }
}

/** Orthonormalise the b columns of the n x b row-major `q` in place (modified Gram-Schmidt, twice for stability). */
function orthonormalizeColumns(q: Float64Array, n: number, b: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < b; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += q[r * b + i] * q[r * b + j];
        for (let r = 0; r < n; r++) q[r * b + j] -= dot * q[r * b + i];
      }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += q[r * b + j] * q[r * b + j];
      norm = Math.sqrt(norm);
      // A column in the span of the others (A of rank < b): any unit vector orthogonal to them will do, so start
      // the column again from a fresh pseudo-random vector.
      if (norm < 1e-150) {
        fillPseudoRandom(q, n, b, j, deriveSeed(pass, 'column', j));
        j--;
        continue;
      }
      for (let r = 0; r < n; r++) q[r * b + j] /= norm;
    }
}

/** y = A q for the n x n `a` and the n x b `q` (both row-major). */
function multiply(a: Float64Array, q: Float64Array, n: number, b: number, y: Float64Array): void {
  y.fill(0);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const arc = a[r * n + c];
      if (arc === 0) continue;
      for (let j = 0; j < b; j++) y[r * b + j] += arc * q[c * b + j];
    }
}

/**
 * The `k` largest eigenvalues (descending) of the symmetric n x n matrix `a` and their eigenvectors, as the columns
 * of an n x k row-major matrix, with the sign convention of {@link eigh} (each vector's largest-magnitude
 * coordinate positive). Meant for positive semi-definite matrices such as covariances, where the largest
 * eigenvalues are the largest in magnitude.
 *
 * Subspace iteration on a block of k + 8 columns, each step Q <- orth(A Q), with Rayleigh-Ritz (the eigenpairs of
 * Q^T A Q) until every wanted residual ||A v - theta v|| is below 1e-10 times the largest eigenvalue. For small n
 * (at most 64) it simply calls {@link eigh}.
 *
 * @example
 * const { values, vectors } = topEigh(covariance, 784, 2); // the first two principal axes of MNIST's pixels
 *
 * References: Y. Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., 2011, section 5.2.
 */
export function topEigh(a: ArrayLike<number>, n: number, k: number): Eigh {
  const fn = 'topEigh';
  checkOrder(n, fn);
  checkSquare(a, n, 'a', fn);
  checkFinite(a, n, 'a', fn);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`${fn}: argument 'k' must be an integer in [1, n = ${n}], got ${k}`);
  if (n <= 64) {
    const full = eigh(a, n);
    const vectors = new Float64Array(n * k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) vectors[r * k + j] = full.vectors[r * n + j];
    return { values: full.values.slice(0, k), vectors };
  }
  const m = Float64Array.from(a);
  const b = Math.min(n, k + 8);
  // A fixed, well-spread start (a deterministic pseudo-random block), so the result does not depend on a seed.
  const q = new Float64Array(n * b);
  for (let j = 0; j < b; j++) fillPseudoRandom(q, n, b, j, 0x2545f491 + j);
  orthonormalizeColumns(q, n, b);
  const y = new Float64Array(n * b);
  let ritz: Eigh = { values: new Float64Array(b), vectors: new Float64Array(b * b) };
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    multiply(m, q, n, b, y);
    // Rayleigh-Ritz: T = Q^T A Q, its eigenpairs rotate Q onto the Ritz vectors.
    const t = new Float64Array(b * b);
    for (let i = 0; i < b; i++)
      for (let j = i; j < b; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += q[r * b + i] * y[r * b + j];
        t[i * b + j] = s;
      }
    for (let i = 0; i < b; i++) for (let j = 0; j < i; j++) t[i * b + j] = t[j * b + i];
    ritz = eigh(t, b);
    const scale = Math.max(Math.abs(ritz.values[0]), 1e-300);
    let worst = 0;
    for (let j = 0; j < k; j++) {
      let residual = 0;
      for (let r = 0; r < n; r++) {
        let av = 0;
        let v = 0;
        for (let i = 0; i < b; i++) {
          av += y[r * b + i] * ritz.vectors[i * b + j];
          v += q[r * b + i] * ritz.vectors[i * b + j];
        }
        residual += (av - ritz.values[j] * v) ** 2;
      }
      worst = Math.max(worst, Math.sqrt(residual) / scale);
    }
    if (worst <= 1e-10 || iteration === MAX_ITERATIONS - 1) break;
    q.set(y);
    orthonormalizeColumns(q, n, b);
  }
  const vectors = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let r = 0; r < n; r++) {
      let v = 0;
      for (let i = 0; i < b; i++) v += q[r * b + i] * ritz.vectors[i * b + j];
      vectors[r * k + j] = v;
      if (Math.abs(v) > Math.abs(vectors[big * k + j])) big = r;
    }
    if (vectors[big * k + j] < 0) for (let r = 0; r < n; r++) vectors[r * k + j] = -vectors[r * k + j];
  }
  return { values: ritz.values.slice(0, k), vectors };
}
