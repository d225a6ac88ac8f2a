/**
 * The continuous uniform distribution on an interval.
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
import { registerKL } from './kl.js';

/**
 * Uniform distribution on [low, high], low < high.
 *
 * log p(x) = -log(high - low) for low <= x <= high and -Infinity outside. `rsample` is low + (high - low) u with
 * u ~ Uniform(0, 1), pathwise in low and high; the variance is (high - low)^2 / 12 and the entropy log(high - low).
 *
 * @example
 * const d = new Uniform([0, -1], [1, 3]);
 * const x = d.rsample([10]); // shape [10, 2], differentiable in low and high
 *
 * References: N. L. Johnson, S. Kotz and N. Balakrishnan, "Continuous Univariate Distributions", vol. 2, 2nd ed.,
 * Wiley, 1995, chapter 26.
 */
export class Uniform extends Distribution {
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  override readonly hasRsample = true;

  constructor(low: TensorInput, high: TensorInput, options?: DistributionOptions) {
    super();
    const { shape, tensors, borrowed } = broadcastParams({ low, high }, 'Uniform');
    this.borrow(borrowed);
    this.low = tensors.low;
    this.high = tensors.high;
    this.batchShape = shape;
    if (shouldValidate(options)) {
      checkValues(this.low, Number.isFinite, 'low', 'finite', 'Uniform');
      checkValues(this.high, Number.isFinite, 'high', 'finite', 'Uniform');
      const lows = this.low.dataSync();
      const highs = this.high.dataSync();
      for (let i = 0; i < lows.length; i++) {
        if (!(highs[i] > lows[i]))
          throw new Error(
            `Uniform: argument 'high' must be greater than 'low', got high ${highs[i]} and low ${lows[i]} ` +
              `at flat index ${i}`,
          );
      }
    }
  }

  protected parameters(): tf.Tensor[] {
    return [this.low, this.high];
  }

  private width(): tf.Tensor {
    return tf.sub(this.high, this.low);
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() =>
      tf.add(this.low, tf.mul(this.width(), uniformOpen(this.extendedShape(sampleShape), seed))),
    );
  }

  /** -log(high - low) on the closed support, -Infinity off it, NaN for NaN. */
  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const v = toFloatTensor(x, 'x', 'Uniform.logProb');
      // Nested tf.where over tf.greaterEqual: the other comparisons and logical ops have no gradient in TF.js, and
      // the conditions sit on the path from low and high.
      const belowHigh = tf.where(tf.greaterEqual(this.high, v), tf.neg(tf.log(this.width())), -Infinity);
      return tf.where(tf.isNaN(v), NaN, tf.where(tf.greaterEqual(v, this.low), belowHigh, -Infinity));
    });
  }

  /** H = log(high - low). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.log(this.width()));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.add(this.low, this.high), 0.5));
  }

  /** Var = (high - low)^2 / 12. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.div(tf.square(this.width()), 12));
  }

  override stddev(): tf.Tensor {
    return tf.tidy(() => tf.div(this.width(), Math.sqrt(12)));
  }

  /** F(x) = (x - low) / (high - low), clamped to [0, 1]. */
  override cdf(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const v = toFloatTensor(x, 'x', 'Uniform.cdf');
      const z = tf.div(tf.sub(v, this.low), this.width());
      // tf.clipByValue turns NaN into 0 on wasm; keep NaN visible.
      return tf.where(tf.isNaN(z), NaN, tf.clipByValue(z, 0, 1));
    });
  }

  /** low + p (high - low). */
  override icdf(p: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.add(this.low, tf.mul(toFloatTensor(p, 'p', 'Uniform.icdf'), this.width())));
  }
}

/**
 * KL(U(l1, h1) || U(l2, h2)) = log((h2 - l2) / (h1 - l1)) when [l1, h1] lies inside [l2, h2], +Infinity otherwise
 * (p then puts mass where q has none), as `torch.distributions.kl_divergence` defines it.
 */
export function klUniformUniform(p: Uniform, q: Uniform): tf.Tensor {
  return tf.tidy(() => {
    const kl = tf.log(tf.div(tf.sub(q.high, q.low), tf.sub(p.high, p.low)));
    // Only tf.greaterEqual among the comparisons has a gradient in TF.js, hence the nesting.
    const belowHigh = tf.where(tf.greaterEqual(q.high, p.high), kl, Infinity);
    return tf.where(tf.greaterEqual(p.low, q.low), belowHigh, Infinity);
  });
}

registerKL(Uniform, Uniform, klUniformUniform);
