/**
 * Finite mixtures whose components are one batched distribution.
 */
import * as tf from '../engine/tf.js';
import { Random, resolveSeed } from '../engine/random.js';
import type { Categorical } from './categorical.js';
import {
  broadcastShapes,
  Distribution,
  toFloatTensor,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';

/** `shape` with ones inserted at position `at` so that it has rank `rank`. */
function padAt(shape: number[], at: number, rank: number): number[] {
  return [...shape.slice(0, at), ...new Array<number>(rank - shape.length).fill(1), ...shape.slice(at)];
}

/**
 * The mixture p(x) = sum_k w_k p_k(x) of K components from one family: `components` has batch shape
 * `[...batchShape, K]` (its rightmost batch dimension indexes the components) and `mixture` is a Categorical over
 * K categories with batch shape `batchShape` (the two batch shapes may broadcast).
 *
 * log p(x) = logsumexp_k(log w_k + log p_k(x)); the mean is sum_k w_k mu_k and the variance follows the law of total
 * variance, sum_k w_k (sigma_k^2 + (mu_k - mu)^2), coordinatewise for vector events. `cdf` = sum_k w_k F_k(x) for
 * scalar events whose components have a cdf. `sample` draws a component index, then a draw of that component
 * (seeded); there is no `rsample`, since the choice of component is discrete.
 *
 * The mixture owns `mixture` and `components`: `dispose()` disposes both.
 *
 * @example
 * const gmm = new MixtureSameFamily(
 *   new Categorical({ probs: [0.3, 0.7] }),
 *   new Normal([-1, 2], [0.5, 1]),
 * );
 * gmm.logProb([0, 1.5]); // shape [2]
 *
 * References: C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, section 9.2.
 */
export class MixtureSameFamily extends Distribution {
  readonly mixture: Categorical;
  readonly components: Distribution;
  readonly batchShape: number[];
  readonly eventShape: number[];
  /** K, the number of components. */
  readonly numComponents: number;

  constructor(mixture: Categorical, components: Distribution, _options?: DistributionOptions) {
    super();
    const context = 'MixtureSameFamily';
    const k = mixture.numCategories;
    const cBatch = components.batchShape;
    if (cBatch.length < 1 || cBatch[cBatch.length - 1] !== k)
      throw new Error(
        `${context}: argument 'components' must have batch shape [..., ${k}] (its rightmost batch dimension ` +
          `indexes the ${k} categories of 'mixture'), got [${cBatch.join(', ')}]`,
      );
    try {
      this.batchShape = broadcastShapes([mixture.batchShape, cBatch.slice(0, -1)], context);
    } catch {
      throw new Error(
        `${context}: the batch shape [${mixture.batchShape.join(', ')}] of 'mixture' does not broadcast with ` +
          `the batch shape [${cBatch.slice(0, -1).join(', ')}] of 'components' (less the component dimension)`,
      );
    }
    this.mixture = mixture;
    this.components = components;
    this.eventShape = components.eventShape;
    this.numComponents = k;
  }

  protected parameters(): tf.Tensor[] {
    return [];
  }

  override dispose(): void {
    this.mixture.dispose();
    this.components.dispose();
  }

  /** `x` of shape `[..., ...eventShape]` with a component axis inserted before the event: `[..., 1, ...event]`. */
  private expandAtComponents(x: TensorInput, method: string): tf.Tensor {
    const v = toFloatTensor(x, 'x', `MixtureSameFamily.${method}`);
    const e = this.eventShape.length;
    if (v.rank < e || v.shape.slice(v.rank - e).join(',') !== this.eventShape.join(','))
      throw new Error(
        `MixtureSameFamily.${method}: argument 'x' must have shape [..., ${this.eventShape.join(', ')}], ` +
          `got [${v.shape.join(', ')}]`,
      );
    return tf.expandDims(v, v.rank - e);
  }

  /** The mixture weights shaped to broadcast against per-component moments `[..., K, ...event]`. */
  private weightsOverEvent(): tf.Tensor {
    const w = this.mixture.probs;
    return tf.reshape(w, [...w.shape, ...this.eventShape.map(() => 1)]);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const perComponent = this.components.logProb(this.expandAtComponents(x, 'logProb'));
      return tf.logSumExp(tf.add(perComponent, this.mixture.logits), -1);
    });
  }

  override sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    const rng = new Random(resolveSeed(seed));
    const mixtureSeed = rng.nextUint32() >>> 1;
    const componentSeed = rng.nextUint32() >>> 1;
    return tf.tidy(() => {
      const s = sampleShape.length;
      const b = this.batchShape.length;
      const e = this.eventShape.length;
      const k = this.numComponents;
      // Every component is drawn and the chosen one kept by a one-hot product: K times the work of one draw,
      // with static shapes and no gather over batch indices.
      // The one-hot rows come from a comparison with 0..K-1 rather than tf.oneHot, which refuses K = 1.
      const index = this.mixture.sample(sampleShape, mixtureSeed);
      const oneHot = tf.cast(
        tf.equal(tf.reshape(index, [-1, 1]), tf.range(0, k, 1, index.dtype as 'int32')),
        'float32',
      );
      const mask = tf.reshape(oneHot, [
        ...padAt([...sampleShape, ...this.mixture.batchShape], s, s + b),
        k,
        ...new Array<number>(e).fill(1),
      ]);
      const draws = this.components.sample(sampleShape, componentSeed);
      const aligned = tf.reshape(draws, [
        ...padAt(draws.shape.slice(0, -e - 1), s, s + b),
        k,
        ...this.eventShape,
      ]);
      return tf.sum(tf.mul(mask, aligned), s + b);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() =>
      tf.sum(tf.mul(this.weightsOverEvent(), this.components.mean()), -this.eventShape.length - 1),
    );
  }

  /** Law of total variance: sum_k w_k (sigma_k^2 + (mu_k - mu)^2), coordinatewise. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const axis = -this.eventShape.length - 1;
      const w = this.weightsOverEvent();
      const mu = this.components.mean();
      const mean = tf.sum(tf.mul(w, mu), axis, true);
      const spread = tf.add(this.components.variance(), tf.square(tf.sub(mu, mean)));
      return tf.sum(tf.mul(w, spread), axis);
    });
  }

  /** P(X <= x) = sum_k w_k F_k(x), for scalar events. */
  override cdf(x: TensorInput): tf.Tensor {
    if (this.eventShape.length > 0) throw this.undefinedMethod('cdf (for non-scalar events)');
    return tf.tidy(() =>
      tf.sum(tf.mul(this.mixture.probs, this.components.cdf(this.expandAtComponents(x, 'cdf'))), -1),
    );
  }
}
