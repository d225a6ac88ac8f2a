/**
 * `Logit` and `dequantize`: moving image data in [0, 1] to the real line, as RealNVP and Glow do before their flows.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017, section 4.1,
 * https://arxiv.org/abs/1605.08803; L. Theis, A. van den Oord and M. Bethge, "A note on the evaluation of generative
 * models", 2016, https://arxiv.org/abs/1511.01844
 */
import * as tf from '../engine/tf.js';
import { resolveSeed } from '../engine/random.js';
import { Bijector, BijectorError, sumRightmost } from './bijector.js';
import { checkEventNdims } from './shift.js';

/** Options of {@link Logit}. */
export interface LogitOptions {
  /** Squeeze the data into [alpha, 1 - alpha] before the logit, so that 0 and 1 stay finite; default 0.05. */
  alpha?: number;
  /** Event dimensions: 3 (default) for `[n, h, w, c]` images, 1 for vectors. */
  eventNdims?: number;
  /** Check that the inverse's input lies in the domain (reads the tensor back); default true. */
  validate?: boolean;
}

/**
 * The logit transform of RealNVP with its boundary squeeze alpha. In latentlab's direction convention (forward:
 * noise -> data) the forward map is the squeezed sigmoid and the inverse the logit:
 *
 *   forward(z) = (sigmoid(z) - alpha) / (1 - 2 alpha),  log|det J| = sum(log sigmoid(z) + log(1 - sigmoid(z)) - log(1 - 2 alpha))
 *   inverse(x) = logit(p), p = alpha + (1 - 2 alpha) x,   log|det J| = sum(log(1 - 2 alpha) - log p - log(1 - p))
 *
 * The inverse is defined where 0 < p < 1, i.e. for x in (-alpha / (1 - 2 alpha), (1 - alpha) / (1 - 2 alpha)), an
 * interval that contains [0, 1] when alpha > 0 (and is (0, 1) when alpha = 0), so data in [0, 1], dequantized or
 * not, and the forward map's samples are all accepted. With `validate` on, values outside it are an error.
 *
 * @example
 * const flow = new Chain([...couplings, new Logit({ alpha: 0.05 })]); // the Logit sits next to the data
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017, section 4.1,
 * https://arxiv.org/abs/1605.08803
 */
export class Logit extends Bijector {
  readonly eventNdims: number;
  readonly alpha: number;
  readonly validate: boolean;

  constructor({ alpha = 0.05, eventNdims = 3, validate = true }: LogitOptions = {}) {
    super();
    if (!(alpha >= 0 && alpha < 0.5))
      throw new BijectorError(`Logit: 'alpha' must be in [0, 0.5), got ${alpha}`);
    this.alpha = alpha;
    this.eventNdims = checkEventNdims(eventNdims, 'Logit');
    this.validate = validate;
  }

  forwardAndLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.batchShapeOf(z);
    const a = this.alpha;
    return tf.tidy(() => {
      const x = tf.div(tf.sub(tf.sigmoid(z), a), 1 - 2 * a);
      // log sigmoid(z) + log(1 - sigmoid(z)) = -softplus(-z) - softplus(z), stable for large |z|.
      const perElement = tf.sub(tf.neg(tf.add(tf.softplus(tf.neg(z)), tf.softplus(z))), Math.log(1 - 2 * a));
      return [x, sumRightmost(perElement, this.eventNdims)];
    });
  }

  override inverseAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.batchShapeOf(x, 'inverseAndLogDet');
    const a = this.alpha;
    if (this.validate) this.checkDomain(x);
    return tf.tidy(() => {
      const p = tf.add(tf.mul(x, 1 - 2 * a), a);
      const logP = tf.log(p);
      const log1mP = tf.log1p(tf.neg(p));
      const perElement = tf.sub(Math.log(1 - 2 * a), tf.add(logP, log1mP));
      return [tf.sub(logP, log1mP), sumRightmost(perElement, this.eventNdims)];
    });
  }

  private checkDomain(x: tf.Tensor): void {
    const a = this.alpha;
    const [low, high] = [-a / (1 - 2 * a), (1 - a) / (1 - 2 * a)];
    const values = x.dataSync();
    const bad = values.findIndex((v) => !(v > low && v < high));
    if (bad >= 0)
      throw new BijectorError(
        `Logit.inverse: argument 'x' must be data in [0, 1] (the map is defined on (${low.toPrecision(4)}, ` +
          `${high.toPrecision(4)}) for alpha ${a}), got ${values[bad]} at flat index ${bad}`,
      );
  }
}

/**
 * Uniform dequantization of 8-bit data: x holds values k / 255 (k = 0..255); returns (255 x + u) / 256 with
 * u ~ U(0, 1), a continuous variable in [0, 1) whose density a flow can model.
 *
 * Bits per dimension. Let y = 255 x + u in [0, 256)^D, so the returned value is v = y / 256. If p is the model's
 * density of v on [0, 1]^D, the density of y on [0, 256)^D is p(y / 256) / 256^D (change of variables), and by
 * Theis et al. the expected log-likelihood of y lower-bounds the discrete log-likelihood of the integer data k. In
 * bits per dimension:
 *
 *   bits/dim = -log2 p_y(y) / D = (-log p(v) + D log 256) / (D log 2).
 *
 * @example
 * const v = dequantize(images, 0); // images in {0, 1/255, ..., 1}
 * const bpd = tf.div(tf.add(tf.neg(flow.logProb(v)), D * Math.log(256)), D * Math.log(2));
 *
 * References: L. Theis, A. van den Oord and M. Bethge, "A note on the evaluation of generative models", 2016,
 * https://arxiv.org/abs/1511.01844
 */
export function dequantize(x: tf.Tensor, seed?: number): tf.Tensor {
  return tf.tidy(() =>
    tf.div(tf.add(tf.mul(x, 255), tf.randomUniform(x.shape, 0, 1, 'float32', resolveSeed(seed))), 256),
  );
}
