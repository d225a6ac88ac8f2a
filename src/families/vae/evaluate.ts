/**
 * Held-out metrics of a VAE-family model: the ELBO and its parts, the importance-sampled log-likelihood, and the
 * posterior-collapse diagnostics (KL per latent dimension, active units).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { Independent } from '../../distributions/independent.js';
import { klDivergence } from '../../distributions/kl.js';
import { batches } from '../../data/batches.js';
import type { Dataset } from '../../data/dataset.js';
import { elboTerms } from '../../inference/elbo.js';
import { importanceLogLikelihood } from '../../inference/importance.js';
import type { VAE } from './model.js';

export interface VaeEvaluation {
  /** Test ELBO, nats per example (estimator B, L = 1, as the AEVB paper and the PyTorch peer report it). */
  elbo: number;
  reconstruction: number;
  kl: number;
  /** Importance-sampled log p(x) with `iwSamples` samples; absent when not asked for. */
  iwLogLikelihood?: number;
  iwSamples?: number;
  /** Units whose posterior mean varies across the data: Cov_x(E_q[z_u|x]) > 0.01 (Burda et al.). */
  activeUnits: number;
  /** Cov_x(E_q[z_u|x]) for each latent unit u. */
  unitActivity: number[];
  /** The average KL(q(z_u|x) || p(z_u)) of each latent unit; null when the prior does not factorise (mixture). */
  klPerDimension: number[] | null;
  n: number;
}

export interface EvaluateOptions {
  batchSize?: number;
  /** K for the importance-sampled log-likelihood (0: skip it). */
  iwSamples?: number;
  /** Seed of the fixed binarization and of the z draws: the same seed gives the same numbers. */
  seed?: number;
  /** Called after each batch with the examples done so far. */
  onProgress?: (done: number, total: number) => void;
}

// A type alias, so that it satisfies tf.tidy's TensorContainer.
type BatchSums = {
  elbo: tf.Tensor;
  rec: tf.Tensor;
  kl: tf.Tensor;
  mu: tf.Tensor;
  klDims: tf.Tensor | undefined;
};

/** The threshold of Burda et al. for an active unit. */
export const ACTIVE_UNIT_THRESHOLD = 0.01;

/**
 * Evaluate `model` on every example of `data` (in order). For a Bernoulli decoder the grey levels are binarized
 * once, with a seed fixed by `seed` and the batch, so that repeated evaluations see the same binary images.
 *
 * @example
 * const metrics = evaluateVae(vae, split.test, { iwSamples: 100 });
 */
export function evaluateVae(model: VAE, data: Dataset, options: EvaluateOptions = {}): VaeEvaluation {
  const { batchSize = 500, iwSamples = 0, seed = 1, onProgress } = options;
  if (!Number.isInteger(iwSamples) || iwSamples < 0)
    throw new Error(`evaluate: argument 'iwSamples' must be an integer >= 0, got ${iwSamples}`);
  const d = model.config.latent;
  const sums = { elbo: 0, reconstruction: 0, kl: 0, iw: 0 };
  const meanSum = new Float64Array(d);
  const meanSq = new Float64Array(d);
  const klSum = new Float64Array(d);
  let klFactorises = true;
  let done = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const m = batch.x.shape[0];
    const x = model.prepare(batch.x, deriveSeed(seed, 'binarize', batch.index));
    try {
      const { elbo, rec, kl, mu, klDims } = tf.tidy((): BatchSums => {
        const context = model.context(batch.labels, m);
        const t = elboTerms(model, x, {
          estimator: 'analytic-kl',
          seed: deriveSeed(seed, 'elbo', batch.index),
          context,
        });
        const q = model.posterior(x, context);
        const p = model.prior(context);
        const perDim =
          q instanceof Independent && p instanceof Independent
            ? tf.sum(klDivergence(q.base, p.base), 0)
            : undefined;
        return {
          elbo: tf.sum(t.elbo),
          rec: tf.sum(t.reconstruction),
          kl: tf.sum(t.kl),
          mu: q.mean(),
          klDims: perDim,
        };
      });
      sums.elbo += elbo.dataSync()[0];
      sums.reconstruction += rec.dataSync()[0];
      sums.kl += kl.dataSync()[0];
      const means = mu.dataSync();
      for (let i = 0; i < m; i++)
        for (let u = 0; u < d; u++) {
          const v = means[i * d + u];
          meanSum[u] += v;
          meanSq[u] += v * v;
        }
      if (klDims) {
        const values = klDims.dataSync();
        for (let u = 0; u < d; u++) klSum[u] += values[u];
      } else klFactorises = false;
      tf.dispose(klDims ? [elbo, rec, kl, mu, klDims] : [elbo, rec, kl, mu]);
      if (iwSamples > 0) {
        const context = model.context(batch.labels, m);
        const ll = importanceLogLikelihood(model, x, {
          samples: iwSamples,
          seed: deriveSeed(seed, 'importance', batch.index),
          context,
        });
        context?.dispose();
        for (const v of ll) sums.iw += v;
      }
    } finally {
      tf.dispose([x, batch.x, batch.labels ?? []]);
    }
    done += m;
    onProgress?.(done, data.n);
  }
  const n = data.n;
  const unitActivity = Array.from(meanSum, (s, u) => meanSq[u] / n - (s / n) ** 2);
  const result: VaeEvaluation = {
    elbo: sums.elbo / n,
    reconstruction: sums.reconstruction / n,
    kl: sums.kl / n,
    activeUnits: unitActivity.filter((v) => v > ACTIVE_UNIT_THRESHOLD).length,
    unitActivity,
    klPerDimension: klFactorises ? Array.from(klSum, (s) => s / n) : null,
    n,
  };
  if (iwSamples > 0) {
    result.iwLogLikelihood = sums.iw / n;
    result.iwSamples = iwSamples;
  }
  return result;
}
