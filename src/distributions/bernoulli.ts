/**
 * The Bernoulli distribution over {0, 1}.
 */
import * as tf from '../engine/tf.js';
import { resolveSeed } from '../engine/random.js';
import {
  broadcastParams,
  checkValues,
  Distribution,
  shouldValidate,
  toFloatTensor,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';
import { registerKL } from './kl.js';
import { pickLogitsOrProbs, type LogitsOrProbs } from './logits-or-probs.js';

/** float32 machine epsilon: probabilities are clamped to [EPS, 1 - EPS] before taking log-odds, as PyTorch does. */
const EPS = 2 ** -23;

/**
 * Distributions built from `probs`. Their probabilities of exactly 0 and 1 mean impossible and certain outcomes;
 * probabilities computed from finite logits only round to 0 or 1 (sigmoid(17) is 1 in float32), and the KL must
 * not treat those as certain.
 */
const builtFromProbs = new WeakSet<Bernoulli>();

/**
 * Bernoulli distribution with P(X = 1) = `probs` = sigmoid(`logits`); pass exactly one of `{ logits }` and
 * `{ probs }`, and both are then available as tensors.
 *
 * log p(x) = x logits - softplus(logits), stable for any finite logits and three ops on the hot path of a VAE
 * decoder. For x in [0, 1] other than 0 and 1 it is the negative binary cross-entropy, the usual loss of a decoder
 * on grey-level images. With `probs` of exactly 0 or 1 the log-odds are clamped to +-log((1 - eps) / eps) = +-15.9,
 * so an impossible outcome has log-mass -15.9 rather than -Infinity, as in PyTorch. There is no `rsample`: the
 * draws are discrete.
 *
 * @example
 * const px = new Bernoulli({ logits: decoderOutput }); // decoderOutput: [batch, 784]
 * const logLik = tf.sum(px.logProb(xBinary), -1); // [batch]
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes" (Appendix C.1, Bernoulli MLP
 * decoder), 2014, https://arxiv.org/abs/1312.6114
 */
export class Bernoulli extends Distribution {
  /** Log-odds log(p / (1 - p)), of the batch shape. */
  readonly logits: tf.Tensor;
  /** P(X = 1), of the batch shape. */
  readonly probs: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];

  constructor(params: LogitsOrProbs, options?: DistributionOptions) {
    super();
    const [kind, value] = pickLogitsOrProbs(params, 'Bernoulli');
    const validate = shouldValidate(options);
    if (kind === 'logits') {
      const { tensors, borrowed } = broadcastParams({ logits: value }, 'Bernoulli');
      this.borrow(borrowed);
      this.logits = tensors.logits;
      // Infinite logits would make x logits - softplus(logits) NaN; a degenerate Bernoulli takes probs.
      if (validate) checkValues(this.logits, Number.isFinite, 'logits', 'finite', 'Bernoulli');
      this.probs = tf.sigmoid(this.logits);
    } else {
      const { tensors, borrowed } = broadcastParams({ probs: value }, 'Bernoulli');
      this.borrow(borrowed);
      this.probs = tensors.probs;
      if (validate) checkValues(this.probs, (v) => v >= 0 && v <= 1, 'probs', 'in [0, 1]', 'Bernoulli');
      this.logits = tf.tidy(() => {
        const p = tf.clipByValue(this.probs, EPS, 1 - EPS);
        return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
      });
      builtFromProbs.add(this);
    }
    this.batchShape = this.probs.shape;
  }

  protected parameters(): tf.Tensor[] {
    return [this.logits, this.probs];
  }

  /** Draws u < probs with u ~ Uniform[0, 1), as float32 zeros and ones. */
  override sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.randomUniform(this.extendedShape(sampleShape), 0, 1, 'float32', resolveSeed(seed));
      return tf.cast(tf.less(u, this.probs), 'float32');
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() =>
      tf.sub(tf.mul(toFloatTensor(x, 'x', 'Bernoulli.logProb'), this.logits), tf.softplus(this.logits)),
    );
  }

  /** H = -p log p - (1 - p) log(1 - p) = softplus(logits) - p logits. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(tf.softplus(this.logits), tf.mul(this.probs, this.logits)));
  }

  override mean(): tf.Tensor {
    return tf.clone(this.probs);
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.probs, tf.sub(1, this.probs)));
  }
}

/**
 * KL(Bern(p) || Bern(q)) = p log(p / q) + (1 - p) log((1 - p) / (1 - q)), each log-ratio computed from logits
 * (log p = -softplus(-logits), log(1 - p) = -softplus(logits)) so that it stays accurate near 0 and 1. A term whose
 * weight p or 1 - p is exactly 0 is 0; a term whose q or 1 - q is exactly 0 (given as `probs`) is Infinity, as in
 * PyTorch.
 */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): tf.Tensor {
  return tf.tidy(() => {
    let ones = tf.mul(p.probs, tf.sub(tf.softplus(tf.neg(q.logits)), tf.softplus(tf.neg(p.logits))));
    let zeros = tf.mul(tf.sub(1, p.probs), tf.sub(tf.softplus(q.logits), tf.softplus(p.logits)));
    // Masks by greaterEqual, not equal: TensorFlow.js has a gradient for GreaterEqual and none for Equal.
    if (builtFromProbs.has(q)) {
      ones = tf.where(tf.greaterEqual(0, q.probs), Infinity, ones);
      zeros = tf.where(tf.greaterEqual(q.probs, 1), Infinity, zeros);
    }
    ones = tf.where(tf.greaterEqual(0, p.probs), 0, ones);
    zeros = tf.where(tf.greaterEqual(p.probs, 1), 0, zeros);
    return tf.add(ones, zeros);
  });
}

registerKL(Bernoulli, Bernoulli, klBernoulliBernoulli);
