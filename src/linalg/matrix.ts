/**
 * Dense float64 matrices for small linear algebra (covariances, Glow's 1x1-convolution weights).
 *
 * Layout: an n x n matrix A is a flat array of n * n numbers in row-major order, A[i][j] = a[i * n + j], with the
 * order n passed explicitly. A block of m right-hand sides is n x m, row-major: B[i][j] = b[i * m + j], so a single
 * vector of length n is the case m = 1. Inputs may be any `ArrayLike<number>` (a `Float64Array`, a `Float32Array`
 * from `dataSync()`, a plain array); results are always new `Float64Array`s unless a function says otherwise.
 */

/** Throw unless `n` is a positive integer. */
export function checkOrder(n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${fn}: argument 'n' must be a positive integer, got ${n}`);
}

/** Throw unless `a` holds the n * n entries of a square matrix of order `n`. */
export function checkSquare(a: ArrayLike<number>, n: number, name: string, fn: string): void {
  checkOrder(n, fn);
  if (a.length !== n * n)
    throw new Error(
      `${fn}: argument '${name}' must have n * n = ${n * n} entries (n = ${n}), got ${a.length}`,
    );
}

/**
 * Throw unless the entries of `a` that `fn` reads are finite: the whole matrix, or its lower or upper triangle
 * (diagonal included unless `diagonal` is false), so a NaN is reported as such and not as a failed pivot.
 */
export function checkFinite(
  a: ArrayLike<number>,
  n: number,
  name: string,
  fn: string,
  part: 'all' | 'lower' | 'upper' = 'all',
  diagonal = true,
): void {
  for (let i = 0; i < n; i++) {
    const from = part === 'upper' ? (diagonal ? i : i + 1) : 0;
    const to = part === 'lower' ? (diagonal ? i + 1 : i) : n;
    for (let j = from; j < to; j++) {
      const v = a[i * n + j];
      if (!Number.isFinite(v))
        throw new Error(`${fn}: argument '${name}' must be finite, got ${v} at row ${i}, column ${j}`);
    }
  }
}

/**
 * The identity matrix of order `n`, row-major.
 *
 * @example
 * identity(2); // Float64Array [1, 0, 0, 1]
 */
export function identity(n: number): Float64Array {
  checkOrder(n, 'identity');
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * The transpose A^T of a square matrix of order `n`, row-major.
 *
 * @example
 * transpose([1, 2, 3, 4], 2); // Float64Array [1, 3, 2, 4]
 */
export function transpose(a: ArrayLike<number>, n: number): Float64Array {
  checkSquare(a, n, 'a', 'transpose');
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j];
  return out;
}

/**
 * The product C = A B of two square matrices of order `n`, row-major: C[i][j] = sum_k A[i][k] B[k][j].
 *
 * @example
 * matmul([1, 2, 3, 4], [0, 1, 1, 0], 2); // Float64Array [2, 1, 4, 3]
 */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  checkSquare(a, n, 'a', 'matmul');
  checkSquare(b, n, 'b', 'matmul');
  const out = new Float64Array(n * n);
  // i-k-j order: the innermost loop runs along contiguous rows of B and C.
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  return out;
}
