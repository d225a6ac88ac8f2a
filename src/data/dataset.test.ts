import { describe, expect, it } from 'vitest';
import { DataNotFoundError, imageSize, subset, type ImageDataset } from './dataset.js';

const ds: ImageDataset = {
  name: 'toy',
  images: Float32Array.from({ length: 4 * 6 }, (_, k) => k / 24), // 4 images of 2x1x3
  labels: Int32Array.of(3, 1, 4, 1),
  n: 4,
  height: 2,
  width: 1,
  channels: 3,
  numClasses: 5,
};

describe('ImageDataset helpers', () => {
  it('imageSize is height * width * channels', () => {
    expect(imageSize(ds)).toBe(6);
  });

  it('subset copies the chosen images and labels in order, repeats allowed', () => {
    const s = subset(ds, [2, 0, 2], 'picked');
    expect([s.name, s.n, s.height, s.width, s.channels, s.numClasses]).toEqual(['picked', 3, 2, 1, 3, 5]);
    expect(Array.from(s.labels ?? [])).toEqual([4, 3, 4]);
    const rows = [2, 0, 2].flatMap((i) => Array.from({ length: 6 }, (_, p) => (i * 6 + p) / 24));
    expect(s.images).toBeAllClose(rows, { rtol: 1e-6 });
    s.images[0] = 99;
    expect(ds.images[12]).toBe(12 / 24);
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
