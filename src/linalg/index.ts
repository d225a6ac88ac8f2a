/**
 * Small dense float64 linear algebra: row-major n x n matrices as flat arrays with the order n passed explicitly
 * (see `matrix.ts`).
 */
export { cholesky, NotPositiveDefiniteError } from './cholesky.js';
export { solveTriangular, solveTriangularInPlace } from './triangular.js';
export type { TriangularOptions } from './triangular.js';
export { inverse, logDetCholesky, lu, luFactors, slogdet } from './determinant.js';
export type { LU } from './determinant.js';
export { identity, matmul, transpose } from './matrix.js';
export { eigh } from './eigh.js';
export type { Eigh } from './eigh.js';
export { qr } from './qr.js';
export { topEigh } from './top-eigh.js';
