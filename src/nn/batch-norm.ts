/**
 * `BatchNorm`: batch normalisation over the last axis (features of [n, f], channels of NHWC [n, h, w, c]), PyTorch's
 * `nn.BatchNorm1d` / `nn.BatchNorm2d` with the same defaults (momentum 0.1, epsilon 1e-5). In training mode it
 * normalises with the batch's mean and (biased) variance and moves its running statistics toward them, the running
 * variance with the unbiased estimate n / (n - 1) var as PyTorch does; in inference mode it normalises with the running
 * statistics, so an example's output does not depend on the rest of its batch.
 *
 * Reference: S. Ioffe and C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
 * Covariate Shift", ICML 2015, https://arxiv.org/abs/1502.03167
 */
import * as tf from '../engine/tf.js';
import { checkInteger, ModuleArgumentError } from './errors.js';
import { Module } from './module.js';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** The running statistics move this fraction of the way to each batch's; default 0.1 (PyTorch's). */
  momentum?: number;
  /** Added to the variance before its square root; default 1e-5. */
  epsilon?: number;
}

/**
 * Batch normalisation with parameters `gamma` (scale, initially 1) and `beta` (offset, initially 0) and buffers
 * `running_mean` (initially 0) and `running_var` (initially 1), all of shape [features].
 *
 * @example
 * const norm = new BatchNorm(64);
 * norm.train().apply(features); // normalised by the batch; the running statistics move
 * norm.train(false).apply(features); // normalised by the running statistics
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly momentum: number;
  readonly epsilon: number;
  private readonly where: string;

  constructor(
    readonly features: number,
    { momentum = 0.1, epsilon = 1e-5 }: BatchNormOptions = {},
  ) {
    super();
    this.where = `BatchNorm(${features})`;
    checkInteger(features, 'features', this.where);
    if (!(momentum >= 0 && momentum <= 1))
      throw new ModuleArgumentError(`${this.where}: 'momentum' must be in [0, 1], got ${momentum}`);
    if (!(epsilon > 0 && Number.isFinite(epsilon)))
      throw new ModuleArgumentError(`${this.where}: 'epsilon' must be a positive number, got ${epsilon}`);
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.gamma = this.addParameter('gamma', tf.ones([features]));
    this.beta = this.addParameter('beta', tf.zeros([features]));
    this.runningMean = this.addBuffer('running_mean', tf.zeros([features]));
    this.runningVar = this.addBuffer('running_var', tf.ones([features]));
  }

  /**
   * Normalise x ([n, features] or [n, h, w, features]) per feature. In training mode the batch needs more than one
   * value per feature (n h w > 1), and the running statistics are updated as a side effect.
   */
  apply<T extends tf.Tensor2D | tf.Tensor4D>(x: T): T {
    if ((x.rank !== 2 && x.rank !== 4) || x.shape.at(-1) !== this.features)
      throw new ModuleArgumentError(
        `${this.where}: input has shape [${x.shape.join(', ')}], expected [n, ${this.features}] or [n, h, w, ${this.features}]`,
      );
    const count = x.size / this.features;
    if (this.training && count < 2)
      throw new ModuleArgumentError(
        `${this.where}: training mode needs more than one value per feature, got input of shape [${x.shape.join(', ')}]`,
      );
    return tf.tidy(() => {
      if (!this.training)
        return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.epsilon) as T;
      const axes = x.rank === 2 ? [0] : [0, 1, 2];
      const { mean, variance } = tf.moments(x, axes);
      const m = this.momentum;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(
        tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * count) / (count - 1))),
      );
      return tf.batchNorm(x, mean, variance, this.beta, this.gamma, this.epsilon) as T;
    });
  }
}
