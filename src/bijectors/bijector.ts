/**
 * Bijectors: invertible, differentiable maps y = f(x) with the log-determinant of their Jacobian, the building
 * blocks of normalizing flows. By the change of variables, if x ~ p_X then y = f(x) has
 *
 *   log p_Y(y) = log p_X(f^-1(y)) + log |det J_{f^-1}(y)| = log p_X(x) - log |det J_f(x)|.
 *
 * One method is required, `forwardAndLogDet(x): [y, log|det J_f(x)|]` (distrax's interface); `inverseAndLogDet`
 * where the inverse is computable; everything else derives from the two. A bijector acts on events of
 * `eventNdims` rightmost dimensions (1 for vectors `[n, d]`, 3 for images `[n, h, w, c]`) and its log-det has the
 * batch shape: `x.shape` without those dimensions. Bijectors with parameters are `Module`s, so their parameters have
 * stable dotted names for optimizers and checkpoints. A conditional bijector takes a `context` (`[n, k]`, a one-hot
 * label, say), which its conditioner networks read.
 *
 * Direction convention (TFP's and distrax's): `forward` is the sampling direction, noise z to data x = f(z); `inverse`
 * is the density direction, data to noise, which `TransformedDistribution.logProb` uses. So in the formula above,
 * X is the base (noise) variable and Y the data.
 *
 * References: D. J. Rezende and S. Mohamed, "Variational Inference with Normalizing Flows", 2015,
 * https://arxiv.org/abs/1505.05770; G. Papamakarios et al., "Normalizing Flows for Probabilistic Modeling and
 * Inference", 2021, https://arxiv.org/abs/1912.02762
 */
import * as tf from '../engine/tf.js';
import { Module } from '../nn/module.js';

/** A bad argument to a bijector: the message names the bijector, the argument and what was expected. */
export class BijectorError extends Error {
  override name = 'BijectorError';
}

export abstract class Bijector extends Module {
  /** How many rightmost dimensions make one event: the log-det sums over them. */
  abstract readonly eventNdims: number;

  /** y = f(x) and log|det J_f(x)|, the latter of the batch shape. */
  abstract forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor];

  /** x = f^-1(y) and log|det J_{f^-1}(y)| = -log|det J_f(x)|. */
  inverseAndLogDet(_y: tf.Tensor, _context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    throw new BijectorError(`${this.constructor.name}: the inverse is not available`);
  }

  forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardAndLogDet(x, context)[0]);
  }

  inverse(y: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.inverseAndLogDet(y, context)[0]);
  }

  forwardLogDet(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardAndLogDet(x, context)[1]);
  }

  inverseLogDet(y: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.inverseAndLogDet(y, context)[1]);
  }

  /**
   * Data-dependent initialisation (ActNorm sets its scale and shift so that its data-to-noise output, `inverse(x)`,
   * on this first batch has zero mean and unit variance per channel). Called once, before training, with the values
   * this bijector receives in the density direction (data -> noise, the `inverse` pass): for a whole flow a batch of
   * data; a `Chain` hands each child, last to first, the value its inverse pass reaches that child with. The default
   * does nothing. Returns nothing; it must not leak tensors.
   */
  initialize(_x: tf.Tensor, _context?: tf.Tensor): void {}

  /** The batch shape of `x`: its shape without the event dimensions, checked to have them. */
  protected batchShapeOf(x: tf.Tensor, method = 'forwardAndLogDet'): number[] {
    if (x.rank < this.eventNdims)
      throw new BijectorError(
        `${this.constructor.name}.${method}: argument 'x' must have at least ${this.eventNdims} dimensions ` +
          `(one event), got shape [${x.shape.join(', ')}]`,
      );
    return x.shape.slice(0, x.rank - this.eventNdims);
  }
}

/** Sum `t` over its last `n` dimensions (a per-element log-det to a per-event one). */
export function sumRightmost(t: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return t;
  return tf.sum(
    t,
    Array.from({ length: n }, (_, i) => t.rank - n + i),
  );
}
