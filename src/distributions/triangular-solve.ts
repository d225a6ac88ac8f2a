/**
 * Batched lower-triangular solves written with differentiable tf ops (TensorFlow.js has no
 * `triangularSolve` kernel).
 */
import * as tf from '../engine/tf.js';
import { broadcastShapes } from './distribution.js';

/**
 * The lower triangle of `x` (diagonal included), with the strict upper triangle set to zero: numpy's `tril`.
 * Written as a select with a constant mask, because `tf.linalg.bandPart` calls chained tensor methods, which fail
 * in latentlab's module setup (see `engine/tf.ts`). Gradients reach the lower triangle only.
 */
export function lowerTriangle(x: tf.Tensor): tf.Tensor {
  const d = x.shape[x.rank - 1];
  if (x.rank < 2 || x.shape[x.rank - 2] !== d)
    throw new Error(`lowerTriangle: argument 'x' must have shape [..., d, d], got [${x.shape.join(', ')}]`);
  return tf.tidy(() => {
    const mask = new Uint8Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) mask[i * d + j] = 1;
    // A select, not a product with the mask, so that NaN or Infinity above the diagonal still becomes 0.
    return tf.where(tf.tensor2d(mask, [d, d], 'bool'), x, 0);
  });
}

/**
 * Solve L X = B for X by forward substitution, where L is lower-triangular with a non-zero diagonal.
 *
 * X_i = (B_i - sum_{j<i} L_ij X_j) / L_ii, one row at a time. Only the lower triangle of `L` (diagonal included) is
 * read; the strict upper triangle is ignored, as in `scipy.linalg.solve_triangular(L, B, lower=True)`, and receives a
 * zero gradient. The batch dimensions of `L` and `B` broadcast, and the products are elementwise, so a single `L`
 * of shape `[d, d]` solves a large `B` of shape `[n, d, k]` without being copied n times. Gradients with respect to
 * both `L` and `B` come from the ops of the loop (d is small in the distributions that use this).
 *
 * @param L - the triangular matrices, shape `[..., d, d]`.
 * @param b - the right-hand sides, shape `[..., d, k]` (expand a vector with `tf.expandDims(v, -1)`).
 * @returns X of shape `[...broadcast batch, d, k]`.
 *
 * @example
 * const L = tf.tensor2d([[2, 0], [1, 3]]);
 * const x = triangularSolveLower(L, tf.tensor2d([[2], [7]])); // [[1], [2]]
 */
export function triangularSolveLower(L: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const context = 'triangularSolveLower';
  if (L.rank < 2 || L.shape[L.rank - 1] !== L.shape[L.rank - 2])
    throw new Error(`${context}: argument 'L' must have shape [..., d, d], got [${L.shape.join(', ')}]`);
  const d = L.shape[L.rank - 1];
  if (b.rank < 2 || b.shape[b.rank - 2] !== d)
    throw new Error(`${context}: argument 'b' must have shape [..., ${d}, k], got [${b.shape.join(', ')}]`);
  broadcastShapes([L.shape.slice(0, -2), b.shape.slice(0, -2)], context);
  return tf.tidy(() => {
    const lBatch = L.shape.slice(0, -2);
    const lBegin = lBatch.map(() => 0);
    const lAll = lBatch.map(() => -1);
    const bBegin = b.shape.slice(0, -2).map(() => 0);
    const bAll = b.shape.slice(0, -2).map(() => -1);
    const k = b.shape[b.rank - 1];
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < d; i++) {
      const bi = tf.slice(b, [...bBegin, i, 0], [...bAll, 1, k]);
      const lii = tf.slice(L, [...lBegin, i, i], [...lAll, 1, 1]);
      let rhs = bi;
      if (i > 0) {
        // Row i of L left of the diagonal, as a column [..., i, 1] that broadcasts over the k right-hand sides.
        const li = tf.reshape(tf.slice(L, [...lBegin, i, 0], [...lAll, 1, i]), [...lBatch, i, 1]);
        const solved = rows.length === 1 ? rows[0] : tf.concat(rows, -2);
        rhs = tf.sub(bi, tf.sum(tf.mul(li, solved), -2, true));
      }
      rows.push(tf.div(rhs, lii));
    }
    return d === 1 ? rows[0] : tf.concat(rows, -2);
  });
}
