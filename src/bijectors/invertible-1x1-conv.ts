/**
 * Glow's invertible 1x1 convolution: a learned c x c matrix mixing the channels at every position.
 */
import * as tf from '../engine/tf.js';
import { Random, resolveSeed } from '../engine/random.js';
import { inverse, luFactors, qr, slogdet, transpose } from '../linalg/index.js';
import { Bijector, BijectorError } from './bijector.js';

/** Options of {@link Invertible1x1Conv}. */
export interface Invertible1x1ConvOptions {
  /** Parameterise W by its LU factors (default, Glow's "LU-decomposed" variant) or by W itself. */
  lu?: boolean;
  /** Seed of the random rotation W starts from; default: the next seed of the global stream. */
  seed?: number;
  /** 3 for images `[n, h, w, c]` (default), 1 for vectors `[n, c]` (a learned invertible linear map). */
  eventNdims?: 1 | 3;
}

const SINGULAR =
  'Invertible1x1Conv: the weight matrix is singular (log|det W| = -Infinity); it cannot be inverted';

/**
 * An invertible linear map W (c x c) applied to the channel vector at every position: in the noise-to-data
 * direction x[n, i, j, :] = W z[n, i, j, :] (a matMul of the `[n h w, c]` rows by W^T), with
 *
 *   log|det J| = h * w * log|det W|   (1 * log|det W| for vectors),
 *
 * and the inverse z = W^{-1} x, W^{-1} computed in float64 from W's current values (and differentiable: its
 * gradient is -W^{-T} G W^{-T}, so training in the data-to-noise direction reaches W). Those float64 steps read
 * W's c^2 values synchronously (`dataSync`) at each call: negligible on the CPU and wasm backends.
 *
 * W starts as a random rotation: the Q of the QR factorisation of a seeded standard-normal matrix, its rows reordered
 * and its columns' signs flipped (W0 = P0 Q D, still a rotation) so that W0 = L U with no pivoting and a positive
 * diagonal in U.
 * - `lu: true` (default): W = L (U + diag(exp(logAbsS))), parameters `lower` (the strictly lower part of the unit
 *   lower-triangular L), `upper` (the strictly upper part of U; entries outside the triangles are masked off) and
 *   `logAbsS` (`[c]`). log|det W| = sum(logAbsS): cheap and exact. Glow writes W = P L (U + diag(sign(s) |s|)) with
 *   a fixed permutation P and fixed signs; here both are folded into the initial rotation (P = I, sign(s) = +1), so
 *   the parameters alone define W and a checkpoint restores it without the seed.
 * - `lu: false`: the parameter `weight` is W itself; log|det W| comes from an LU factorisation in float64 (src/linalg
 *   `slogdet`), with the gradient W^{-T}. A singular W is an error.
 *
 * @example
 * const mix = new Invertible1x1Conv(4, { seed: 1 }); // images [n, h, w, 4]
 * const [x, logDet] = mix.forwardAndLogDet(z);       // logDet = h w log|det W| per image, [n]
 *
 * References: D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions", 2018,
 * https://arxiv.org/abs/1807.03039
 */
export class Invertible1x1Conv extends Bijector {
  readonly eventNdims: number;
  /** The seed W0 was drawn from (the one given, or the one taken from the global stream). */
  readonly seed: number;
  readonly lu: boolean;
  private readonly lower?: tf.Variable;
  private readonly upper?: tf.Variable;
  private readonly logAbsS?: tf.Variable;
  private readonly weight?: tf.Variable;

  constructor(
    readonly channels: number,
    { lu = true, seed, eventNdims = 3 }: Invertible1x1ConvOptions = {},
  ) {
    super();
    if (!Number.isInteger(channels) || channels < 1)
      throw new BijectorError(
        `Invertible1x1Conv: argument 'channels' must be a positive integer, got ${channels}`,
      );
    if (eventNdims !== 1 && eventNdims !== 3)
      throw new BijectorError(
        `Invertible1x1Conv: option 'eventNdims' must be 1 or 3, got ${String(eventNdims)}`,
      );
    this.eventNdims = eventNdims;
    this.lu = lu;
    this.seed = resolveSeed(seed);
    const c = channels;
    const { L, U } = initialFactors(c, this.seed);
    if (lu) {
      const logAbsS = Float32Array.from({ length: c }, (_, i) => Math.log(U[i * c + i]));
      for (let i = 0; i < c; i++) U[i * c + i] = 0;
      for (let i = 0; i < c; i++) L[i * c + i] = 0;
      this.lower = this.addParameter('lower', tf.tensor2d(Float32Array.from(L), [c, c]));
      this.upper = this.addParameter('upper', tf.tensor2d(Float32Array.from(U), [c, c]));
      this.logAbsS = this.addParameter('logAbsS', tf.tensor1d(logAbsS));
    } else {
      const w = new Float32Array(c * c);
      for (let i = 0; i < c; i++)
        for (let j = 0; j < c; j++)
          for (let k = 0; k <= Math.min(i, j); k++) w[i * c + j] += L[i * c + k] * U[k * c + j];
      this.weight = this.addParameter('weight', tf.tensor2d(w, [c, c]));
    }
  }

