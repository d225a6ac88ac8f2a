/**
 * `Scale`: y = x exp(logScale), a learnable per-coordinate rescaling; NICE's final scaling layer.
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
import * as tf from '../engine/tf.js';
import { Bijector } from './bijector.js';
import { checkEventNdims, perCoordinate } from './shift.js';

/** Options of {@link Scale}. */
export interface ScaleOptions {
  /** Register `logScale` as a trainable parameter (default true); otherwise it is a constant the bijector owns. */
  learnable?: boolean;
  /** The initial LOG-scale: one number for every coordinate, or d numbers; default 0 (the identity). */
  init?: number | number[];
  /** Event dimensions (1 for vectors `[n, d]`, 3 for images `[n, h, w, d]`); the scale acts on the last; default 1. */
  eventNdims?: number;
}

/**
 * Per-coordinate scaling along the last axis, y = x exp(logScale), with `logScale` of shape `[d]` (a parameter
 * named `logScale` when learnable), so the scale stays positive without constraints.
 *
 * log|det J| = sum(logScale) for a vector event; when `eventNdims` > 1 the same d scales apply at every position of
 * the other event axes (every pixel of an `[h, w, d]` image), so the log-det is h w sum(logScale): sum(logScale)
 * times the product of the event shape without its last axis.
 *
 * NICE ends with this layer, "a diagonal scaling matrix S" that lets the volume-preserving additive couplings give
 * coordinates different weights: see {@link niceScaling}.
 *
 * @example
 * const b = new Scale(2, { init: [Math.log(2), 0] });
 * b.forwardAndLogDet(tf.tensor2d([[1, 1]])); // [[[2, 1]], [log 2]]
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
export class Scale extends Bijector {
  readonly eventNdims: number;
  readonly logScale: tf.Tensor1D;
  private readonly owned: boolean;

  constructor(
    readonly d: number,
    { learnable = true, init = 0, eventNdims = 1 }: ScaleOptions = {},
  ) {
    super();
    const where = `Scale(${d})`;
    this.eventNdims = checkEventNdims(eventNdims, where);
    const logScale = perCoordinate(init, d, 'init', where);
    this.owned = !learnable;
    this.logScale = learnable ? (this.addParameter('logScale', logScale) as tf.Tensor1D) : logScale;
  }

  forwardAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => [tf.mul(x, tf.exp(this.logScale)), this.logDet(x, 1)]);
  }

  override inverseAndLogDet(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => [tf.mul(y, tf.exp(tf.neg(this.logScale))), this.logDet(y, -1, 'inverseAndLogDet')]);
  }

  override dispose(): void {
    if (this.owned) this.logScale.dispose();
    super.dispose();
  }

  private logDet(x: tf.Tensor, sign: 1 | -1, method?: string): tf.Tensor {
    const batch = this.batchShapeOf(x, method);
    const positions = x.shape.slice(x.rank - this.eventNdims, x.rank - 1).reduce((a, s) => a * s, 1);
    return tf.broadcastTo(tf.mul(tf.sum(this.logScale), sign * positions), batch);
  }
}

/**
 * NICE's scaling layer: `new Scale(d)`, a learnable diagonal exp(logScale) applied after the additive couplings
 * (the paper's S, with log-det sum(log S_ii)).
 *
 * @example
 * const flow = new Chain([new AdditiveCoupling(alternatingMask(4, 0)), ..., niceScaling(4)]);
 */
export const niceScaling = (d: number): Scale => new Scale(d);
