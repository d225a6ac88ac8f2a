/**
 * Held-out evaluation of a Helmholtz machine: the importance-sampled log-likelihood
 *
 *   log p(x) ~= log (1/K) sum_k p(x, h_k) / q(h_k | x),   h_k ~ q(h | x),
 *
 * (Bornschein and Bengio's evaluation, with the recognition model as the proposal; K up to 5000 in the papers) and
 * the one-sample ELBO E_q[log p(x, h) - log q(h | x)], averaged over the same K draws, taken in chunks by the
 * inference module's `logMeanExpOfDraws`, so memory is bounded whatever K is.
 *
 * References: J. Bornschein and Y. Bengio, "Reweighted Wake-Sleep", 2015, https://arxiv.org/abs/1406.2751
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { batches, binarize } from '../../data/batches.js';
import { logMeanExpOfDraws } from '../../inference/importance.js';
import type { Dataset } from '../../data/dataset.js';
import type { HelmholtzMachine } from './model.js';

export interface HelmholtzEvaluationOptions {
  /** Fixes the binarization of the images and every draw of h. */
  seed?: number;
  batchSize?: number;
  /** K, importance samples per example. */
  iwSamples?: number;
  /** The most rows (examples times samples) drawn at once. */
  maxRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface HelmholtzEvaluation {
  /** The mean importance-sampled log-likelihood, nats per example. */
  loglik: number;
  /** The mean one-sample ELBO, nats per example. */
  elbo: number;
  iwSamples: number;
  n: number;
}

/**
 * Evaluate `model` on every example of `data`, in order; the images are binarized once, with a seed fixed by `seed`
 * and the batch, so repeated evaluations see the same binary images.
 *
 * @example
 * const { loglik } = evaluateHelmholtz(model, split.test, { iwSamples: 5000 });
 */
export function evaluateHelmholtz(
  model: HelmholtzMachine,
  data: Dataset,
  options: HelmholtzEvaluationOptions = {},
): HelmholtzEvaluation {
  const { seed = 1, batchSize = 100, iwSamples = 100, maxRows = 8192, onProgress } = options;
  if (!Number.isInteger(iwSamples) || iwSamples < 1)
    throw new Error(`evaluate: argument 'iwSamples' must be a positive integer, got ${iwSamples}`);
  let loglikSum = 0;
  let elboSum = 0;
  let done = 0;
  const d = model.sizes[0];
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const m = batch.x.shape[0];
    const x = tf.tidy(
      () => binarize(tf.reshape(batch.x, [m, d]), deriveSeed(seed, 'binarize', batch.index)) as tf.Tensor2D,
    );
    const chunk = Math.max(1, Math.min(iwSamples, Math.floor(maxRows / m)));
    try {
      const loglik = logMeanExpOfDraws(
        (k, start) => {
          const logW = model.logWeights(x, k, deriveSeed(seed, 'importance', batch.index, start));
          elboSum += tf.tidy(() => tf.sum(logW).dataSync()[0]) / iwSamples;
          return logW;
        },
        m,
        iwSamples,
        chunk,
      );
      for (const v of loglik) loglikSum += v;
    } finally {
      tf.dispose([x, batch.x, batch.labels ?? []]);
    }
    done += m;
    onProgress?.(done, data.n);
  }
  return { loglik: loglikSum / done, elbo: elboSum / done, iwSamples, n: done };
}
