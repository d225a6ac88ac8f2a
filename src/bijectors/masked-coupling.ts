/**
 * `MaskedCoupling`: the coupling layer of NICE, RealNVP and Glow, with the elementwise map left open (distrax's
 * `MaskedCoupling(mask, conditioner, bijector)`).
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516; L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP",
 * 2017, https://arxiv.org/abs/1605.08803
 */
import * as tf from '../engine/tf.js';
import type { Activation } from '../nn/activations.js';
import type { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
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
import type { CouplingTransform } from './coupling-transform.js';

/** Options of {@link MaskedCoupling}. */
export interface MaskedCouplingOptions {
  /** Widths of the conditioner's hidden layers (channels of its 3x3 convolutions for an image mask); default [64, 64]. */
  hidden?: number[];
  /** Activation of the hidden layers; default `relu`. */
  activation?: Activation;
  /** Size of the context vector given to the conditioner; default 0 (unconditional). */
  contextSize?: number;
  /** Seed of the conditioner's initial weights; default: the global stream. */
  seed?: number;
}

/**
 * A masked coupling layer with an elementwise transform g (a {@link CouplingTransform}). Forward (the sampling
 * direction, noise to data):
 *
 *   θ = (1 - mask) net(mask x [, context]),   y = mask x + (1 - mask) g(x; θ),
 *   log|det J| = sum over the event of (1 - mask) log|∂g/∂x (x; θ)|,
 *
 * and the inverse is x = mask y + (1 - mask) g^-1(y; θ) with the same θ, as mask y = mask x. The coordinates where
 * the mask is 1 pass through and parametrise the map of the others, so the Jacobian is triangular.
 *
 * The conditioner `net` outputs k = `transform.paramsPerCoordinate` values per coordinate, split along its last
 * axis into θ_1, ..., θ_k. For a `[d]` mask it is an MLP d (+ contextSize) -> hidden -> k d (`net.hidden0.kernel`,
 * ..., `net.output.bias`); for an `[h, w, c]` mask (checkerboard or channel) 3x3 'same' convolutions with `hidden`
 * channels and a 3x3 output convolution of k c channels, the context appended as constant channels. Its output layer
 * starts at zero, so a new layer applies g(·; 0) to the transformed coordinates: the identity for the built-in
 * transforms. A transform that is a `Module` becomes the child `transform` (its parameters `transform.<name>`).
 *
 * The layer keeps a copy of the mask (a tensor mask stays the caller's) and takes the transform over: `dispose()`
 * disposes it, and so does a constructor that throws.
 *
 * @example
 * const layer = new MaskedCoupling(alternatingMask(2, 0), new AffineTransform({ logScaleBound: 1 }), { seed: 0 });
 * const [z, logDet] = layer.inverseAndLogDet(x); // [n, 2], [n]
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803; distrax's `MaskedCoupling`, https://github.com/google-deepmind/distrax
 */
export class MaskedCoupling<T extends CouplingTransform = CouplingTransform> extends Bijector {
  readonly eventNdims: number;
  readonly mask: tf.Tensor;
  readonly net: MLP | ConvConditioner;
  readonly transform: T;
  readonly contextSize: number;

  constructor(
    mask: MaskInput,
    transform: T,
    { hidden = [64, 64], activation = 'relu', contextSize = 0, seed }: MaskedCouplingOptions = {},
  ) {
    super();
    const where = this.constructor.name;
    let maskTensor: tf.Tensor | undefined;
    try {
      const k = transform.paramsPerCoordinate;
      if (!Number.isInteger(k) || k < 1)
        throw new BijectorError(
          `${where}: 'transform.paramsPerCoordinate' must be an integer >= 1, got ${String(k)}`,
        );
      maskTensor = toMask(mask, where);
      this.net = this.addModule(
        'net',
        makeConditioner(maskTensor, hidden, k, contextSize, where, { activation, seed }),
      );
    } catch (e) {
      maskTensor?.dispose();
      if (transform instanceof Module) transform.dispose();
      throw e;
    }
    this.mask = maskTensor;
    this.eventNdims = maskTensor.rank;
    this.contextSize = contextSize;
    this.transform = transform instanceof Module ? this.addModule('transform', transform) : transform;
  }

  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.couple(x, context, 'forward');
  }

  override inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.couple(y, context, 'inverse');
  }

  override dispose(): void {
    this.mask.dispose();
    super.dispose();
  }

  /** Both directions: θ from the kept coordinates of `x` (equal for x and y), then g or g^-1 where the mask is 0. */
  private couple(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    direction: 'forward' | 'inverse',
  ): [tf.Tensor, tf.Tensor] {
    const method = `${direction}AndLogDet`;
    const where = `${this.constructor.name}.${method}`;
    const batch = this.batchShapeOf(x, method);
    checkAgainstMask(x, this.mask, where);
    checkContext(context, this.contextSize, batch, where);
    return tf.tidy(() => {
      const keep = this.mask;
      const out = this.net.apply(conditionerInput(tf.mul(x, keep), context));
      const fused = this.transform.coupled?.(direction, x, out, keep);
      if (fused !== undefined) return fused;
      const change = tf.sub(1, keep);
      const k = this.transform.paramsPerCoordinate;
      // tfjs cannot differentiate a split into one part ("Pass at least one tensor to concat").
      const params = (k === 1 ? [out] : tf.split(out, k, x.rank - 1)).map((p) => tf.mul(p, change));
      const [z, logDet] = this.transform[direction](x, params);
      if (z.shape.join(',') !== x.shape.join(',') || logDet.shape.join(',') !== x.shape.join(','))
        throw new BijectorError(
          `${where}: the transform's ${direction} returned values of shape [${z.shape.join(', ')}] and ` +
            `log-dets of shape [${logDet.shape.join(', ')}], expected both elementwise, [${x.shape.join(', ')}]`,
        );
      return [
        tf.add(tf.mul(keep, x), tf.mul(change, z)),
        sumRightmost(tf.mul(change, logDet), this.eventNdims),
      ];
    });
  }
}
