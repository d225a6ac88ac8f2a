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
import { logImportanceWeights } from './iwae.js';
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

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log(Math.exp(a - hi) + Math.exp(b - hi));
}

/**
 * log (1/K) sum_k w_k for each of m examples, from K log-weights drawn `chunk` samples at a time: `draw(k, start)`
 * returns the `[k, m]` log-weights of samples start..start+k-1 (draws are asked for in order). Each chunk's
 * log-sum-exp is accumulated in float64, so memory is that of one chunk whatever K is. Any latent-variable model's
 * importance-sampled estimate is this, with its own draws: the VAE's here, the Helmholtz machine's in its family.
 *
 * @example
 * const ll = logMeanExpOfDraws((k, start) => model.logWeights(x, k, start), m, 5000, 100);
 */
export function logMeanExpOfDraws(
  draw: (k: number, start: number) => tf.Tensor,
  m: number,
  samples: number,
  chunk: number,
): Float64Array {
  const total = new Float64Array(m).fill(-Infinity);
  for (let start = 0; start < samples; start += chunk) {
    const k = Math.min(chunk, samples - start);
    const lse = tf.tidy(() => tf.logSumExp(draw(k, start), 0));
    const values = lse.dataSync();
    lse.dispose();
    for (let i = 0; i < m; i++) total[i] = logAddExp(total[i], values[i]);
  }
  const logK = Math.log(samples);
  for (let i = 0; i < m; i++) total[i] -= logK;
  return total;
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
  return logMeanExpOfDraws(
    (k) => logImportanceWeights(model, x, k, resolveSeed(rng.nextUint32()), context, slab),
    m,
    samples,
    chunk,
  );
}
