/**
 * The categorical distribution over {0, ..., K - 1}, and the Gumbel noise it is sampled with.
 */
import * as tf from '../engine/tf.js';
import {
  broadcastShapes,
  checkValues,
  Distribution,
  shouldValidate,
  toFloatTensor,
  uniformOpen,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';
import { registerKL } from './kl.js';
import { pickLogitsOrProbs, type LogitsOrProbs } from './logits-or-probs.js';

/** The most negative float32: 0 * log 0 must be 0 in the entropy, not 0 * -Infinity = NaN. */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

/**
 * Standard Gumbel draws g = -log(-log u), u ~ Uniform(0, 1), of `shape`. The open uniform keeps g finite, within
 * [-2.8, 16.1].
 */
export function gumbel(shape: number[], seed?: number): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.log(tf.neg(tf.log(uniformOpen(shape, seed))))));
}

/**
 * Normalised log-probabilities and probabilities, of the shape of the argument given, whose last axis indexes the
 * categories. `logits` become logits - logSumExp(logits) (-Infinity allowed: it masks a category); `probs` are
 * divided by their sum, as in PyTorch, and their log is -Infinity, not a clamped value, where they are 0. The caller
 * owns the two tensors.
 */
export function categoricalParams(
  params: LogitsOrProbs,
  context: string,
  validate: boolean,
): { logits: tf.Tensor; probs: tf.Tensor } {
  const [kind, value] = pickLogitsOrProbs(params, context);
  const t = toFloatTensor(value, kind, context);
  try {
    if (t.rank === 0 || t.shape[t.rank - 1] === 0)
      throw new Error(
        `${context}: argument '${kind}' must have a last axis indexing at least one category, ` +
          `got shape [${t.shape.join(', ')}]`,
      );
    if (kind === 'logits') {
      if (validate) checkValues(t, (v) => v < Infinity, 'logits', 'a number or -Infinity', context);
      return tf.tidy(() => {
        const lse = tf.logSumExp(t, -1, true);
        if (validate)
          checkValues(lse, (v) => v > -Infinity, 'logits', 'finite somewhere along the last axis', context);
        const logits = tf.sub(t, lse);
        return { logits, probs: tf.exp(logits) };
      });
    }
    if (validate) {
      checkValues(t, (v) => v >= 0 && v < Infinity, 'probs', 'non-negative and finite', context);
      tf.tidy(() => checkValues(tf.sum(t, -1), (v) => v > 0, 'probs', 'of positive sum', context));
    }
    return tf.tidy(() => {
      const probs = tf.div(t, tf.sum(t, -1, true));
      // 0 >= p, not p == 0: TensorFlow.js has a gradient for GreaterEqual but none for Equal, and the mask is on
      // the gradient path. The log is taken of 1 where p = 0, so that no NaN gradient (0 / 0) flows back.
      const zero = tf.greaterEqual(0, probs);
      return { logits: tf.where(zero, -Infinity, tf.log(tf.where(zero, 1, probs))), probs };
    });
  } finally {
    if (t !== value) t.dispose();
  }
}

/**
 * Categorical distribution over the K categories indexed by the last axis of `logits` (log-probabilities up to a
 * constant) or `probs` (non-negative weights, normalised to sum to 1); pass exactly one.
 *
 * log p(k) = logits_k - logSumExp(logits). Draws are int32 indices, as PyTorch's, made by the Gumbel-max trick:
 * argmax_k (logits_k + g_k) with g_k standard Gumbel is distributed as Categorical(probs). The same seed gives the
 * same draws on every backend (tf.multinomial differs between backends, and on `cpu` reuses one random stream for
 * every row of a batch). `logProb` takes integer values as int32 or float32 tensors; a value outside {0, ..., K-1}
 * has log-mass -Infinity, and raises an error naming `x` when arguments are validated.
 *
 * @example
 * const c = new Categorical({ logits: [[1, 2, 0.5], [0, -1, 3]] }); // batchShape [2], numCategories 3
 * const k = c.sample([10]); // int32, shape [10, 2]
 * const lp = c.logProb(k); // [10, 2]
 *
 * References: C. J. Maddison, D. Tarlow and T. Minka, "A* Sampling" (the Gumbel-max trick, section 2), 2014,
 * https://arxiv.org/abs/1411.0030
 */
export class Categorical extends Distribution {
  /** Normalised log-probabilities, of shape [...batchShape, numCategories]. */
  readonly logits: tf.Tensor;
  /** Probabilities, of shape [...batchShape, numCategories]. */
  readonly probs: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  /** K, the length of the last axis of the parameters. */
  readonly numCategories: number;
  private readonly validate: boolean;

  constructor(params: LogitsOrProbs, options?: DistributionOptions) {
    super();
    this.validate = shouldValidate(options);
    const { logits, probs } = categoricalParams(params, 'Categorical', this.validate);
    this.logits = logits;
    this.probs = probs;
    this.batchShape = logits.shape.slice(0, -1);
    this.numCategories = logits.shape[logits.rank - 1];
  }

  protected parameters(): tf.Tensor[] {
    return [this.logits, this.probs];
  }

  /** int32 category indices of shape [...sampleShape, ...batchShape], by the Gumbel-max trick. */
  override sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const noise = gumbel([...this.extendedShape(sampleShape), this.numCategories], seed);
      return tf.argMax(tf.add(this.logits, noise), -1);
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    const context = 'Categorical.logProb';
    const k = this.numCategories;
    return tf.tidy(() => {
      const v = toFloatTensor(x, 'x', context);
      broadcastShapes([v.shape, this.batchShape], context);
      if (this.validate)
        checkValues(
          v,
          (u) => Number.isNaN(u) || (Number.isInteger(u) && u >= 0 && u < k),
          'x',
          `an integer in [0, ${k})`,
          context,
        );
      // Select logits[..., x] by comparison with 0..K-1: no match (x out of range) leaves the max at -Infinity.
      const hit = tf.equal(tf.expandDims(v, -1), tf.range(0, k, 1, 'float32'));
      const logProb = tf.max(tf.where(hit, this.logits, -Infinity), -1);
      return tf.where(tf.isNaN(v), v, logProb);
    });
  }

  /** H = -sum_k p_k log p_k. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.sum(tf.mul(this.probs, tf.maximum(this.logits, LOWEST_FLOAT32)), -1)));
  }
}

/**
 * KL(p || q) = sum_k p_k (log p_k - log q_k): Infinity where q_k = 0 < p_k, and the terms with p_k = 0 are 0.
 */
export function klCategoricalCategorical(p: Categorical, q: Categorical): tf.Tensor {
  if (p.numCategories !== q.numCategories)
    throw new Error(
      `klCategoricalCategorical: p has ${p.numCategories} categories and q has ${q.numCategories}`,
    );
  return tf.tidy(() => {
    // Masking the difference rather than the product keeps -Infinity - -Infinity out of values and gradients.
    const diff = tf.where(tf.greaterEqual(0, p.probs), 0, tf.sub(p.logits, q.logits));
    return tf.sum(tf.mul(p.probs, diff), -1);
  });
}

registerKL(Categorical, Categorical, klCategoricalCategorical);
