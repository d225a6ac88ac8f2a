/**
 * `Permute` and `Reverse`: fixed reorderings of the last axis, so that successive coupling layers transform
 * different coordinates.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError } from './bijector.js';
import { checkEventNdims } from './shift.js';

/** Options of {@link Permute}. */
export interface PermuteOptions {
  /** Event dimensions (1 for vectors, 3 for images whose channels are permuted); default 1. */
  eventNdims?: number;
}

/**
 * y[..., i] = x[..., permutation[i]]: a reordering of the last axis. Volume-preserving (log-det 0).
 * `permutation` must hold each of 0..d-1 once.
 *
 * @example
 * new Permute([2, 0, 1]).forward(tf.tensor2d([[10, 11, 12]])); // [[12, 10, 11]]
 */
export class Permute extends Bijector {
  readonly eventNdims: number;
  readonly permutation: readonly number[];
  private readonly inversePermutation: number[];

  constructor(permutation: number[], { eventNdims = 1 }: PermuteOptions = {}) {
    super();
    const d = permutation.length;
    const seen = new Set(permutation);
    if (d === 0 || seen.size !== d || !permutation.every((p) => Number.isInteger(p) && p >= 0 && p < d))
      throw new BijectorError(
        `Permute: 'permutation' must hold each of 0..${Math.max(d - 1, 0)} once, got [${permutation.join(', ')}]`,
      );
    this.eventNdims = checkEventNdims(eventNdims, 'Permute');
    this.permutation = [...permutation];
    this.inversePermutation = new Array<number>(d);
    permutation.forEach((p, i) => (this.inversePermutation[p] = i));
  }

  forwardAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.gather(x, this.permutation, 'forwardAndLogDet');
  }

  override inverseAndLogDet(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.gather(y, this.inversePermutation, 'inverseAndLogDet');
  }

  private gather(x: tf.Tensor, indices: readonly number[], method: string): [tf.Tensor, tf.Tensor] {
    const batch = this.batchShapeOf(x, method);
    if (x.shape[x.rank - 1] !== indices.length)
      throw new BijectorError(
        `Permute.${method}: argument 'x' has ${x.shape[x.rank - 1]} coordinates on its last axis, the permutation ${indices.length}`,
      );
    // A product with the 0/1 permutation matrix rather than tf.gather, whose gradient (UnsortedSegmentSum) the wasm
    // backend lacks; the products are exact.
    return tf.tidy(() => {
      const d = indices.length;
      const matrix = tf.oneHot(tf.tensor1d([...indices], 'int32'), d); // row i selects column indices[i]
      const flat = tf.reshape<tf.Rank.R2>(x, [-1, d]);
      const y = tf.matMul(flat, tf.cast(matrix, 'float32'), false, true);
      return [tf.reshape(y, x.shape), tf.zeros(batch)];
    });
  }
}

/**
 * y[..., i] = x[..., d - 1 - i]: the permutation that reverses the last axis (RealNVP's and NICE's alternation of
 * the roles of the two halves).
 *
 * @example
 * new Reverse(3).forward(tf.tensor2d([[1, 2, 3]])); // [[3, 2, 1]]
 */
export class Reverse extends Permute {
  constructor(d: number, options: PermuteOptions = {}) {
    if (!Number.isInteger(d) || d < 1)
      throw new BijectorError(`Reverse: 'd' must be an integer >= 1, got ${d}`);
    super(
      Array.from({ length: d }, (_, i) => d - 1 - i),
      options,
    );
  }
}
