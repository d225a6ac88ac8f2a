/**
 * The importance-sampled estimate of log p(x) used to evaluate latent-variable models:
 *
 * log p(x) ~= log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x),
 *
 * a consistent estimator (and a stochastic lower bound) that tightens as K grows. K up to several thousand is
 * common (Rezende et al. use 5000); the K draws are taken in chunks whose log-sum-exp is accumulated in float64, so
 * memory stays bounded by the chunk whatever K is.
 *
 * References: D. J. Rezende, S. Mohamed and D. Wierstra, "Stochastic Backpropagation and Approximate Inference in
 * Deep Generative Models", 2014, https://arxiv.org/abs/1401.4082 (appendix E); Y. Burda et al., "Importance Weighted
 * Autoencoders", 2016, https://arxiv.org/abs/1509.00519
 */
import * as tf from '../engine/tf.js';
import { Random, resolveSeed } from '../engine/random.js';
import { repeatRows } from './elbo.js';
import type { LatentVariableModel } from './model.js';

export interface ImportanceOptions {
  /** K, the number of importance samples per example (default 1000). */
  samples?: number;
  /**
   * The most decoded rows held at once (default 4096): the draws of a chunk go through the decoder
   * max(1, floor(maxRows / m)) samples at a time. It bounds the memory, and leaves the estimate unchanged.
   */
  maxRows?: number;
  seed?: number;
  context?: tf.Tensor2D;
}

/**
 * With m examples, K is drawn in chunks of max(1, floor(DRAW_ROWS / m)) samples, each chunk from its own seed: the
 * draws, and so the estimate, depend on this and on the seed alone.
 */
const DRAW_ROWS = 32768;

/**
 * logsumexp_k log w_k over k draws from one seed (`[m]`): the latent draws of the whole chunk at once (small), their
 * log p(x|z) a slab of `slab` samples at a time (each slab's decoded [slab * m, D] tensors freed before the next).
 */
function chunkLogSumExp(
  model: LatentVariableModel,
  x: tf.Tensor2D,
  k: number,
  seed: number,
  slab: number,
  context?: tf.Tensor2D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const q = model.posterior(x, context);
    const z = q.rsample([k], seed); // [k, m, d]
    const [, m, d] = z.shape;
    const logRatio = tf.sub(model.prior(context).logProb(z), q.logProb(z)); // [k, m]
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < k; start += slab) {
      const b = Math.min(slab, k - start);
      parts.push(
        tf.tidy(() => {
          const zs = tf.reshape<tf.Rank.R2>(tf.slice(z, [start, 0, 0], [b, m, d]), [b * m, d]);
          const px = model.likelihood(zs, context && repeatRows(context, b));
          return tf.reshape(px.logProb(repeatRows(x, b)), [b, m]);
        }),
      );
    }
    const logLikelihood = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    return tf.logSumExp(tf.add(logLikelihood, logRatio), 0);
  });
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log(Math.exp(a - hi) + Math.exp(b - hi));
}

/**
 * The importance-sampled log-likelihood of each example of `x` (`[m, D]`), as a Float64Array of length m.
 *
 * @example
 * const ll = importanceLogLikelihood(vae, xTest, { samples: 5000 });
 */
export function importanceLogLikelihood(
  model: LatentVariableModel,
  x: tf.Tensor2D,
  options: ImportanceOptions = {},
): Float64Array {
  const { samples = 1000, maxRows = 4096, context } = options;
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`importanceLogLikelihood: argument 'samples' must be a positive integer, got ${samples}`);
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new Error(`importanceLogLikelihood: argument 'maxRows' must be a positive integer, got ${maxRows}`);
  const m = x.shape[0];
  const chunk = Math.max(1, Math.min(samples, Math.floor(DRAW_ROWS / m)));
  const slab = Math.max(1, Math.floor(maxRows / m));
  const rng = new Random(resolveSeed(options.seed));
  const total = new Float64Array(m).fill(-Infinity);
  for (let done = 0; done < samples; done += chunk) {
    const k = Math.min(chunk, samples - done);
    const lse = chunkLogSumExp(model, x, k, resolveSeed(rng.nextUint32()), slab, context);
    const values = lse.dataSync();
    lse.dispose();
    for (let i = 0; i < m; i++) total[i] = logAddExp(total[i], values[i]);
  }
  const logK = Math.log(samples);
  for (let i = 0; i < m; i++) total[i] -= logK;
  return total;
}
