/**
 * Held-out metrics of a flow: the mean log-likelihood in nats per example and, for 8-bit images, bits per
 * dimension of the dequantized data (see `bitsPerDim`).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { batches } from '../../data/batches.js';
import type { Dataset } from '../../data/dataset.js';
import { bitsPerDim, type FlowModel } from './model.js';

export interface FlowEvaluation {
  /** Mean log p(x) over the examples, nats. */
  loglik: number;
  /** Images only: bits per dimension of the 8-bit data. */
  bitsPerDim?: number;
  n: number;
}

/** Options of {@link evaluateFlow}. */
export interface FlowEvaluateOptions {
  batchSize?: number;
  /** Fixes the dequantization noise of images: the same seed gives the same numbers. */
  seed?: number;
  /** Called after each batch with the examples done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluate `model` on every example of `data`, in order. Images are dequantized with noise fixed by `seed` and the
 * batch, so repeated evaluations give the same numbers.
 *
 * @example
 * const { loglik } = evaluateFlow(flow, split.test);
 */
export function evaluateFlow(
  model: FlowModel,
  data: Dataset,
  { batchSize = 1000, seed = 1, onProgress }: FlowEvaluateOptions = {},
): FlowEvaluation {
  let sum = 0;
  let done = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const x = model.prepare(batch.x, deriveSeed(seed, 'dequantize', batch.index));
    const total = tf.tidy(() => tf.sum(model.logProb(x, batch.labels)));
    sum += total.dataSync()[0];
    done += batch.x.shape[0];
    tf.dispose([x, total, batch.x, batch.labels ?? []]);
    onProgress?.(done, data.n);
  }
  const loglik = sum / data.n;
  if (!Number.isFinite(loglik)) throw new Error(`evaluateFlow: the log-likelihood is ${loglik}`);
  return model.isImage
    ? { loglik, bitsPerDim: bitsPerDim(-loglik, model.dimension), n: data.n }
    : { loglik, n: data.n };
}
