/**
 * MultiScale: RealNVP's multi-scale architecture, in which half of the channels leave the flow at each level.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError } from './bijector.js';

/** Options of {@link MultiScale}. */
export interface MultiScaleOptions {
  /** How the channels are split; only `'half'`: the first ceil(c / 2) go through `inner`. */
  channels?: 'half';
}

/**
 * Applies `inner` to the first half of the channels (the last axis) and passes the rest through unchanged.
 *
 * In the data-to-noise direction ({@link MultiScale.inverseAndLogDet}) the input's c channels are split into the
 * first k = ceil(c / 2) and the other c - k; `inner.inverse` transforms the first part, the second is "factored
 * out": it goes straight to the output, and so to the latent, where the base N(0, I) models it. The two are
 * concatenated back, so the shape is kept. {@link MultiScale.forwardAndLogDet} does the reverse with
 * `inner.forward`. The log-det is `inner`'s (the identity part adds 0). `inner` is registered as the module
 * `inner` (its parameters are `inner.<name>`) and must take k channels; `initialize` and `context` go to it.
 *
 * Nesting realises the multi-scale architecture: a level is a chain (data to noise) of a Squeeze, some flow steps
 * on the full 4c channels, and a MultiScale whose `inner` is the next level. Each level therefore transforms half
 * as many variables as the one before it, at half the spatial resolution, while the factored-out half of each
 * level's variables is already part of z: the computation stays small and the latent holds variables from every
 * scale, coarse and fine.
 *
 * @example
 * // In the data-to-noise direction: [n, 8, 8, 4] -> inner on [n, 8, 8, 2], the other 2 channels factored out.
 * const level = new MultiScale(new ActNorm(2));
 * const [z, logDet] = level.inverseAndLogDet(x); // z: [n, 8, 8, 4], logDet: [n]
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017, section 3.6,
 * https://arxiv.org/abs/1605.08803
 */
export class MultiScale extends Bijector {
  readonly eventNdims: number;
  readonly inner: Bijector;

  constructor(inner: Bijector, { channels = 'half' }: MultiScaleOptions = {}) {
    super();
    if (channels !== 'half')
      throw new BijectorError(`MultiScale: option 'channels' must be 'half', got '${String(channels)}'`);
    if (inner.eventNdims < 1)
      throw new BijectorError(
        `MultiScale: argument 'inner' must act on events of at least 1 dimension (its channels), ` +
          `got eventNdims ${inner.eventNdims}`,
      );
    this.eventNdims = inner.eventNdims;
    this.inner = this.addModule('inner', inner);
  }

  forwardAndLogDet(z: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const k = this.keptChannels(z, 'forwardAndLogDet', 'z');
    return tf.tidy(() => {
      const [kept, factored] = this.split(z, k);
      const [x, logDet] = this.inner.forwardAndLogDet(kept, context);
      return [tf.concat([x, factored], -1), logDet];
    });
  }

  override inverseAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const k = this.keptChannels(x, 'inverseAndLogDet', 'x');
    return tf.tidy(() => {
      const [kept, factored] = this.split(x, k);
      const [z, logDet] = this.inner.inverseAndLogDet(kept, context);
      return [tf.concat([z, factored], -1), logDet];
    });
  }

  /** Initialises `inner` on the channels it sees. */
  override initialize(x: tf.Tensor, context?: tf.Tensor): void {
    const k = this.keptChannels(x, 'initialize', 'x');
    tf.tidy(() => this.inner.initialize(this.split(x, k)[0], context));
  }

  /** k = ceil(c / 2), the number of channels `inner` sees, after checking `t`. */
  private keptChannels(t: tf.Tensor, method: string, name: string): number {
    if (t.rank < this.eventNdims || t.shape[t.rank - 1] < 2)
      throw new BijectorError(
        `MultiScale.${method}: argument '${name}' must have at least ${this.eventNdims} dimensions and ` +
          `at least 2 channels on its last axis, got shape [${t.shape.join(', ')}]`,
      );
    return Math.ceil(t.shape[t.rank - 1] / 2);
  }

  /** The first k channels of `t` and the rest. */
  private split(t: tf.Tensor, k: number): [tf.Tensor, tf.Tensor] {
    return tf.split(t, [k, t.shape[t.rank - 1] - k], -1) as [tf.Tensor, tf.Tensor];
  }
}
