/**
 * The univariate logistic distribution.
 */
import * as tf from '../engine/tf.js';
import { toFloatTensor, type TensorInput } from './distribution.js';
import { LocationScale } from './location-scale.js';

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
export class Logistic extends LocationScale {
  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return this.sampleByIcdf(sampleShape, seed);
  }

  /** Written with softplus(-z) so that neither tail overflows: exp(-z) alone would for z < -88 in float32. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = this.standardize(x, 'logProb');
      return tf.neg(tf.add(tf.add(z, tf.log(this.scale)), tf.mul(tf.softplus(tf.neg(z)), 2)));
    });
  }

  /** H = log s + 2. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 2));
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
    return tf.tidy(() => tf.sigmoid(this.standardize(x, 'cdf')));
  }

  /** loc + s logit(p), with logit(p) = log p - log(1 - p). */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const u = toFloatTensor(p, 'p', 'Logistic.icdf');
      return this.unstandardize(tf.sub(tf.log(u), tf.log1p(tf.neg(u))));
    });
  }
}
