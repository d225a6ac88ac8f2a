/**
 * Reinterpret batch dimensions of a distribution as event dimensions.
 */
import * as tf from '../engine/tf.js';
import { Distribution, type DistributionOptions, type TensorInput } from './distribution.js';
import { klDivergence, registerKL } from './kl.js';

/** The last `n` axes of a tensor of rank `rank`. */
function lastAxes(rank: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => rank - n + i);
}

/** Sum `t` over its last `n` axes (`t` itself when n = 0). */
function sumLast(t: tf.Tensor, n: number): tf.Tensor {
  return n === 0 ? t : tf.tidy(() => tf.sum(t, lastAxes(t.rank, n)));
}

/**
 * The distribution of `base` with its rightmost `reinterpretedBatchNdims` batch dimensions moved into the event:
 * the coordinates along them are treated as one joint, independent draw.
 *
 * log p(x) = sum over the reinterpreted dimensions of base.logProb(x), and the entropy is the sum of the base
 * entropies. Sampling, the mean and the variance are the base's; `hasRsample` follows the base. The canonical use
 * is a diagonal Gaussian posterior q(z|x) whose log-density sums over the latent dimensions, as a VAE's ELBO needs.
 *
 * `reinterpretedBatchNdims` is checked always (it is a shape, so the check is free); `options` is accepted for a
 * uniform constructor signature. The Independent owns `base`: `dispose()` disposes it.
 *
 * @example
 * const q = new Independent(new Normal(tf.zeros([8, 2]), tf.ones([8, 2])), 1);
 * q.batchShape; // [8]
 * q.eventShape; // [2]
 * q.logProb(tf.zeros([8, 2])); // shape [8]
 *
 * References: J. V. Dillon et al., "TensorFlow Distributions", 2017, https://arxiv.org/abs/1711.10604
 */
export class Independent extends Distribution {
  readonly base: Distribution;
  readonly reinterpretedBatchNdims: number;
  readonly batchShape: number[];
  readonly eventShape: number[];
  override readonly hasRsample: boolean;

  constructor(base: Distribution, reinterpretedBatchNdims: number, _options?: DistributionOptions) {
    super();
    const batchRank = base.batchShape.length;
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > batchRank)
      throw new Error(
        `Independent: argument 'reinterpretedBatchNdims' must be an integer in [0, ${batchRank}] ` +
          `(the rank of the base batch shape [${base.batchShape.join(', ')}]), got ${n}`,
      );
    this.base = base;
    this.reinterpretedBatchNdims = n;
    this.batchShape = base.batchShape.slice(0, batchRank - n);
    this.eventShape = [...base.batchShape.slice(batchRank - n), ...base.eventShape];
    this.hasRsample = base.hasRsample;
  }

  override get name(): string {
    return `Independent(${this.base.name})`;
  }

  protected parameters(): tf.Tensor[] {
    return [];
  }

  override dispose(): void {
    this.base.dispose();
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => sumLast(this.base.logProb(x), this.reinterpretedBatchNdims));
  }

  override sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return this.base.sample(sampleShape, seed);
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return this.base.rsample(sampleShape, seed);
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => sumLast(this.base.entropy(), this.reinterpretedBatchNdims));
  }

  override mean(): tf.Tensor {
    return this.base.mean();
  }

  override variance(): tf.Tensor {
    return this.base.variance();
  }

  override stddev(): tf.Tensor {
    return this.base.stddev();
  }
}

/**
 * KL(Independent(p, n) || Independent(q, n)) = the sum of KL(p || q) over the n reinterpreted dimensions, which
 * holds because the coordinates are independent under both. Both must reinterpret the same number of dimensions.
 */
export function klIndependentIndependent(p: Independent, q: Independent): tf.Tensor {
  const n = p.reinterpretedBatchNdims;
  if (q.reinterpretedBatchNdims !== n)
    throw new Error(
      `klDivergence: Independent distributions must reinterpret the same number of batch dimensions, got ` +
        `${n} and ${q.reinterpretedBatchNdims}`,
    );
  if (p.eventShape.join(',') !== q.eventShape.join(','))
    throw new Error(
      `klDivergence: Independent event shapes differ ([${p.eventShape.join(', ')}] and ` +
        `[${q.eventShape.join(', ')}])`,
    );
  return tf.tidy(() => sumLast(klDivergence(p.base, q.base), n));
}

registerKL(Independent, Independent, klIndependentIndependent);
