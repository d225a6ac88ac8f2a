/**
 * The univariate logistic distribution.
 */
import * as tf from '../engine/tf.js';
import {
  broadcastParams,
  checkValues,
  Distribution,
  shouldValidate,
  toFloatTensor,
  uniformOpen,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';

/** pi^2 / 3, the variance of the standard logistic distribution. */
const PI_SQUARED_OVER_3 = (Math.PI * Math.PI) / 3;

/**
 * Logistic distribution with location (mean and median) `loc` and scale `scale` = s > 0.
 *
 * With z = (x - loc) / s, log p(x) = -z - log s - 2 softplus(-z), the cdf is sigmoid(z) and the quantile function
 * loc + s logit(p). `rsample` is `icdf(u)` with u ~ Uniform(0, 1), pathwise in loc and scale; the variance is
 * s^2 pi^2 / 3 and the entropy log s + 2.
 *
 * @example
 * const q = new Logistic([0, 1], [1, 0.5]);
 * const z = q.rsample([10]); // shape [10, 2], differentiable in loc and scale
 *
 * References: N. Balakrishnan (ed.), "Handbook of the Logistic Distribution", Marcel Dekker, 1992.
 */
export class Logistic extends Distribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  override readonly hasRsample = true;

  constructor(loc: TensorInput, scale: TensorInput, options?: DistributionOptions) {
    super();
    const { shape, tensors } = broadcastParams({ loc, scale }, 'Logistic');
    this.loc = tensors.loc;
    this.scale = tensors.scale;
    this.batchShape = shape;
    if (shouldValidate(options)) {
      checkValues(this.loc, Number.isFinite, 'loc', 'finite', 'Logistic');
      checkValues(this.scale, (v) => v > 0 && Number.isFinite(v), 'scale', 'positive and finite', 'Logistic');
    }
  }

  protected parameters(): tf.Tensor[] {
    return [this.loc, this.scale];
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => this.icdf(uniformOpen(this.extendedShape(sampleShape), seed)));
  }

  /** Written with softplus(-z) so that neither tail overflows: exp(-z) alone would for z < -88 in float32. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.div(tf.sub(toFloatTensor(x, 'x', 'Logistic.logProb'), this.loc), this.scale);
      return tf.neg(tf.add(tf.add(z, tf.log(this.scale)), tf.mul(tf.softplus(tf.neg(z)), 2)));
    });
  }

  /** H = log s + 2. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 2));
  }

  override mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  /** Var = s^2 pi^2 / 3. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), PI_SQUARED_OVER_3));
  }

  override stddev(): tf.Tensor {
    return tf.mul(this.scale, Math.sqrt(PI_SQUARED_OVER_3));
  }

  /** F(x) = sigmoid((x - loc) / s). */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() =>
      tf.sigmoid(tf.div(tf.sub(toFloatTensor(x, 'x', 'Logistic.cdf'), this.loc), this.scale)),
    );
  }

  /** loc + s logit(p), with logit(p) = log p - log(1 - p). */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const u = toFloatTensor(p, 'p', 'Logistic.icdf');
      return tf.add(this.loc, tf.mul(this.scale, tf.sub(tf.log(u), tf.log1p(tf.neg(u)))));
    });
  }
}
