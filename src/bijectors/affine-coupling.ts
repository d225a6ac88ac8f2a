/**
 * `AffineCoupling`: RealNVP's coupling layer, for vectors and NHWC images, a {@link MaskedCoupling} with an affine
 * map.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import * as tf from '../engine/tf.js';
import { fusedAffineCoupling } from '../engine/coupling-kernel.js';
import { Module } from '../nn/module.js';
import { BijectorError } from './bijector.js';
import type { MaskInput } from './conditioner.js';
import type { CouplingTransform } from './coupling-transform.js';
import { MaskedCoupling, type MaskedCouplingOptions } from './masked-coupling.js';

/** Options of {@link AffineTransform}. */
export interface AffineTransformOptions {
  /**
   * Bound the log-scale as s = logScaleBound tanh(raw). Default: RealNVP's learnable factor, s = scale tanh(raw)
   * with a parameter `scale` of `channels` entries initialised to 1.
   */
  logScaleBound?: number;
  /**
   * The length of the event's last axis (d for a `[d]` event, c for `[h, w, c]`): one learnable factor each.
   * Required unless `logScaleBound` is given.
   */
  channels?: number;
}

/**
 * RealNVP's elementwise affine map with a tanh-bounded log-scale, two parameters (raw, t) per coordinate:
 *
 *   s = scale tanh(raw) (or logScaleBound tanh(raw)),   g(x) = x exp(s) + t,   g^-1(y) = (y - t) exp(-s),
 *   log|∂g/∂x| = s.
 *
 * The tanh keeps early training stable; the learnable `scale` (one per channel, broadcast over the last axis) lets
 * the bound grow. A `Module`: in a coupling its parameter is `transform.scale`.
 *
 * @example
 * new MaskedCoupling(alternatingMask(2, 0), new AffineTransform({ logScaleBound: 1 })); // the PyTorch peer's layer
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
export class AffineTransform extends Module implements CouplingTransform {
  readonly paramsPerCoordinate = 2;
  /** The learnable factor of tanh(raw), or null when `logScaleBound` fixes it. */
  readonly scale: tf.Variable | null;
  private readonly bound: number;

  constructor({ logScaleBound, channels }: AffineTransformOptions = {}) {
    super();
    if (logScaleBound !== undefined) {
      if (!(Number.isFinite(logScaleBound) && logScaleBound > 0))
        throw new BijectorError(
          `AffineTransform: 'logScaleBound' must be a positive number, got ${logScaleBound}`,
        );
      this.bound = logScaleBound;
      this.scale = null;
    } else {
      if (channels === undefined || !Number.isInteger(channels) || channels < 1)
        throw new BijectorError(
          `AffineTransform: 'channels' (the event's last axis) must be an integer >= 1 for a learnable scale, ` +
            `got ${channels}; or give 'logScaleBound'`,
        );
      this.bound = 1;
      this.scale = this.addParameter('scale', tf.ones([channels]));
    }
  }

  forward(x: tf.Tensor, [raw, t]: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
    const s = this.logScale(raw);
    return [tf.add(tf.mul(x, tf.exp(s)), t), s];
  }

  inverse(y: tf.Tensor, [raw, t]: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
    const s = this.logScale(raw);
    return [tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))), tf.neg(s)];
  }

  /** The masked step as one kernel where the backend has it (wasm, cpu): see `engine/coupling-kernel.ts`. */
  coupled(
    direction: 'forward' | 'inverse',
    x: tf.Tensor,
    out: tf.Tensor,
    mask: tf.Tensor,
  ): [tf.Tensor, tf.Tensor] | undefined {
    return tf.tidy(() =>
      fusedAffineCoupling(x, out, mask, this.scale ?? tf.scalar(this.bound), direction === 'inverse'),
    );
  }

  private logScale(raw: tf.Tensor): tf.Tensor {
    if (this.scale !== null && raw.shape[raw.rank - 1] !== this.scale.size)
      throw new BijectorError(
        `AffineTransform: the learnable scale has ${this.scale.size} channels but the parameters have ` +
          `${raw.shape[raw.rank - 1]} on their last axis`,
      );
    return tf.mul(tf.tanh(raw), this.scale ?? this.bound);
  }
}

/** Options of {@link AffineCoupling}: those of {@link MaskedCoupling} and `logScaleBound`. */
export interface AffineCouplingOptions extends MaskedCouplingOptions {
  /**
   * Bound the log-scale as s = logScaleBound tanh(raw). Default: RealNVP's learnable factor, s = scale tanh(raw)
   * with a parameter `transform.scale` (one per coordinate for vectors, one per channel for images) initialised to 1.
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
 * A {@link MaskedCoupling} with an {@link AffineTransform}. For a `[d]` mask the conditioner `net` is an MLP d
 * (+ contextSize) -> hidden -> 2d (raw log-scales, then shifts); for an `[h, w, c]` mask (checkerboard or channel)
 * it is 3x3 'same' convolutions with `hidden` channels and a 3x3 output convolution of 2c channels, the context
 * appended as constant channels. The output layer starts at zero, so a new layer is the identity. With an
 * alternating mask, hidden [64, 64], ReLU and logScaleBound 1 this is the PyTorch peer's `Coupling`
 * (`flow2d_torch.py`), whose `inverse` is {@link AffineCoupling.inverseAndLogDet}.
 *
 * @example
 * const layer = new AffineCoupling(checkerboardMask(8, 8, 3, 0), { hidden: [32, 32], seed: 0 });
 * const [x, logDet] = layer.inverseAndLogDet(images); // [n, 8, 8, 3], [n]
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
export class AffineCoupling extends MaskedCoupling<AffineTransform> {
  constructor(mask: MaskInput, { logScaleBound, ...options }: AffineCouplingOptions = {}) {
    super(mask, new AffineTransform({ logScaleBound, channels: lastAxisLength(mask) }), options);
  }

  /** The learnable factor of tanh(raw) (the parameter `transform.scale`), or null when `logScaleBound` fixes it. */
  get scale(): tf.Variable | null {
    return this.transform.scale;
  }
}

/**
 * The length of the mask's last axis, read before the coupling converts and checks the mask (a malformed mask gets
 * its error there; the transform it sized is disposed).
 */
function lastAxisLength(mask: MaskInput): number {
  if (mask instanceof tf.Tensor) return mask.rank > 0 ? mask.shape[mask.rank - 1] : 1;
  let inner: unknown = mask;
  while (Array.isArray(inner) && Array.isArray(inner[0])) inner = inner[0];
  return Array.isArray(inner) && inner.length > 0 ? inner.length : 1;
}
