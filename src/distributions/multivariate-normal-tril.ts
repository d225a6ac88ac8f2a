/**
 * The multivariate normal distribution N(loc, L L^T), parametrised by the Cholesky factor L of its covariance.
 */
import * as tf from '../engine/tf.js';
import {
  broadcastShapes,
  checkValues,
  Distribution,
  shouldValidate,
  standardNormal,
  toFloatTensor,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';
import { registerKL } from './kl.js';
import { HALF_LOG_TWO_PI } from './special.js';
import { lowerTriangle, triangularSolveLower } from './triangular-solve.js';

/** The diagonals of a batch of square matrices, `[..., d, d] -> [..., d]`. */
function diagonal(m: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(m, tf.eye(m.shape[m.rank - 1])), -1));
}

/** The event size d, or an error naming the argument whose shape is wrong. */
function checkShapes(loc: number[], scaleTril: number[], context: string): number {
  if (loc.length < 1) throw new Error(`${context}: argument 'loc' must have shape [..., d], got a scalar`);
  const d = loc[loc.length - 1];
  const n = scaleTril.length;
  if (n < 2 || scaleTril[n - 1] !== scaleTril[n - 2])
    throw new Error(
      `${context}: argument 'scaleTril' must be square, [..., d, d], got [${scaleTril.join(', ')}]`,
    );
  if (scaleTril[n - 1] !== d)
    throw new Error(
      `${context}: argument 'scaleTril' must be ${d} x ${d} to match loc of shape [${loc.join(', ')}], ` +
        `got [${scaleTril.join(', ')}]`,
    );
  return d;
}

/**
 * Multivariate normal distribution with mean `loc` (shape `[..., d]`) and covariance L L^T, where L = `scaleTril`
 * (shape `[..., d, d]`) is lower-triangular with a positive diagonal.
 *
 * log p(x) = -||L^{-1}(x - loc)||^2 / 2 - sum_i log L_ii - d log(2 pi) / 2. `rsample` is loc + L eps with
 * eps ~ N(0, I_d), pathwise in both parameters. The batch shape is the broadcast of `loc.shape[:-1]` and
 * `scaleTril.shape[:-2]`; the event shape is `[d]`.
 *
 * As in TensorFlow Probability, only the lower triangle of `scaleTril` is used: its strict upper triangle is set to
 * zero (and gets no gradient), so an unconstrained square matrix from a network can be passed directly, as long as
 * its diagonal is positive (apply softplus or exp to it first).
 *
 * @example
 * const q = new MultivariateNormalTriL([0, 1], [[1, 0], [0.5, 2]]);
 * const z = q.rsample([10]); // shape [10, 2]
 * q.covariance(); // [[1, 0.5], [0.5, 4.25]]
 *
 * References: C. M. Bishop, "Pattern Recognition and Machine Learning", 2006, section 2.3.
 */
export class MultivariateNormalTriL extends Distribution {
  readonly loc: tf.Tensor;
  readonly scaleTril: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[];
  override readonly hasRsample = true;

  constructor(loc: TensorInput, scaleTril: TensorInput, options?: DistributionOptions) {
    super();
    const context = 'MultivariateNormalTriL';
    const m = toFloatTensor(loc, 'loc', context);
    let s: tf.Tensor;
    try {
      s = toFloatTensor(scaleTril, 'scaleTril', context);
    } catch (e) {
      if (m !== loc) m.dispose();
      throw e;
    }
    try {
      const d = checkShapes(m.shape, s.shape, context);
      this.batchShape = broadcastShapes([m.shape.slice(0, -1), s.shape.slice(0, -2)], context);
      this.eventShape = [d];
      this.loc = tf.broadcastTo(m, [...this.batchShape, d]);
      this.scaleTril = tf.tidy(() => lowerTriangle(tf.broadcastTo(s, [...this.batchShape, d, d])));
    } finally {
      if (m !== loc) m.dispose();
      if (s !== scaleTril) s.dispose();
    }
    if (shouldValidate(options)) {
      const diag = diagonal(this.scaleTril);
      try {
        checkValues(this.loc, Number.isFinite, 'loc', 'finite', context);
        checkValues(this.scaleTril, Number.isFinite, 'scaleTril', 'finite', context);
        checkValues(diag, (v) => v > 0, 'scaleTril', 'lower-triangular with a positive diagonal', context);
      } catch (e) {
        this.dispose();
        throw e;
      } finally {
        diag.dispose();
      }
    }
  }

