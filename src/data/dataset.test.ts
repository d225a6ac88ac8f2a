import { describe, expect, it } from 'vitest';
import { DataNotFoundError, exampleSize, head, subset, vectorDataset, type Dataset } from './dataset.js';

const ds: Dataset = {
  name: 'toy',
  kind: 'image',
  shape: [2, 1, 3],
  values: Float32Array.from({ length: 4 * 6 }, (_, k) => k / 24), // 4 images of 2x1x3
  labels: Int32Array.of(3, 1, 4, 1),
  n: 4,
  numClasses: 5,
};

describe('Dataset helpers', () => {
  it('exampleSize is the product of the shape', () => {
    expect(exampleSize(ds)).toBe(6);
    expect(exampleSize({ shape: [5] })).toBe(5);
  });

  it('subset copies the chosen images and labels in order, repeats allowed', () => {
    const s = subset(ds, [2, 0, 2], 'picked');
    expect([s.name, s.n, s.shape, s.kind, s.numClasses]).toEqual(['picked', 3, [2, 1, 3], 'image', 5]);
    expect(Array.from(s.labels ?? [])).toEqual([4, 3, 4]);
    const rows = [2, 0, 2].flatMap((i) => Array.from({ length: 6 }, (_, p) => (i * 6 + p) / 24));
    expect(s.values).toBeAllClose(rows, { rtol: 1e-6 });
    s.values[0] = 99;
    expect(ds.values[12]).toBe(12 / 24);
    expect(subset({ ...ds, labels: null }, [1]).labels).toBeNull();
  });

  it.each([
    [
      'an index past the end',
      [0, 4],
      "subset: argument 'indices' must hold integers in [0, 4) for toy, got 4 at position 1",
    ],
    [
      'a negative index',
      [-1],
      "subset: argument 'indices' must hold integers in [0, 4) for toy, got -1 at position 0",
    ],
    [
      'a fraction',
      [0.5],
      "subset: argument 'indices' must hold integers in [0, 4) for toy, got 0.5 at position 0",
    ],
  ])('%s is rejected naming indices', (_, indices, message) => {
    expect(() => subset(ds, indices)).toThrow(message);
  });

  it('DataNotFoundError carries its name for the command line', () => {
    const err = new DataNotFoundError('x not found');
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.message]).toEqual(['DataNotFoundError', 'x not found']);
  });
});

describe('head and vectorDataset', () => {
  it('head keeps the first examples, named by the limit, and the whole set when the limit is not smaller', () => {
    const two = head(ds, 2);
    expect([two.name, two.n, Array.from(two.labels ?? [])]).toEqual(['toy[:2]', 2, [3, 1]]);
    expect(two.values).toBeAllClose(Array.from(ds.values.subarray(0, 12)), { rtol: 0, atol: 0 });
    expect(head(ds, 4)).toBe(ds);
    expect(head(ds)).toBe(ds);
  });

  it('vectorDataset makes rows of d values, keeping float64, and refuses a ragged length', () => {
    const points = vectorDataset('points', Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 3);
    expect([points.kind, points.shape, points.n, points.values instanceof Float64Array]).toEqual([
      'vector',
      [3],
      2,
      true,
    ]);
    expect(() => vectorDataset('bad', new Float32Array(5), 2)).toThrow('5 values do not make rows of 2');
  });
});