  /** W as a `[c, c]` tensor (row i, column j: W[i][j]), differentiable in the parameters. */
  weightMatrix(): tf.Tensor2D {
    if (this.weight !== undefined) return tf.clone(this.weight) as tf.Tensor2D;
    const c = this.channels;
    return tf.tidy(() => {
      const eye = tf.eye(c);
      const l = tf.add(tf.mul(this.lower!, tf.tensor2d(triangleMask(c, 'lower'), [c, c])), eye);
      const diag = tf.mul(eye, tf.reshape(tf.exp(this.logAbsS!), [1, c]));
      const u = tf.add(tf.mul(this.upper!, tf.tensor2d(triangleMask(c, 'upper'), [c, c])), diag);
      return tf.matMul(l, u);
    });
  }

  /** log|det W|, a scalar tensor, differentiable in the parameters. Throws a BijectorError when W is singular. */
  logAbsDetWeight(): tf.Tensor {
    if (this.logAbsS !== undefined) return tf.sum(this.logAbsS);
    return logAbsDet(this.weight!);
  }

  forwardAndLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.check(z, 'forwardAndLogDet', 'z');
    return tf.tidy(() => {
      const logDet = this.logDetOf(z, batchShape, 1);
      return [this.mix(z, this.weightMatrix()), logDet];
    });
  }

  override inverseAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batchShape = this.check(x, 'inverseAndLogDet', 'x');
    return tf.tidy(() => {
      const logDet = this.logDetOf(x, batchShape, -1);
      return [this.mix(x, matrixInverse(this.weightMatrix())), logDet];
    });
  }

  /** Each channel vector v of `t` to M v: `t` as `[positions, c]` rows times M^T. */
  private mix(t: tf.Tensor, m: tf.Tensor): tf.Tensor {
    const rows = tf.reshape(t, [-1, this.channels]);
    return tf.reshape(tf.matMul(rows, m, false, true), t.shape);
  }

  /** sign * P * log|det W| per batch element, P the positions per event. */
  private logDetOf(t: tf.Tensor, batchShape: number[], sign: 1 | -1): tf.Tensor {
    const positions = t.shape.slice(t.rank - this.eventNdims, t.rank - 1).reduce((a, b) => a * b, 1);
    return tf.mul(tf.ones(batchShape), tf.mul(this.logAbsDetWeight(), sign * positions));
  }

  private check(t: tf.Tensor, method: string, name: string): number[] {
    if (t.rank < this.eventNdims || t.shape[t.rank - 1] !== this.channels)
      throw new BijectorError(
        `Invertible1x1Conv.${method}: argument '${name}' must have at least ${this.eventNdims} dimensions and ` +
          `${this.channels} channels on its last axis, got shape [${t.shape.join(', ')}]`,
      );
    return t.shape.slice(0, t.rank - this.eventNdims);
  }
}

/**
 * The unit lower-triangular L and upper-triangular U (positive diagonal) of W0 = P0 Q D = L U, Q the random rotation
 * of `seed`, P0 its LU pivoting and D = diag(sign U_ii).
 */
function initialFactors(c: number, seed: number): { L: Float64Array; U: Float64Array } {
  const rng = new Random(seed);
  const { Q } = qr(
    Float64Array.from({ length: c * c }, () => rng.normal()),
    c,
  );
  const { L, U } = luFactors(Q, c);
  // U D: flip the columns whose diagonal entry is negative.
  for (let j = 0; j < c; j++) if (U[j * c + j] < 0) for (let i = 0; i <= j; i++) U[i * c + j] = -U[i * c + j];
  return { L, U };
}

/** 1 strictly below (or above) the diagonal, 0 elsewhere. */
function triangleMask(c: number, part: 'lower' | 'upper'): Float32Array {
  const m = new Float32Array(c * c);
  for (let i = 0; i < c; i++)
    for (let j = 0; j < c; j++) m[i * c + j] = (part === 'lower' ? j < i : j > i) ? 1 : 0;
  return m;
}

/** float64 slogdet of a `[c, c]` tensor; a BijectorError when it is singular. */
function checkedSlogdet(values: ArrayLike<number>, c: number): number {
  const { sign, logAbsDet } = slogdet(values, c);
  if (sign === 0 || !Number.isFinite(logAbsDet)) throw new BijectorError(SINGULAR);
  return logAbsDet;
}

/** log|det W| of a `[c, c]` tensor, valued in float64, with the gradient W^{-T} dy. */
const logAbsDet = tf.customGrad((...args) => {
  const w = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const c = w.shape[0];
  const values = w.dataSync();
  const value = tf.scalar(checkedSlogdet(values, c));
  save([tf.tensor2d(Float32Array.from(transpose(inverse(values, c), c)), [c, c])]);
  return { value, gradFunc: (dy, saved) => tf.mul(dy, saved[0]) };
});

/** W^{-1} of a `[c, c]` tensor, valued in float64, with the gradient -W^{-T} G W^{-T}. */
const matrixInverse = tf.customGrad((...args) => {
  const w = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const c = w.shape[0];
  const values = w.dataSync();
  checkedSlogdet(values, c);
  const value = tf.tensor2d(Float32Array.from(inverse(values, c)), [c, c]);
  save([value]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const inv = saved[0];
      return tf.neg(tf.matMul(tf.matMul(inv, dy, true, false), inv, false, true));
    },
  };
});
