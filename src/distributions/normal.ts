/**
 * The univariate normal distribution N(loc, scale^2).
 */
import * as tf from '../engine/tf.js';
import { standardNormal, toFloatTensor, type TensorInput } from './distribution.js';
import { LocationScale } from './location-scale.js';
import { registerKL } from './kl.js';
import { HALF_LOG_TWO_PI, ndtr, ndtri } from './special.js';

/**
 * Normal (Gaussian) distribution with mean `loc` and standard deviation `scale` > 0.
 *
 * log p(x) = -((x - loc) / scale)^2 / 2 - log scale - log(2 pi) / 2. `rsample` is loc + scale * eps with
 * eps ~ N(0, 1), the reparameterization of Kingma and Welling.
 *
 * @example
 * const q = new Normal([0, 1], [1, 0.5]);
 * const z = q.rsample([10]); // shape [10, 2], differentiable in loc and scale
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114
 */
export class Normal extends LocationScale {
  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => this.unstandardize(standardNormal(this.extendedShape(sampleShape), seed)));
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const z = this.standardize(x, 'logProb');
      return tf.sub(tf.mul(tf.square(z), -0.5), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI));
    });
  }

  /** H = log scale + (1 + log 2 pi) / 2. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI));
  }

  override variance(): tf.Tensor {
    return tf.square(this.scale);
  }

  override stddev(): tf.Tensor {
    return tf.clone(this.scale);
  }

  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => ndtr(this.standardize(x, 'cdf')));
  }

  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => this.unstandardize(ndtri(toFloatTensor(p, 'p', 'Normal.icdf'))));
  }
}

/** KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2. */
export function klNormalNormal(p: Normal, q: Normal): tf.Tensor {
  return tf.tidy(() => {
    const varRatio = tf.square(tf.div(p.scale, q.scale));
    const meanTerm = tf.square(tf.div(tf.sub(p.loc, q.loc), q.scale));
    return tf.mul(tf.sub(tf.add(varRatio, meanTerm), tf.add(tf.log(varRatio), 1)), 0.5);
  });
}

registerKL(Normal, Normal, klNormalNormal);
