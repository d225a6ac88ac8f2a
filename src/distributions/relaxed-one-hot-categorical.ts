/**
 * The Concrete (Gumbel-softmax) distribution: a continuous relaxation of one-hot categorical draws.
 */
import * as tf from '../engine/tf.js';
import { categoricalParams, gumbel } from './categorical.js';
import {
  checkValues,
  Distribution,
  shouldValidate,
  toFloatTensor,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';
import type { LogitsOrProbs } from './logits-or-probs.js';
import { logGammaInt } from './special.js';

/** How far from 1 the sum of a point of the simplex may be, with validation on (float32 softmax rounding). */
const SIMPLEX_TOLERANCE = 1e-3;

/**
 * Relaxed one-hot categorical distribution with temperature tau > 0 and class probabilities pi given by
 * `{ logits }` or `{ probs }` (the last axis indexes the K categories, as for `Categorical`): draws are points of
 * the probability simplex, x = softmax((log pi + g) / tau) with g_k standard Gumbel. As tau -> 0 they approach one-hot
 * vectors, and argmax_k x_k is distributed as Categorical(pi) at every temperature (the Gumbel-max trick).
 * `rsample` is pathwise-differentiable in the logits and the temperature.
 *
 * The density on the simplex (with respect to Lebesgue measure on its first K - 1 coordinates) is
 *
 *   log p(x) = log Gamma(K) + (K - 1) log tau + sum_k (log pi_k - (tau + 1) log x_k)
 *              - K logSumExp_k(log pi_k - tau log x_k),
 *
 * the same as PyTorch's `RelaxedOneHotCategorical`. Draws can hold exact zeros in float32 (at small temperatures,
 * or for a category of probability 0), where the log-density is not finite.
 *
 * @example
 * const q = new RelaxedOneHotCategorical(0.5, { logits: encoderLogits }); // encoderLogits: [batch, K]
 * const y = q.rsample(); // [batch, K], rows on the simplex, differentiable in encoderLogits
 *
 * References: C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution: A Continuous Relaxation of Discrete
 * Random Variables", 2017, https://arxiv.org/abs/1611.00712; E. Jang, S. Gu and B. Poole, "Categorical
 * Reparameterization with Gumbel-Softmax", 2017, https://arxiv.org/abs/1611.01144
 */
export class RelaxedOneHotCategorical extends Distribution {
  /** tau > 0, of the batch shape. */
  readonly temperature: tf.Tensor;
  /** Normalised log-probabilities log pi, of shape [...batchShape, K]. */
  readonly logits: tf.Tensor;
  /** Class probabilities pi, of shape [...batchShape, K]. */
  readonly probs: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[];
  override readonly hasRsample = true;
  private readonly validate: boolean;

  /**
   * @param temperature tau > 0, a number or a tensor that broadcasts to the batch shape of the logits.
   */
  constructor(temperature: TensorInput, params: LogitsOrProbs, options?: DistributionOptions) {
    super();
    const context = 'RelaxedOneHotCategorical';
    this.validate = shouldValidate(options);
    const tau = toFloatTensor(temperature, 'temperature', context);
    try {
      if (this.validate)
        checkValues(tau, (v) => v > 0 && Number.isFinite(v), 'temperature', 'positive and finite', context);
      const { logits, probs } = categoricalParams(params, context, this.validate);
      this.logits = logits;
      this.probs = probs;
      this.batchShape = logits.shape.slice(0, -1);
      this.eventShape = [logits.shape[logits.rank - 1]];
      try {
        this.temperature = tf.broadcastTo(tau, this.batchShape);
      } catch {
        tf.dispose([logits, probs]);
        throw new Error(
          `${context}: argument 'temperature' of shape [${tau.shape.join(', ')}] does not broadcast to the ` +
            `batch shape [${this.batchShape.join(', ')}]`,
        );
      }
    } finally {
      if (tau !== temperature) tau.dispose();
    }
  }

  protected parameters(): tf.Tensor[] {
    return [this.temperature, this.logits, this.probs];
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const perturbed = tf.add(this.logits, gumbel(this.extendedShape(sampleShape), seed));
      return tf.softmax(tf.div(perturbed, tf.expandDims(this.temperature, -1)));
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    const context = 'RelaxedOneHotCategorical.logProb';
    const k = this.eventShape[0];
    return tf.tidy(() => {
      const v = toFloatTensor(x, 'x', context);
      if (v.rank === 0 || v.shape[v.rank - 1] !== k)
        throw new Error(
          `${context}: argument 'x' must have a last axis of length ${k} (the categories), ` +
            `got shape [${v.shape.join(', ')}]`,
        );
      if (this.validate) this.checkSimplex(v, context);
      const tau = tf.expandDims(this.temperature, -1);
      const logX = tf.log(v);
      const scores = tf.sub(this.logits, tf.mul(tau, logX)); // log pi_k - tau log x_k
      // sum_k (log pi_k - (tau + 1) log x_k) - K logSumExp_k(scores)
      const data = tf.sub(tf.sub(tf.sum(scores, -1), tf.sum(logX, -1)), tf.mul(tf.logSumExp(scores, -1), k));
      return tf.add(data, tf.add(tf.mul(tf.log(this.temperature), k - 1), logGammaInt(k)));
    });
  }

  /** Entries in [0, 1] summing to 1 along the last axis; NaN passes, to give a NaN log-density. */
  private checkSimplex(v: tf.Tensor, context: string): void {
    const expected = 'on the probability simplex (entries in [0, 1] summing to 1 along the last axis)';
    checkValues(v, (u) => Number.isNaN(u) || (u >= 0 && u <= 1), 'x', expected, context);
    tf.tidy(() =>
      checkValues(
        tf.sum(v, -1),
        (s) => Number.isNaN(s) || Math.abs(s - 1) <= SIMPLEX_TOLERANCE,
        'x',
        expected,
        context,
      ),
    );
  }
}
