/**
 * Mini-batches: a shuffled pass over a data set per epoch, decided by the seed and the epoch number alone, so a run
 * resumed from a checkpoint at (epoch, batch) sees exactly the batches it would have seen.
 */
import * as tf from '../engine/tf.js';
import { Random, resolveSeed } from '../engine/random.js';
import { exampleSize, type Dataset } from './dataset.js';

/** One mini-batch. The consumer owns `x` and `labels` and must dispose them. */
export interface Batch {
  /** The examples, flattened: `[m, exampleSize]` float32. */
  x: tf.Tensor2D;
  /** Their labels, `[m]` int32, or `null` for unlabelled data. */
  labels: tf.Tensor1D | null;
  /** The examples' positions in the data set. */
  indices: Int32Array;
  /** This batch's number within the epoch, from 0. */
  index: number;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** The number of examples per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** With `epoch`, decides the order of the examples. */
  seed?: number;
  epoch?: number;
  /** Visit the examples in a random order (default) or in their stored order. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than `batchSize`. */
  dropLast?: boolean;
  /** Skip the first `startBatch` batches of the epoch, to resume a run in the middle of one. */
  startBatch?: number;
}

function checkInteger(value: number, name: string, fn: string, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${fn}: argument '${name}' must be an integer >= ${min}, got ${value}`);
}

/**
 * The order of `0..n-1` for epoch `epoch` of a run seeded with `seed`: a permutation that depends on nothing else,
 * different for each epoch.
 *
 * @example
 * epochPermutation(5, 0, 3); // the same Int32Array every time, e.g. [3, 0, 4, 1, 2]
 */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  checkInteger(n, 'n', 'epochPermutation', 0);
  checkInteger(epoch, 'epoch', 'epochPermutation', 0);
  // One SplitMix step of the seed, then the epoch mixed in by a golden-ratio multiple: nearby (seed, epoch)
  // pairs give unrelated streams.
  const key = (new Random(resolveSeed(seed)).nextUint32() ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
  return new Random(key).permutation(n);
}

/**
 * The number of batches of size `batchSize` in one pass over `n` items: `ceil(n / batchSize)`, or
 * `floor(n / batchSize)` with `dropLast`.
 *
 * @example
 * numBatches(9000, 128); // 71
 * numBatches(9000, 128, true); // 70
 */
export function numBatches(n: number, batchSize: number, dropLast = false): number {
  checkInteger(n, 'n', 'numBatches', 0);
  checkInteger(batchSize, 'batchSize', 'numBatches', 1);
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * The mini-batches of one epoch over `ds`, in the order {@link epochPermutation} gives for `(seed, epoch)` (or the
 * stored order without `shuffle`). Each batch's examples are copied, flattened, into a new `[m, exampleSize]`
 * float32 tensor; the consumer disposes `x` and `labels`.
 *
 * @example
 * for (const batch of batches(train, { batchSize: 100, seed: 1, epoch })) {
 *   const loss = step(batch.x);
 *   tf.dispose([batch.x, batch.labels ?? []]);
 * }
 */
export function* batches(
  ds: Dataset,
  { batchSize, seed = 0, epoch = 0, shuffle = true, dropLast = false, startBatch = 0 }: BatchOptions,
): Generator<Batch> {
  checkInteger(batchSize, 'batchSize', 'batches', 1);
  const count = numBatches(ds.n, batchSize, dropLast);
  checkInteger(startBatch, 'startBatch', 'batches', 0);
  if (startBatch > count)
    throw new RangeError(
      `batches: argument 'startBatch' must be at most ${count} (the number of batches), got ${startBatch}`,
    );
  const order = shuffle
    ? epochPermutation(ds.n, seed, epoch)
    : Int32Array.from({ length: ds.n }, (_, i) => i);
  const d = exampleSize(ds);
  for (let index = startBatch; index < count; index++) {
    const indices = order.slice(index * batchSize, Math.min((index + 1) * batchSize, ds.n));
    const m = indices.length;
    const values = new Float32Array(m * d);
    const labels = ds.labels === null ? null : new Int32Array(m);
    for (let k = 0; k < m; k++) {
      const i = indices[k];
      values.set(ds.values.subarray(i * d, (i + 1) * d), k * d);
      if (labels !== null && ds.labels !== null) labels[k] = ds.labels[i];
    }
    yield {
      x: tf.tensor2d(values, [m, d], 'float32'),
      labels: labels === null ? null : tf.tensor1d(labels, 'int32'),
      indices,
      index,
    };
  }
}

/**
 * Dynamic binarization: each value `p` in [0, 1] becomes 1 with probability `p` and 0 otherwise, a fresh draw per
 * call, so a Bernoulli likelihood sees binary data without one fixed binarization being overfitted. Returns float32;
 * `E[binarize(x)] = x`. Pass a new seed each time a batch is seen.
 *
 * References: Salakhutdinov and Murray, "On the quantitative analysis of deep belief networks" (ICML 2008).
 *
 * @example
 * const xb = binarize(batch.x, nextSeed()); // same shape as batch.x, values 0 or 1
 */
export function binarize(x: tf.Tensor, seed?: number): tf.Tensor {
  const s = resolveSeed(seed);
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', s), x), 'float32'));
}
