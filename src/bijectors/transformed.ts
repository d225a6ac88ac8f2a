/**
 * `TransformedDistribution`: the distribution of f(z) for z from a base distribution, a normalizing flow's density.
 */
import * as tf from '../engine/tf.js';
import { Distribution, toFloatTensor, type TensorInput } from '../distributions/distribution.js';
import { stopGradient } from '../distributions/special.js';
import type { Bijector } from './bijector.js';

/**
 * The distribution of x = f(z), z ~ base, for a bijector f (its `forward` is the sampling direction):
 *
 *   log p(x) = log p_base(f^-1(x)) + log|det J_{f^-1}(x)|.
 *
 * The base must have the flow's event shape: for a vector flow on `[d]`, an `Independent(Normal(zeros, ones), 1)`
 * of batch shape [] and event shape [d]; `batchShape` and `eventShape` are the base's. A conditional flow takes a
 * `context` in `logProb`, `sample` and `rsample`, of batch `[n, k]` matching the `[n]` samples (so pass a
 * sampleShape of [n]).
 *
 * `dispose()` disposes the base but not the bijector: the model owns the bijector's parameters (and may build
 * several distributions on one flow).
 *
 * @example
 * const base = new Independent(new Normal(tf.zeros([2]), tf.ones([2])), 1);
 * const flow = new TransformedDistribution(base, new Chain([coupling0, coupling1]));
 * flow.logProb(x); // [n]
 * flow.sample([100], 0); // [100, 2]
 *
 * References: G. Papamakarios et al., "Normalizing Flows for Probabilistic Modeling and Inference", 2021,
 * https://arxiv.org/abs/1912.02762
 */
export class TransformedDistribution extends Distribution {
  readonly batchShape: number[];
  readonly eventShape: number[];
  override readonly hasRsample: boolean;

  constructor(
    readonly base: Distribution,
    readonly bijector: Bijector,
  ) {
    super();
    this.batchShape = base.batchShape;
    this.eventShape = base.eventShape;
    this.hasRsample = base.hasRsample;
  }

  override get name(): string {
    return `TransformedDistribution(${this.base.name}, ${this.bijector.constructor.name})`;
  }

  logProb(x: TensorInput, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [z, logDet] = this.bijector.inverseAndLogDet(
        toFloatTensor(x, 'x', `${this.name}.logProb`),
        context,
      );
      return tf.add(this.base.logProb(z), logDet);
    });
  }

  override sample(sampleShape: number[] = [], seed?: number, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => stopGradient(this.bijector.forward(this.base.sample(sampleShape, seed), context)));
  }

  override rsample(sampleShape: number[] = [], seed?: number, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.bijector.forward(this.base.rsample(sampleShape, seed), context));
  }

  protected parameters(): tf.Tensor[] {
    return [];
  }

  override dispose(): void {
    this.base.dispose();
  }
}
