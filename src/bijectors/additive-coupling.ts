/**
 * `AdditiveCoupling`: NICE's volume-preserving coupling layer.
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
import * as tf from '../engine/tf.js';
import type { Activation } from '../nn/activations.js';
import type { MLP } from '../nn/mlp.js';
import { Bijector } from './bijector.js';
import {
  checkAgainstMask,
  checkContext,
  conditionerInput,
  makeConditioner,
  toMask,
  type ConvConditioner,
  type MaskInput,
} from './conditioner.js';

/** Options of {@link AdditiveCoupling}. */
export interface AdditiveCouplingOptions {
  /** Widths of the conditioner's hidden layers (channels for an image mask); default [64, 64]. */
  hidden?: number[];
  /** Activation of the hidden layers; default `relu`. */
  activation?: Activation;
  /** Size of the context vector appended to the conditioner's input; default 0 (unconditional). */
  contextSize?: number;
  /** Seed of the conditioner's initial weights; default: the global stream. */
  seed?: number;
}

/**
 * Additive coupling, y = mask x + (1 - mask)(x + m(mask x [, context])): the coordinates where the mask is 1 pass
 * through and shift the others by a network m of them. The inverse is x = mask y + (1 - mask)(y - m(mask y)) (mask y
 * = mask x), and the Jacobian is triangular with unit diagonal, so the log-det is 0; NICE adds a {@link Scale} at
 * the end to change volumes.
 *
 * m is an MLP (module `net`: `net.hidden0.kernel`, ..., `net.output.bias`; for an `[h, w, c]` mask a 3x3
 * convolutional net) whose output layer starts at zero, so a new layer is the identity. The layer keeps a copy of
 * the mask; a tensor mask stays the caller's.
 *
 * @example
 * const layer = new AdditiveCoupling(alternatingMask(4, 0), { hidden: [32, 32], seed: 0 });
 * const [y, logDet] = layer.forwardAndLogDet(x); // logDet = 0
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516
 */
export class AdditiveCoupling extends Bijector {
  readonly eventNdims: number;
  readonly mask: tf.Tensor;
  readonly net: MLP | ConvConditioner;
  readonly contextSize: number;
  private readonly where = 'AdditiveCoupling';

  constructor(
    mask: MaskInput,
    { hidden = [64, 64], activation = 'relu', contextSize = 0, seed }: AdditiveCouplingOptions = {},
  ) {
    super();
    this.mask = toMask(mask, this.where);
    this.eventNdims = this.mask.rank;
    this.contextSize = contextSize;
    try {
      this.net = this.addModule(
        'net',
        makeConditioner(this.mask, hidden, 1, contextSize, this.where, { activation, seed }),
      );
    } catch (e) {
      this.mask.dispose();
      throw e;
    }
  }

  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.couple(x, context, 1, 'forwardAndLogDet');
  }

  override inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return this.couple(y, context, -1, 'inverseAndLogDet');
  }

  override dispose(): void {
    this.mask.dispose();
    super.dispose();
  }

  private couple(
    x: tf.Tensor,
    context: tf.Tensor | undefined,
    sign: 1 | -1,
    method: string,
  ): [tf.Tensor, tf.Tensor] {
    const where = `${this.where}.${method}`;
    const batch = this.batchShapeOf(x, method);
    checkAgainstMask(x, this.mask, where);
    checkContext(context, this.contextSize, batch, where);
    return tf.tidy(() => {
      const kept = tf.mul(x, this.mask);
      const shift = tf.mul(this.net.apply(conditionerInput(kept, context)), tf.sub(1, this.mask));
      return [sign === 1 ? tf.add(x, shift) : tf.sub(x, shift), tf.zeros(batch)];
    });
  }
}
