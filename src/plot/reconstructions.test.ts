import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { reconstructionsGrid, type ReconstructionsOptions } from './reconstructions.js';
import { encodePng } from './render.js';

/** reconstructionsGrid's raster as PNG bytes. */
function reconstructionsPng(
  originals: ArrayLike<number>,
  reconstructions: ArrayLike<number>,
  options: ReconstructionsOptions,
): Buffer {
  return encodePng(reconstructionsGrid(originals, reconstructions, options));
}

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

describe('reconstructionsGrid', () => {
  it('gives a raster of originals over reconstructions, background in the unused cells', () => {
    // 2 x 2 images, constant per image, 2 columns, padding 1 of black: 3 originals, so a last pair half empty.
    const level = (v: number) => Float32Array.from({ length: 4 }, () => v / 255);
    const cat = (levels: number[]) => Float32Array.from(levels.flatMap((v) => Array.from(level(v))));
    const raster = reconstructionsGrid(cat([10, 20, 30]), cat([110, 120, 130]), {
      count: 3,
      height: 2,
      width: 2,
      columns: 2,
      padding: 1,
      background: 0,
    });
    // 2 columns of 2 pixels and 3 paddings by 4 rows of 2 pixels and 5 paddings.
    expect([raster.width, raster.height, raster.channels]).toEqual([7, 13, 1]);
    const at = (x: number, y: number) => raster.data[y * raster.width + x];
    // Cell (row r, column c) starts at (1 + 3 c, 1 + 3 r) and ends 1 right and 1 down.
    const cells = [
      [0, 0, 10],
      [0, 1, 20],
      [1, 0, 110],
      [1, 1, 120],
      [2, 0, 30],
      [3, 0, 130],
      [2, 1, 0],
      [3, 1, 0],
    ];
    for (const [r, c, v] of cells)
      expect([at(1 + 3 * c, 1 + 3 * r), at(2 + 3 * c, 2 + 3 * r)]).toEqual([v, v]);
    for (const [x, y] of [
      [0, 0],
      [3, 1],
      [1, 3],
      [6, 12],
    ])
      expect(at(x, y)).toBe(0);
  });

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
    expect(() => reconstructionsGrid(a, b, { count: 5, height: 1, width: 1 })).toThrow(message);
    expect(() => reconstructionsGrid(a, b, { count: 5, height: 1, width: 1 })).toThrow(
      /^reconstructionsGrid: /,
    );
  });

  it('rejects 0 columns, naming the argument', () => {
    expect(() =>
      reconstructionsGrid(originals, reconstructions, { count: 5, height: 1, width: 1, columns: 0 }),
    ).toThrow(/argument 'columns'/);
  });
});
