import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { batches, binarize, epochPermutation, numBatches, type Batch, type BatchOptions } from './batches.js';
import type { Dataset } from './dataset.js';

/** 23 images of 2x2x1 whose pixels encode their index, i / 100 + pixel / 1000, with label i % 3. */
function toy(n = 23, labelled = true): Dataset {
  const images = Float32Array.from({ length: n * 4 }, (_, k) => Math.floor(k / 4) / 100 + (k % 4) / 1000);
  const labels = labelled ? Int32Array.from({ length: n }, (_, i) => i % 3) : null;
  return {
    name: 'toy',
    kind: 'image',
    shape: [2, 2, 1],
    values: images,
    labels,
    n,
    numClasses: labelled ? 3 : 0,
  };
}

/** The batches' indices, x values and labels as plain arrays, with the tensors disposed. */
function collect(ds: Dataset, options: BatchOptions) {
  const out: { index: number; indices: number[]; x: number[]; shape: number[]; labels: number[] | null }[] =
    [];
  for (const b of batches(ds, options)) {
    out.push({
      index: b.index,
      indices: Array.from(b.indices),
      x: Array.from(b.x.dataSync()),
      shape: b.x.shape,
      labels: b.labels === null ? null : Array.from(b.labels.dataSync()),
    });
    tf.dispose([b.x, b.labels ?? []]);
  }
  return out;
}

describe('batches', () => {
  const ds = toy();

  it('numBatches rounds up, or down with dropLast', () => {
    expect(numBatches(23, 5)).toBe(5);
    expect(numBatches(23, 5, true)).toBe(4);
    expect(numBatches(20, 5)).toBe(4);
    expect(numBatches(0, 5)).toBe(0);
    expect(numBatches(9000, 128)).toBe(71);
  });

  it('visit every index exactly once per epoch, with the right images and labels', () => {
    const got = collect(ds, { batchSize: 5, seed: 3, epoch: 2 });
    expect(got.map((b) => b.index)).toEqual([0, 1, 2, 3, 4]);
    expect(got.map((b) => b.indices.length)).toEqual([5, 5, 5, 5, 3]);
    const all = got.flatMap((b) => b.indices);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(all).not.toEqual(Array.from({ length: 23 }, (_, i) => i));
    for (const b of got) {
      expect(b.shape).toEqual([b.indices.length, 4]);
      expect(b.x).toBeAllClose(
        b.indices.flatMap((i) => [0, 1, 2, 3].map((p) => i / 100 + p / 1000)),
        { rtol: 1e-6 },
      );
      expect(b.labels).toEqual(b.indices.map((i) => i % 3));
    }
  });

  it('are identical for the same (seed, epoch) and differ between epochs and seeds', () => {
    const order = (seed: number, epoch: number) =>
      collect(ds, { batchSize: 4, seed, epoch }).flatMap((b) => b.indices);
    expect(order(7, 0)).toEqual(order(7, 0));
    expect(order(7, 1)).toEqual(Array.from(epochPermutation(23, 7, 1)));
    expect(order(7, 1)).not.toEqual(order(7, 0));
    expect(order(8, 0)).not.toEqual(order(7, 0));
    const epochs = new Set(Array.from({ length: 10 }, (_, e) => order(0, e).join(',')));
    expect(epochs.size).toBe(10);
  });

  it('startBatch resumes the epoch exactly where it left off', () => {
    const full = collect(ds, { batchSize: 4, seed: 5, epoch: 3 });
    expect(collect(ds, { batchSize: 4, seed: 5, epoch: 3, startBatch: 2 })).toEqual(full.slice(2));
    expect(collect(ds, { batchSize: 4, seed: 5, epoch: 3, startBatch: full.length })).toEqual([]);
  });

  it('dropLast leaves out the short batch; shuffle: false keeps the stored order; unlabelled data gives null', () => {
    expect(collect(ds, { batchSize: 5, dropLast: true }).map((b) => b.indices.length)).toEqual([5, 5, 5, 5]);
    const ordered = collect(toy(7, false), { batchSize: 3, shuffle: false });
    expect(ordered.map((b) => b.indices)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(ordered.every((b) => b.labels === null)).toBe(true);
  });

  it('returns int32 labels and float32 images', () => {
    const first = batches(ds, { batchSize: 4 }).next().value as Batch;
    expect([first.x.dtype, first.labels?.dtype]).toEqual(['float32', 'int32']);
    tf.dispose([first.x, first.labels ?? []]);
  });

  it.each([
    ['batchSize 0', { batchSize: 0 }, "batches: argument 'batchSize' must be an integer >= 1, got 0"],
    ['batchSize 2.5', { batchSize: 2.5 }, "batches: argument 'batchSize' must be an integer >= 1, got 2.5"],
    ['batchSize NaN', { batchSize: NaN }, "batches: argument 'batchSize' must be an integer >= 1, got NaN"],
    [
      'startBatch -1',
      { batchSize: 4, startBatch: -1 },
      "batches: argument 'startBatch' must be an integer >= 0, got -1",
    ],
    [
      'startBatch past the end',
      { batchSize: 4, startBatch: 7 },
      "batches: argument 'startBatch' must be at most 6 (the number of batches), got 7",
    ],
  ])('%s is rejected with an error naming the argument', (_, options, message) => {
    expect(() => batches(ds, options).next()).toThrow(message);
  });

  it('epochPermutation and numBatches name their bad arguments', () => {
    expect(() => epochPermutation(5, 0, -1)).toThrow(
      "epochPermutation: argument 'epoch' must be an integer >= 0, got -1",
    );
    expect(() => epochPermutation(1.5, 0, 0)).toThrow(
      "epochPermutation: argument 'n' must be an integer >= 0, got 1.5",
    );
    expect(() => numBatches(10, 0)).toThrow(
      "numBatches: argument 'batchSize' must be an integer >= 1, got 0",
    );
  });
});

describe('binarize', () => {
  it('gives 0s and 1s whose mean over many draws is the input', () => {
    const p = [0, 0.05, 0.3, 0.5, 0.77, 1];
    const draws = 20_000;
    const x = tf.tensor2d(
      Array.from({ length: draws }, () => p),
      [draws, p.length],
    );
    const b = binarize(x, 11);
    expect(b.dtype).toBe('float32');
    expect(b.shape).toEqual([draws, p.length]);
    const values = b.dataSync();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    const mean = tf.tidy(() => tf.mean(b, 0));
    // Standard error sqrt(p(1-p)/n) <= 0.0036; 0.015 is four of them.
    expect(mean).toBeAllClose(p, { atol: 0.015 });
    expect(binarize(x, 11)).toBeAllClose(b, { atol: 0 });
    const other = binarize(x, 12);
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(values));
    tf.dispose([x, b, mean, other]);
  });
});

describe('memory', () => {
  it('batches and binarize leak no tensors once the consumer disposes', async () => {
    const ds = toy();
    await assertNoLeaks(() => {
      for (const b of batches(ds, { batchSize: 6, seed: 1 })) {
        const xb = binarize(b.x, b.index);
        tf.dispose([b.x, b.labels ?? [], xb]);
      }
    }, 'batches + binarize');
  });
});
