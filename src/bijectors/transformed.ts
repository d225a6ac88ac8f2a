/**
 * `TransformedDistribution`: the distribution of f(z) for z from a base distribution, a normalizing flow's density.
 */
import * as tf from '../engine/tf.js';
import { Distribution, toFloatTensor, type TensorInput } from '../distributions/distribution.js';
import { stopGradient } from '../distributions/special.js';
import { BijectorError, type Bijector } from './bijector.js';

/** Options of {@link TransformedDistribution}. */
export interface TransformedDistributionOptions {
  /**
   * The context a conditional bijector reads (`[n, k]`, one-hot labels, say), bound once: `logProb`, `sample` and
   * `rsample` pass it to the bijector. The distribution does not own it: whoever created it disposes it, after the
   * distribution's last use. Default: none (an unconditional flow).
   */
  context?: tf.Tensor;
}

/**
 * The distribution of x = f(z; c), z ~ base, for a bijector f (its `forward` is the sampling direction) and an
 * optional bound context c:
 *
 *   log p(x | c) = log p_base(f^-1(x; c)) + log|det J_{f^-1}(x; c)|.
 *
 * The base's event rank must be the bijector's `eventNdims` (checked here, as distrax's `Transformed` does): for a
 * vector flow on `[d]`, an `Independent(Normal(zeros, ones), 1)` of batch shape [] and event shape [d], not the
 * `Normal` itself, whose d coordinates are a batch of scalar events. `batchShape` and `eventShape` are the base's.
 *
 * A conditional flow is this distribution with the context bound (zuko's `flow(c)`): `context` has the batch shape
 * of the values, `[n, k]` for `[n, d]` data, so `sample` takes a sampleShape of [n].
 *
 * `dispose()` disposes the base but neither the bijector nor the context: the model owns the bijector's parameters
 * (and may build several distributions on one flow, one per context), the caller the context.
 *
 * @example
 * const base = new Independent(new Normal(tf.zeros([2]), tf.ones([2])), 1);
 * const flow = new Chain([coupling0, coupling1]); // couplings built with contextSize 10
 * const oneHot = tf.oneHot(labels, 10); // [n, 10]
 * const dist = new TransformedDistribution(base, flow, { context: oneHot });
 * dist.logProb(x); // [n], log p(x_i | label_i)
 * dist.sample([n], 0); // [n, 2], one draw per label
 *
 * References: G. Papamakarios et al., "Normalizing Flows for Probabilistic Modeling and Inference", 2021,
 * https://arxiv.org/abs/1912.02762
 */
export class TransformedDistribution extends Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  override readonly hasRsample: boolean;
  /** The bound context, or undefined for an unconditional flow; the caller's tensor. */
  readonly context: tf.Tensor | undefined;

  constructor(
    readonly base: Distribution,
    readonly bijector: Bijector,
    { context }: TransformedDistributionOptions = {},
  ) {
    super();
    const rank = base.eventShape.length;
    const want = bijector.eventNdims;
    if (rank !== want) {
      const hint =
        rank < want && base.batchShape.length >= want - rank
          ? `wrap the base as new Independent(base, ${want - rank}) to make its rightmost ${want - rank} batch ` +
            `dimension(s) part of the event (a Normal of batch shape [2] has event rank 0: new Independent(normal, 1))`
          : `the base needs event rank ${want} (Independent(base, k) moves k batch dimensions into the event)`;
      throw new BijectorError(
        `TransformedDistribution: the base ${base.name} has event rank ${rank} (eventShape ` +
          `[${base.eventShape.join(', ')}], batchShape [${base.batchShape.join(', ')}]) but the bijector ` +
          `${bijector.constructor.name} acts on events of rank ${want} (eventNdims); ${hint}`,
      );
    }
    this.batchShape = base.batchShape;
    this.eventShape = base.eventShape;
    this.hasRsample = base.hasRsample;
    this.context = context;
  }

  override get name(): string {
    return `TransformedDistribution(${this.base.name}, ${this.bijector.constructor.name})`;
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const [z, logDet] = this.bijector.inverseAndLogDet(
        toFloatTensor(x, 'x', `${this.name}.logProb`),
        this.context,
      );
      return tf.add(this.base.logProb(z), logDet);
    });
  }

  override sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() =>
      stopGradient(this.bijector.forward(this.base.sample(sampleShape, seed), this.context)),
    );
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => this.bijector.forward(this.base.rsample(sampleShape, seed), this.context));
  }

  protected parameters(): tf.Tensor[] {
    return [];
  }

  override dispose(): void {
    this.base.dispose();
  }
}
