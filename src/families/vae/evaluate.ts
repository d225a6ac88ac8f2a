/**
 * Held-out metrics of a VAE-family model: the ELBO and its parts, the importance-sampled log-likelihood, the
 * posterior-collapse diagnostics (KL per latent dimension, active units), and the MMD of the aggregate posterior to
 * the prior (the adversarial autoencoder's measure of its codes, for the comparison of the two).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { Independent } from '../../distributions/independent.js';
import { klDivergence } from '../../distributions/kl.js';
import { batches } from '../../data/batches.js';
import type { Dataset } from '../../data/dataset.js';
import { elboTerms } from '../../inference/elbo.js';
import { importanceLogLikelihood } from '../../inference/importance.js';
import { mmdSquared, PRIOR_MMD_EXAMPLES } from '../../metrics/mmd.js';
import type { VAE } from './model.js';
import { ConditionalGaussianPrior } from './networks.js';

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
  /**
   * The unbiased MMD^2 between one draw z ~ q(z|x) for each of the first 2,000 examples (draws of the aggregate
   * posterior q(z) = E_x q(z|x)) and as many draws of the prior p(z); null for a learned conditional prior p(z|c),
   * which has no one p(z) to compare with, or with fewer than two examples.
   */
  priorMmd: number | null;
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
  draw: tf.Tensor;
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
  const kept = Math.min(PRIOR_MMD_EXAMPLES, data.n);
  const draws = new Float32Array(kept * d);
  let done = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const m = batch.x.shape[0];
    const x = model.prepare(batch.x, deriveSeed(seed, 'binarize', batch.index));
    try {
      const { elbo, rec, kl, mu, klDims, draw } = tf.tidy((): BatchSums => {
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
          draw: tf.reshape(q.sample([], deriveSeed(seed, 'prior-mmd', batch.index)), [m, d]),
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
      const rows = Math.min(m, kept - done);
      if (rows > 0) draws.set(draw.dataSync().subarray(0, rows * d), done * d);
      tf.dispose([elbo, rec, kl, mu, klDims ?? [], draw]);
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
    priorMmd: priorMmd(model, draws, kept, deriveSeed(seed, 'prior-mmd', 'prior')),
    n,
  };
  if (iwSamples > 0) {
    result.iwLogLikelihood = sums.iw / n;
    result.iwSamples = iwSamples;
  }
  return result;
}

/**
 * MMD^2 between `n` draws of the aggregate posterior (`draws`, n * d values) and `n` seeded draws of the model's
 * prior, with the kernels of `mmdSquared`; null where the prior is conditional (p(z|c)) or n < 2.
 */
function priorMmd(model: VAE, draws: Float32Array, n: number, seed: number): number | null {
  if (n < 2 || model.priorNetwork instanceof ConditionalGaussianPrior) return null;
  const d = model.config.latent;
  const prior = model.drawPrior(n, undefined, { seed });
  const values = prior.dataSync() as Float32Array;
  prior.dispose();
  return mmdSquared({ values: draws, n, d }, { values, n, d });
}
