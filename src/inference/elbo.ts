/**
 * The evidence lower bound and its two SGVB estimators.
 *
 * log p(x) >= ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z)) = E_q(z|x)[log p(x, z) - log q(z|x)].
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114
 * (section 2.3: estimator A is equation 6, estimator B is equation 7).
 */
import * as tf from '../engine/tf.js';
import { hasAnalyticKL, klDivergence } from '../distributions/kl.js';
import type { LatentVariableModel } from './model.js';

/** Which SGVB estimator: "B" (`analytic-kl`) or "A" (`monte-carlo`). */
export type ElboEstimator = 'analytic-kl' | 'monte-carlo';
export const ELBO_ESTIMATORS: readonly ElboEstimator[] = ['analytic-kl', 'monte-carlo'];

export interface ElboOptions {
  /** `analytic-kl` (SGVB B, the default) or `monte-carlo` (SGVB A). */
  estimator?: ElboEstimator;
  /** L, the number of z samples per example (default 1). */
  samples?: number;
  /** Seed of the z draws; drawn from the global stream when absent. */
  seed?: number;
  /** Context (labels) for conditional models, `[m, C]`. */
  context?: tf.Tensor2D;
}

/** Per-example terms of the ELBO, each of shape `[m]`: elbo = reconstruction - kl. */
export interface ElboTerms {
  elbo: tf.Tensor1D;
  /** The Monte Carlo estimate of E_q[log p(x|z)]. */
  reconstruction: tf.Tensor1D;
  /** KL(q(z|x) || p(z)): analytic under estimator B, the estimate E_q[log q - log p] under A. */
  kl: tf.Tensor1D;
}

/**
 * Repeat the rows of `x` `times` times, as `[x; x; ...]`, to line up with `[L, m, ...]` samples flattened. A
 * concatenation of copies: the wasm backend's Tile kernel is about ten times slower for this.
 */
export function repeatRows<T extends tf.Tensor>(x: T, times: number): T {
  if (times === 1) return x;
  return tf.concat(new Array<T>(times).fill(x), 0);
}

/**
 * Draw L samples z ~ q(z|x) and return `{ z: [L, m, d], logLikelihood: [L, m] }` with log p(x|z) for each, plus the
 * posterior (owned by the caller's tidy). With `slab` < L the decoder sees `slab` samples (slab * m rows) at a time,
 * each slab's decoded tensors freed before the next: the same values in bounded memory, for evaluation (under a
 * gradient the tape keeps what it needs anyway).
 */
export function sampleAndDecode(
  model: LatentVariableModel,
  x: tf.Tensor2D,
  samples: number,
  seed: number | undefined,
  context?: tf.Tensor2D,
  slab = samples,
) {
  const q = model.posterior(x, context);
  const z = q.rsample([samples], seed); // [L, m, d]
  const [L, m, d] = z.shape;
  const decode = (zs: tf.Tensor, b: number) => {
    const px = model.likelihood(tf.reshape<tf.Rank.R2>(zs, [b * m, d]), context && repeatRows(context, b));
    return tf.reshape(px.logProb(repeatRows(x, b)), [b, m]);
  };
  if (slab >= L) return { q, z, logLikelihood: decode(z, L) };
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < L; start += slab) {
    const b = Math.min(slab, L - start);
    parts.push(tf.tidy(() => decode(tf.slice(z, [start, 0, 0], [b, m, d]), b)));
  }
  return { q, z, logLikelihood: tf.concat(parts, 0) };
}

function checkSamples(samples: number, argument: string, fn: string): void {
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`${fn}: argument '${argument}' must be a positive integer, got ${samples}`);
}

/**
 * The ELBO of each example of `x` (`[m, D]`), with its reconstruction and KL terms.
 *
 * Estimator B (`analytic-kl`): (1/L) sum_l log p(x|z_l) - KL(q(z|x) || p(z)), the KL in closed form. When no
 * closed form is registered for the pair (a mixture prior, say), the KL falls back to the single-sample estimate of
 * estimator A, using the same z draws.
 * Estimator A (`monte-carlo`): (1/L) sum_l [log p(x, z_l) - log q(z_l|x)].
 *
 * @example
 * const { elbo, reconstruction, kl } = elboTerms(vae, x, { estimator: 'analytic-kl', samples: 1 });
 */
export function elboTerms(model: LatentVariableModel, x: tf.Tensor2D, options: ElboOptions = {}): ElboTerms {
  const { estimator = 'analytic-kl', samples = 1, seed, context } = options;
  checkSamples(samples, 'samples', 'elboTerms');
  if (!ELBO_ESTIMATORS.includes(estimator))
    throw new Error(
      `elboTerms: argument 'estimator' must be one of ${ELBO_ESTIMATORS.join(', ')}, got '${estimator}'`,
    );
  return tf.tidy(() => {
    const { q, z, logLikelihood } = sampleAndDecode(model, x, samples, seed, context);
    const p = model.prior(context);
    const reconstruction = tf.mean<tf.Tensor1D>(logLikelihood, 0);
    const kl = (
      estimator === 'analytic-kl' && hasAnalyticKL(q, p)
        ? klDivergence(q, p)
        : tf.mean(tf.sub(q.logProb(z), p.logProb(z)), 0)
    ) as tf.Tensor1D;
    return { elbo: tf.sub<tf.Tensor1D>(reconstruction, kl), reconstruction, kl };
  });
}

/** How per-example ELBO terms become the scalar to minimise. */
export interface ElboLossOptions {
  /** The KL weight (beta-VAE); 1 is the ELBO itself. */
  beta?: number;
  /**
   * N, the training-set size. When given, the loss is the minibatch estimate of the whole data set's negative
   * ELBO, (N/M) sum over the M examples (AEVB's equation 8); otherwise it is the mean over the batch.
   */
  datasetSize?: number;
}

/**
 * The loss -(reconstruction - beta * kl), averaged over the batch or scaled by N/M, and the batch means of the
 * terms (always per example, whatever the scaling, so that they read as nats per example).
 */
export function elboLoss(
  terms: ElboTerms,
  options: ElboLossOptions = {},
): { loss: tf.Scalar; elbo: tf.Scalar; reconstruction: tf.Scalar; kl: tf.Scalar } {
  const { beta = 1, datasetSize } = options;
  if (!(beta >= 0)) throw new Error(`elboLoss: argument 'beta' must be >= 0, got ${beta}`);
  return tf.tidy(() => {
    const reconstruction = tf.mean<tf.Scalar>(terms.reconstruction);
    const kl = tf.mean<tf.Scalar>(terms.kl);
    const weighted = tf.sub(kl, reconstruction);
    const perExample = beta === 1 ? weighted : tf.sub(tf.mul(kl, beta), reconstruction);
    const loss = datasetSize === undefined ? perExample : tf.mul(perExample, datasetSize);
    return { loss: loss as tf.Scalar, elbo: tf.neg<tf.Scalar>(weighted as tf.Scalar), reconstruction, kl };
  });
}
