/**
 * `Invert`: a bijector with its two directions swapped.
 */
import type * as tf from '../engine/tf.js';
import { Bijector } from './bijector.js';

/**
 * The inverse of `bijector`: forward is its inverse and inverse its forward, with the log-dets to match. The child
 * is registered as module `bijector` (parameters read `bijector.<name>`) and disposed with this one.
 *
 * `initialize` does nothing: a child's data-dependent initialisation is defined for the child's own data side, which
 * is the noise side here.
 *
 * @example
 * const b = new Invert(new Logit()); // forward: logit, inverse: sigmoid
 *
 * References: distrax's `Inverse`, TFP's `tfb.Invert`.
 */
export class Invert extends Bijector {
  readonly eventNdims: number;

  constructor(readonly bijector: Bijector) {
    super();
    this.addModule('bijector', bijector);
    this.eventNdims = bijector.eventNdims;
  }

  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.bijector.inverseAndLogDet(x, context);
  }

  override inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.bijector.forwardAndLogDet(y, context);
  }
}
