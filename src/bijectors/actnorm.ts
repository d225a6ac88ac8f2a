/**
 * ActNorm: Glow's activation normalisation, a per-channel affine map with data-dependent initialisation.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError } from './bijector.js';

/** Options of {@link ActNorm}. */
export interface ActNormOptions {
  /** 1 for vectors `[n, c]`, 3 for images `[n, h, w, c]` (default). */
  eventNdims?: 1 | 3;
}

/** Added to the standard deviation in {@link ActNorm.initialize}, as in Glow, so a constant channel stays finite. */
const EPSILON = 1e-6;

/**
 * A per-channel affine map on the last axis: in the noise-to-data direction
 *
 *   x = z * exp(logScale) + shift,   log|det J| = P * sum_c logScale[c],
 *
 * with P the number of positions per event (h * w for images `[n, h, w, c]`, 1 for vectors `[n, c]`); the inverse is
 * z = (x - shift) * exp(-logScale). Parameters `logScale` and `shift`, both `[c]`, start at 0 (the identity).
 *
 * {@link ActNorm.initialize} sets them from a batch of data so that the data-to-noise output has zero mean and unit
 * variance per channel; it acts once (see {@link ActNorm.initialized}).
 *
 * @example
 * const norm = new ActNorm(3);           // images [n, h, w, 3]
 * norm.initialize(xBatch);               // data-dependent init, before training
 * const [z, logDet] = norm.inverseAndLogDet(xBatch); // z: per-channel mean 0, variance 1; logDet: [n]
 *
 * References: D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions", 2018,
 * https://arxiv.org/abs/1807.03039
 */
export class ActNorm extends Bijector {
  readonly eventNdims: number;
  readonly logScale: tf.Variable;
  readonly shift: tf.Variable;
  private initializedFlag = false;

  constructor(
    readonly channels: number,
    { eventNdims = 3 }: ActNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(channels) || channels < 1)
      throw new BijectorError(`ActNorm: argument 'channels' must be a positive integer, got ${channels}`);
    if (eventNdims !== 1 && eventNdims !== 3)
      throw new BijectorError(`ActNorm: option 'eventNdims' must be 1 or 3, got ${String(eventNdims)}`);
    this.eventNdims = eventNdims;
    this.logScale = this.addParameter('logScale', tf.zeros([channels]));
    this.shift = this.addParameter('shift', tf.zeros([channels]));
  }

  /**
   * Whether the data-dependent initialisation has happened (or been declared done by {@link ActNorm.markInitialized}).
   * Once true, {@link ActNorm.initialize} does nothing.
   */
  get initialized(): boolean {
    return this.initializedFlag;
  }

  /**
   * Declare the parameters set, so that {@link ActNorm.initialize} leaves them alone: call it after loading them from
   * a checkpoint (`loadParameters` does not know about this flag), else the next `initialize` would overwrite them.
   */
  markInitialized(): void {
    this.initializedFlag = true;
  }

  forwardAndLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.check(z, 'forwardAndLogDet', 'z');
    return tf.tidy(() => {
      const x = tf.add(tf.mul(z, tf.exp(this.logScale)), this.shift);
      return [x, this.logDetOf(z, batchShape, 1)];
    });
  }

  override inverseAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.check(x, 'inverseAndLogDet', 'x');
    return tf.tidy(() => {
      const z = tf.mul(tf.sub(x, this.shift), tf.exp(tf.neg(this.logScale)));
      return [z, this.logDetOf(x, batchShape, -1)];
    });
  }

  /**
   * Data-dependent initialisation from a batch of data `x` (the data side: what {@link ActNorm.inverseAndLogDet}
   * receives): with m[c] and v[c] the mean and the biased variance of channel c over every other axis (batch and
   * positions),
   *
   *   shift = m,   logScale = log(sqrt(v) + 1e-6),
   *
   * so that z = (x - shift) * exp(-logScale) has mean 0 and variance v / (sqrt(v) + 1e-6)^2 ≈ 1 per channel. Acts
   * only the first time; later calls, or calls after {@link ActNorm.markInitialized}, leave the parameters alone.
   */
  override initialize(x: tf.Tensor): void {
    if (this.initializedFlag) return;
    this.check(x, 'initialize', 'x');
    tf.tidy(() => {
      const { mean, variance } = tf.moments(
        x,
        Array.from({ length: x.rank - 1 }, (_, i) => i),
      );
      this.shift.assign(mean);
      this.logScale.assign(tf.log(tf.add(tf.sqrt(variance), EPSILON)));
    });
    this.initializedFlag = true;
  }

  /** sign * P * sum(logScale), one per batch element. */
  private logDetOf(t: tf.Tensor, batchShape: number[], sign: 1 | -1): tf.Tensor {
    const positions = t.shape.slice(t.rank - this.eventNdims, t.rank - 1).reduce((a, b) => a * b, 1);
    return tf.mul(tf.ones(batchShape), tf.mul(tf.sum(this.logScale), sign * positions));
  }

  /** The batch shape of `t`, after checking its rank and its channel count. */
  private check(t: tf.Tensor, method: string, name: string): number[] {
    if (t.rank < this.eventNdims || t.shape[t.rank - 1] !== this.channels)
      throw new BijectorError(
        `ActNorm.${method}: argument '${name}' must have at least ${this.eventNdims} dimensions and ` +
          `${this.channels} channels on its last axis, got shape [${t.shape.join(', ')}]`,
      );
    return t.shape.slice(0, t.rank - this.eventNdims);
  }
}
