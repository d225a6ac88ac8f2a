/**
 * `AffineCoupling`: RealNVP's coupling layer, for vectors and NHWC images.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import * as tf from '../engine/tf.js';
import type { Activation } from '../nn/activations.js';
import type { MLP } from '../nn/mlp.js';
import { Bijector, BijectorError, sumRightmost } from './bijector.js';
import {
  checkAgainstMask,
  checkContext,
  conditionerInput,
  makeConditioner,
  toMask,
  type ConvConditioner,
  type MaskInput,
} from './conditioner.js';

/** Options of {@link AffineCoupling}. */
export interface AffineCouplingOptions {
  /** Widths of the conditioner's hidden layers (channels of its 3x3 convolutions for an image mask); default [64, 64]. */
  hidden?: number[];
  /** Activation of the hidden layers; default `relu`. */
  activation?: Activation;
  /** Size of the context vector given to the conditioner; default 0 (unconditional). */
  contextSize?: number;
  /** Seed of the conditioner's initial weights; default: the global stream. */
  seed?: number;
  /**
   * Bound the log-scale as s = logScaleBound tanh(raw). Default: RealNVP's learnable factor, s = scale tanh(raw)
   * with a parameter `scale` (one per coordinate for vectors, one per channel for images) initialised to 1.
   */
  logScaleBound?: number;
}

/**
 * Affine coupling. Forward (the sampling direction, noise to data):
 *
 *   y = mask x + (1 - mask)(x exp(s) + t),  log|det J| = sum over the event of (1 - mask) s,
 *
 * with [raw, t] = net(mask x [, context]) and s = scale tanh(raw) (see `logScaleBound`), both zeroed where the mask
 * is 1. Inverse (the density direction): x = mask y + (1 - mask)(y - t) exp(-s), as mask y = mask x.
 *
 * For a `[d]` mask the conditioner `net` is an MLP d (+ contextSize) -> hidden -> 2d (raw log-scales, then shifts);
 * for an `[h, w, c]` mask (checkerboard or channel) it is 3x3 'same' convolutions with `hidden` channels and a 3x3
 * output convolution of 2c channels, the context appended as constant channels. The output layer starts at zero,
 * so a new layer is the identity. With an alternating mask, hidden [64, 64], ReLU and logScaleBound 1 this is the
 * PyTorch peer's `Coupling` (`flow2d_torch.py`), whose `inverse` is {@link AffineCoupling.inverseAndLogDet}.
 *
 * @example
 * const layer = new AffineCoupling(checkerboardMask(8, 8, 3, 0), { hidden: [32, 32], seed: 0 });
 * const [x, logDet] = layer.inverseAndLogDet(images); // [n, 8, 8, 3], [n]
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
export class AffineCoupling extends Bijector {
  readonly eventNdims: number;
  readonly mask: tf.Tensor;
  readonly net: MLP | ConvConditioner;
  readonly contextSize: number;
  /** The learnable factor of tanh(raw), or null when `logScaleBound` fixes it. */
  readonly scale: tf.Variable | null;
  private readonly bound: number;
  private readonly where = 'AffineCoupling';

  constructor(
    mask: MaskInput,
    {
      hidden = [64, 64],
      activation = 'relu',
      contextSize = 0,
      seed,
      logScaleBound,
    }: AffineCouplingOptions = {},
  ) {
    super();
    if (logScaleBound !== undefined && !(Number.isFinite(logScaleBound) && logScaleBound > 0))
      throw new BijectorError(
        `${this.where}: 'logScaleBound' must be a positive number, got ${logScaleBound}`,
      );
    this.mask = toMask(mask, this.where);
    this.eventNdims = this.mask.rank;
    this.contextSize = contextSize;
    this.bound = logScaleBound ?? 1;
    try {
      this.net = this.addModule(
        'net',
        makeConditioner(this.mask, hidden, 2, contextSize, this.where, { activation, seed }),
      );
    } catch (e) {
      this.mask.dispose();
      throw e;
    }
    const last = this.mask.shape[this.mask.rank - 1];
    this.scale = logScaleBound === undefined ? this.addParameter('scale', tf.ones([last])) : null;
  }

  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const { s, t, keep, change } = this.conditioner(x, context, 'forwardAndLogDet');
      const y = tf.add(tf.mul(keep, x), tf.mul(change, tf.add(tf.mul(x, tf.exp(s)), t)));
      return [y, sumRightmost(s, this.eventNdims)];
    });
  }

  override inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const { s, t, keep, change } = this.conditioner(y, context, 'inverseAndLogDet');
      const x = tf.add(tf.mul(keep, y), tf.mul(change, tf.mul(tf.sub(y, t), tf.exp(tf.neg(s)))));
      return [x, tf.neg(sumRightmost(s, this.eventNdims))];
    });
  }

  override dispose(): void {
    this.mask.dispose();
    super.dispose();
  }

  /** s and t, zero where the mask is 1, from the kept coordinates of `x` (equal for x and y). */
  private conditioner(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    method: string,
  ): { s: tf.Tensor; t: tf.Tensor; keep: tf.Tensor; change: tf.Tensor } {
    const where = `${this.where}.${method}`;
    const batch = this.batchShapeOf(x, method);
    checkAgainstMask(x, this.mask, where);
    checkContext(context, this.contextSize, batch, where);
    const keep = this.mask;
    const change = tf.sub(1, keep);
    const [raw, shift] = tf.split(this.net.apply(conditionerInput(tf.mul(x, keep), context)), 2, x.rank - 1);
    const factor = this.scale ?? this.bound;
    return { s: tf.mul(tf.mul(tf.tanh(raw), factor), change), t: tf.mul(shift, change), keep, change };
  }
}
