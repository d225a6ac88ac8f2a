import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { batches } from '../../data/batches.js';
import { loadDataset } from '../../data/registry.js';
import { head } from '../../data/dataset.js';
import { OptionError } from '../../train/options.js';
import {
  DOMAIN_TRANSFORMS,
  domainOf,
  imageTransform,
  quarterTurnIndices,
  splitBatch,
  splitDomains,
} from './domains.js';

const apply = (f: (x: tf.Tensor2D) => tf.Tensor2D, values: number[], d = values.length) =>
  tf.tidy(() => Array.from(f(tf.tensor2d(values, [values.length / d, d])).dataSync()));

describe('the transforms of domain B', () => {
  it('turns a quarter counter-clockwise, as np.rot90', () => {
    // np.rot90(np.arange(1, 10).reshape(3, 3)).ravel()
    expect(Array.from(quarterTurnIndices(3, 1), (k) => k + 1)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    // np.rot90(np.arange(12).reshape(2, 2, 3)).ravel(): the channels of a pixel move together
    expect(Array.from(quarterTurnIndices(2, 3))).toEqual([3, 4, 5, 9, 10, 11, 0, 1, 2, 6, 7, 8]);
  });

  it('moves a hand-drawn stroke the way a counter-clockwise turn does', () => {
    // A 4x4 image with a bar along its top row and a dot at the right end of the bottom row.
    const image = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const turned = apply(imageTransform('rotate', [4, 4, 1]).forward, image);
    // The top bar becomes the left column; the dot at bottom right goes to the top right.
    expect(turned).toEqual([1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    // invert-rotate is 1 - that.
    expect(apply(imageTransform('invert-rotate', [4, 4, 1]).forward, image)).toEqual(
      turned.map((v) => 1 - v),
    );
    expect(apply(imageTransform('invert', [4, 4, 1]).forward, image)).toEqual(image.map((v) => 1 - v));
  });

  it.each(DOMAIN_TRANSFORMS)('%s: the inverse undoes it, exactly on 8-bit pixels', (name) => {
    const t = imageTransform(name, [28, 28, 1]);
    // Pixels on a grid of 1/256: 1 - x is exact in float32, so the round trips must be too.
    const grid = tf.tidy(() =>
      tf.div<tf.Tensor2D>(tf.floor(tf.randomUniform([5, 784], 0, 256, 'float32', 3)), 256),
    );
    const there = t.forward(grid);
    const [back, other] = [t.inverse(there), t.forward(t.inverse(grid))];
    expect(Array.from(back.dataSync())).toEqual(Array.from(grid.dataSync()));
    expect(Array.from(other.dataSync())).toEqual(Array.from(grid.dataSync()));
    // Not the identity, which would make the round trips trivially exact.
    expect(Array.from(there.dataSync())).not.toEqual(Array.from(grid.dataSync()));
    // Any values in [0, 1]: the permutation is exact and 1 - x rounds by at most half an ulp of 1, 2^-24.
    const x = tf.randomUniform<tf.Rank.R2>([5, 784], 0, 1, 'float32', 4);
    const roundTrip = t.inverse(t.forward(x));
    expect(roundTrip).toBeAllClose(x, { rtol: 0, atol: 2 ** -24 });
    tf.dispose([grid, there, back, other, x, roundTrip]);
  });

  it('four quarter turns are the identity, two are a half turn', () => {
    const t = imageTransform('rotate', [3, 3, 1]);
    const image = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const twice = apply((x) => t.forward(t.forward(x)), image);
    expect(twice).toEqual([...image].reverse());
    expect(apply((x) => t.forward(t.forward(x)), twice)).toEqual(image);
  });

  it('refuses to rotate images that are not square, naming the transform', () => {
    expect(() => imageTransform('invert-rotate', [28, 14, 1])).toThrow(OptionError);
    expect(() => imageTransform('rotate', [28, 14, 1])).toThrow(/transform.*square/);
    expect(() => imageTransform('invert', [28, 14, 1])).not.toThrow();
  });
});

describe('the split of the examples into domains', () => {
  const split = loadDataset('mnist');
  const t = imageTransform('invert-rotate', [28, 28, 1]);

  it('never puts an example in both domains over an epoch, and uses every one', () => {
    const train = head(split.train, 301);
    const seen = { a: new Set<number>(), b: new Set<number>() };
    let rows = 0;
    for (const batch of batches(train, { batchSize: 32, seed: 4, epoch: 0 })) {
      const { a, b } = splitBatch(batch, t);
      const ids = { a: [] as number[], b: [] as number[] };
      batch.indices.forEach((i) => ids[domainOf(i)].push(i));
      expect(a?.shape[0] ?? 0).toBe(ids.a.length);
      expect(b?.shape[0] ?? 0).toBe(ids.b.length);
      rows += (a?.shape[0] ?? 0) + (b?.shape[0] ?? 0);
      ids.a.forEach((i) => seen.a.add(i));
      ids.b.forEach((i) => seen.b.add(i));
      tf.dispose([a ?? [], b ?? [], batch.x, batch.labels ?? []]);
    }
    expect([...seen.a].filter((i) => seen.b.has(i))).toEqual([]);
    expect(seen.a.size + seen.b.size).toBe(301);
    expect(rows).toBe(301);
    expect([...seen.a].every((i) => i % 2 === 0) && [...seen.b].every((i) => i % 2 === 1)).toBe(true);
  });

  it('passes A rows as they are and B rows through T, and leaves a missing side null', () => {
    const train = head(split.train, 6);
    const [batch] = [...batches(train, { batchSize: 6, shuffle: false })];
    const { a, b } = splitBatch(batch, t);
    const x = batch.x.arraySync();
    expect(a!.arraySync()).toEqual([x[0], x[2], x[4]]);
    const expected = tf.tidy(() => t.forward(tf.tensor2d([x[1], x[3], x[5]])).arraySync());
    expect(b!.arraySync()).toEqual(expected);
    tf.dispose([a!, b!, batch.x, batch.labels ?? []]);
    const [single] = [...batches(head(split.train, 1), { batchSize: 1, shuffle: false })];
    const one = splitBatch(single, t);
    expect(one.b).toBeNull();
    expect(one.a!.shape).toEqual([1, 784]);
    tf.dispose([one.a!, single.x, single.labels ?? []]);
  });

  it('splits a data set the same way, with the labels of the digits B was made from', () => {
    const test = head(split.test!, 9);
    const { a, b, bSource } = splitDomains(test, t);
    expect([a.n, b.n, bSource.n]).toEqual([5, 4, 4]);
    expect(Array.from(a.labels!)).toEqual([0, 2, 4, 6, 8].map((i) => test.labels![i]));
    expect(Array.from(b.labels!)).toEqual([1, 3, 5, 7].map((i) => test.labels![i]));
    expect(Array.from(bSource.values.subarray(0, 784))).toEqual(
      Array.from(test.values.subarray(784, 2 * 784)),
    );
    const back = tf.tidy(() => t.inverse(tf.tensor2d(Float32Array.from(b.values), [4, 784])).dataSync());
    expect(back).toBeAllClose(Float32Array.from(bSource.values), { rtol: 0, atol: 2 ** -24 });
  });
});
