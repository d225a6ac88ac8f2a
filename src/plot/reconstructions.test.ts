import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { reconstructionsPng } from './reconstructions.js';

/** The grey levels of a decoded PNG, row by row. */
function greyRows(png: Buffer): number[][] {
  const image = PNG.sync.read(png);
  return Array.from({ length: image.height }, (_, y) =>
    Array.from({ length: image.width }, (_, x) => image.data[4 * (y * image.width + x)]),
  );
}

// 1 x 1 images: original i is grey level 10 i, its reconstruction 10 i + 100.
const originals = Float32Array.from({ length: 5 }, (_, i) => (10 * i) / 255);
const reconstructions = Float32Array.from({ length: 5 }, (_, i) => (10 * i + 100) / 255);

describe('reconstructionsPng', () => {
  it('puts each row of originals above its reconstructions, column by column', () => {
    const png = reconstructionsPng(originals, reconstructions, {
      count: 5,
      height: 1,
      width: 1,
      columns: 3,
      padding: 0,
    });
    expect(greyRows(png)).toEqual([
      [0, 10, 20],
      [100, 110, 120],
      [30, 40, 255],
      [130, 140, 255],
    ]);
  });

  it('uses 8 columns by default, fewer when there are fewer images, and keeps the padding and scale', () => {
    const png = reconstructionsPng(originals, reconstructions, {
      count: 5,
      height: 1,
      width: 1,
      padding: 1,
      scale: 2,
    });
    const image = PNG.sync.read(png);
    expect([image.width, image.height]).toEqual([2 * (5 * 2 + 1), 2 * (2 * 2 + 1)]);
    expect(greyRows(png)[2][2]).toBe(0);
    expect(greyRows(png)[6][2 * 9]).toBe(140);
  });

  it('draws RGB images', () => {
    const red = Float32Array.from([1, 0, 0, 1, 0, 0]);
    const blue = Float32Array.from([0, 0, 1, 0, 0, 1]);
    const image = PNG.sync.read(
      reconstructionsPng(red, blue, { count: 2, height: 1, width: 1, channels: 3, padding: 0 }),
    );
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(Array.from(image.data.subarray(8, 12))).toEqual([0, 0, 255, 255]);
  });

  it.each([
    [
      'originals of the wrong length',
      originals.subarray(1),
      reconstructions,
      /argument 'originals' must have count \* height \* width \* channels = 5 entries, got 4/,
    ],
    [
      'reconstructions of the wrong length',
      originals,
      new Float32Array(6),
      /argument 'reconstructions' must have/,
    ],
  ])('rejects %s, naming the argument', (_, a, b, message) => {
    expect(() => reconstructionsPng(a, b, { count: 5, height: 1, width: 1 })).toThrow(message);
  });

  it('rejects 0 columns, naming the argument', () => {
    expect(() =>
      reconstructionsPng(originals, reconstructions, { count: 5, height: 1, width: 1, columns: 0 }),
    ).toThrow(/argument 'columns'/);
  });
});
