/**
 * `AdditiveCoupling`: NICE's volume-preserving coupling layer, a {@link MaskedCoupling} with a shift.
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
import * as tf from '../engine/tf.js';
import type { MaskInput } from './conditioner.js';
import type { CouplingTransform } from './coupling-transform.js';
import { MaskedCoupling, type MaskedCouplingOptions } from './masked-coupling.js';

/**
 * NICE's elementwise shift, g(x; t) = x + t, g^-1(y; t) = y - t, log|∂g/∂x| = 0: one parameter per coordinate.
 *
 * @example
 * new MaskedCoupling(halfMask(4, 0), new AdditiveTransform()); // what AdditiveCoupling builds
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
export class AdditiveTransform implements CouplingTransform {
  readonly paramsPerCoordinate = 1;

  forward(x: tf.Tensor, [t]: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
    return [tf.add(x, t), tf.zerosLike(x)];
  }

  inverse(y: tf.Tensor, [t]: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
    return [tf.sub(y, t), tf.zerosLike(y)];
  }
}

/** Options of {@link AdditiveCoupling}: those of {@link MaskedCoupling}. */
export type AdditiveCouplingOptions = MaskedCouplingOptions;

/**
 * Additive coupling, y = mask x + (1 - mask)(x + m(mask x [, context])): the coordinates where the mask is 1 pass
 * through and shift the others by a network m of them. The inverse is x = mask y + (1 - mask)(y - m(mask y)) (mask y
 * = mask x), and the Jacobian is triangular with unit diagonal, so the log-det is 0; NICE adds a {@link Scale} at
 * the end to change volumes.
 *
 * A {@link MaskedCoupling} with an {@link AdditiveTransform}. m is an MLP (module `net`: `net.hidden0.kernel`, ...,
 * `net.output.bias`; for an `[h, w, c]` mask a 3x3 convolutional net) whose output layer starts at zero, so a new
 * layer is the identity. The layer keeps a copy of the mask; a tensor mask stays the caller's.
 *
 * @example
 * const layer = new AdditiveCoupling(alternatingMask(4, 0), { hidden: [32, 32], seed: 0 });
 * const [y, logDet] = layer.forwardAndLogDet(x); // logDet = 0
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
export class AdditiveCoupling extends MaskedCoupling<AdditiveTransform> {
  constructor(mask: MaskInput, options: AdditiveCouplingOptions = {}) {
    super(mask, new AdditiveTransform(), options);
  }
}
