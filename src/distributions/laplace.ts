/**
 * The univariate Laplace (double exponential) distribution.
 */
import * as tf from '../engine/tf.js';
import { toFloatTensor, type TensorInput } from './distribution.js';
import { LocationScale } from './location-scale.js';
import { registerKL } from './kl.js';

/**
 * Laplace distribution with location (mean and median) `loc` and scale `scale` = b > 0.
 *
 * log p(x) = -|x - loc| / b - log(2 b). `rsample` is `icdf(u)` with u ~ Uniform(0, 1), pathwise in loc and scale;
 * the variance is 2 b^2 and the entropy 1 + log(2 b).
 *
 * @example
 * const q = new Laplace([0, 1], [1, 0.5]);
 * const z = q.rsample([10]); // shape [10, 2], differentiable in loc and scale
 *
 * References: S. Kotz, T. J. Kozubowski and K. Podgórski, "The Laplace Distribution and Generalizations",
 * Birkhäuser, 2001.
 */
export class Laplace extends LocationScale {
  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return this.sampleByIcdf(sampleShape, seed);
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = tf.abs(this.standardize(x, 'logProb'));
      return tf.neg(tf.add(z, tf.log(tf.mul(this.scale, 2))));
    });
  }

  /** H = 1 + log(2 b). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(tf.mul(this.scale, 2)), 1));
  }

  /** Var = 2 b^2. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), 2));
  }

  override stddev(): tf.Tensor {
    return tf.mul(this.scale, Math.SQRT2);
  }

  /** F(x) = exp(z) / 2 for z = (x - loc) / b < 0, and 1 - exp(-z) / 2 otherwise. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = this.standardize(x, 'cdf');
      // Each branch clamps z to its own side, so neither overflows (an infinite unused branch would turn the
      // gradient of tf.where into NaN) and both have the right derivative at z = 0, where abs(z) has not.
      const lower = tf.mul(tf.exp(tf.minimum(z, 0)), 0.5);
      const upper = tf.sub(1, tf.mul(tf.exp(tf.neg(tf.maximum(z, 0))), 0.5));
      // tf.greaterEqual, not tf.less: it is the one comparison with a gradient in TF.js.
      return tf.where(tf.greaterEqual(z, 0), upper, lower);
    });
  }

  /**
   * loc + b log(2p) for p < 1/2, loc - b log(2 (1 - p)) otherwise. The two branches keep full precision in both
   * tails, where the usual loc - b sign(p - 1/2) log(1 - 2|p - 1/2|) loses it to the rounding of p - 1/2.
   */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const u = toFloatTensor(p, 'p', 'Laplace.icdf');
      const lower = tf.log(tf.mul(u, 2));
      const upper = tf.neg(tf.log(tf.mul(tf.sub(1, u), 2)));
      const z = tf.where(tf.greaterEqual(u, 0.5), upper, lower);
      return this.unstandardize(z);
    });
  }
}

/**
 * KL(Laplace(m1, b1) || Laplace(m2, b2)) = log(b2 / b1) + |m1 - m2| / b2 + (b1 / b2) exp(-|m1 - m2| / b1) - 1.
 *
 * References: M. Gil, F. Alajaji and T. Linder, "Rényi divergence measures for commonly used univariate continuous
 * distributions", Information Sciences 249, 2013.
 */
export function klLaplaceLaplace(p: Laplace, q: Laplace): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.div(p.scale, q.scale);
    const distance = tf.abs(tf.sub(p.loc, q.loc));
    const decay = tf.mul(ratio, tf.exp(tf.neg(tf.div(distance, p.scale))));
    return tf.sub(tf.add(tf.div(distance, q.scale), decay), tf.add(tf.log(ratio), 1));
  });
}

registerKL(Laplace, Laplace, klLaplaceLaplace);