  protected parameters(): tf.Tensor[] {
    return [this.loc, this.scaleTril];
  }

  /** The dimension d of one draw. */
  get dim(): number {
    return this.eventShape[0];
  }

  override rsample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const eps = standardNormal(this.extendedShape(sampleShape), seed);
      // (L eps)_i = sum_j L_ij eps_j, elementwise so that L broadcasts over the sample dimensions without copies.
      return tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
    });
  }

  logProb(x: TensorInput): tf.Tensor {
    return tf.tidy(() => {
      const v = toFloatTensor(x, 'x', 'MultivariateNormalTriL.logProb');
      if (v.rank < 1 || v.shape[v.rank - 1] !== this.dim)
        throw new Error(
          `MultivariateNormalTriL.logProb: argument 'x' must have shape [..., ${this.dim}], got [${v.shape.join(', ')}]`,
        );
      const z = triangularSolveLower(this.scaleTril, tf.expandDims(tf.sub(v, this.loc), -1));
      const halfMahalanobis = tf.mul(tf.sum(tf.square(z), [-2, -1]), 0.5);
      return tf.neg(tf.add(halfMahalanobis, tf.add(this.halfLogDet(), this.dim * HALF_LOG_TWO_PI)));
    });
  }

  /** sum_i log L_ii = log det(L L^T) / 2, of the batch shape. */
  halfLogDet(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.log(diagonal(this.scaleTril)), -1));
  }

  /** H = d (1 + log 2 pi) / 2 + sum_i log L_ii. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(this.halfLogDet(), this.dim * (0.5 + HALF_LOG_TWO_PI)));
  }

  override mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  /** The diagonal of the covariance: Var(x_i) = sum_j L_ij^2. */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.square(this.scaleTril), -1));
  }

  /** The covariance matrix L L^T, of shape `[...batchShape, d, d]`. */
  covariance(): tf.Tensor {
    return tf.matMul(this.scaleTril, this.scaleTril, false, true);
  }
}

/**
 * KL(N(mp, Lp Lp^T) || N(mq, Lq Lq^T)) = [ ||Lq^{-1} Lp||_F^2 + ||Lq^{-1}(mq - mp)||^2 - d
 * + 2 sum log diag Lq - 2 sum log diag Lp ] / 2, with both solves by forward substitution.
 */
export function klMvnTriLMvnTriL(p: MultivariateNormalTriL, q: MultivariateNormalTriL): tf.Tensor {
  if (p.dim !== q.dim)
    throw new Error(`klDivergence: MultivariateNormalTriL event sizes differ (${p.dim} and ${q.dim})`);
  return tf.tidy(() => {
    const trace = tf.sum(tf.square(triangularSolveLower(q.scaleTril, p.scaleTril)), [-2, -1]);
    const diff = tf.expandDims(tf.sub(q.loc, p.loc), -1);
    const mahalanobis = tf.sum(tf.square(triangularSolveLower(q.scaleTril, diff)), [-2, -1]);
    const logDets = tf.mul(tf.sub(q.halfLogDet(), p.halfLogDet()), 2);
    return tf.mul(tf.add(tf.sub(tf.add(trace, mahalanobis), p.dim), logDets), 0.5);
  });
}

registerKL(MultivariateNormalTriL, MultivariateNormalTriL, klMvnTriLMvnTriL);
