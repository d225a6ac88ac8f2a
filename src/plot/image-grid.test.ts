import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { rasterFigure } from './figure.js';
import { imageGrid, type ImageGridOptions } from './image-grid.js';
import { encodePng, PNG_SIGNATURE, writeFigure } from './render.js';

/** imageGrid's raster as PNG bytes. */
function gridPng(images: ArrayLike<number>, options: ImageGridOptions): Buffer {
  return encodePng(imageGrid(images, options));
}

/** The [r, g, b] bytes at column x, row y of a decoded PNG. */
function pixel(image: PNG, x: number, y: number): number[] {
  const i = 4 * (y * image.width + x);
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

/** The colour type in a PNG's IHDR chunk: 0 grey, 2 RGB. */
function colourType(png: Buffer): number {
  return png[25];
}

// Three 2 x 3 grey images; image i has pixel (y, x) = (10 i + 3 y + x) / 255.
const GREY = Float32Array.from({ length: 3 * 6 }, (_, k) => {
  const [i, y, x] = [Math.floor(k / 6), Math.floor((k % 6) / 3), k % 3];
  return (10 * i + 3 * y + x) / 255;
});

describe('imageGrid', () => {
  it('places a 2 x 2 grid of constant images at their cells, with background around them', () => {
    // Four 2 x 3 grey images of constant levels 0, 64, 128 and 255 (of 255), padding 1 of level 0.2.
    const levels = [0, 64, 128, 255];
    const images = Float32Array.from({ length: 4 * 6 }, (_, k) => levels[Math.floor(k / 6)] / 255);
    const raster = imageGrid(images, { count: 4, height: 2, width: 3, padding: 1, background: 0.2 });
    // 2 columns of 3 pixels and 3 paddings by 2 rows of 2 pixels and 3 paddings.
    expect([raster.width, raster.height, raster.channels]).toEqual([9, 7, 1]);
    expect(raster.data).toBeInstanceOf(Uint8Array);
    expect(raster.data).toHaveLength(9 * 7);
    const at = (x: number, y: number) => raster.data[y * raster.width + x];
    // Image i's top-left pixel is at (1 + 4 (i % 2), 1 + 3 floor(i / 2)), its bottom-right 2 right and 1 down.
    levels.forEach((level, i) => {
      const [left, top] = [1 + 4 * (i % 2), 1 + 3 * Math.floor(i / 2)];
      expect([at(left, top), at(left + 2, top + 1)]).toEqual([level, level]);
    });
    // round(0.2 * 255) = 51 on the border and between the cells.
    for (const [x, y] of [
      [0, 0],
      [4, 1],
      [8, 6],
      [2, 3],
    ])
      expect(at(x, y)).toBe(51);
  });

  it('interleaves RGB bytes and scales nearest neighbour in the raster itself', () => {
    // One 1 x 1 orange image, 2 pixels of black padding, scale 2: a 10 x 10 raster with a 2 x 2 orange block.
    const raster = imageGrid([1, 0.5, 0], {
      count: 1,
      height: 1,
      width: 1,
      channels: 3,
      scale: 2,
      background: 0,
    });
    expect([raster.width, raster.height, raster.channels]).toEqual([10, 10, 3]);
    const rgb = (x: number, y: number) =>
      Array.from(raster.data.subarray(3 * (10 * y + x), 3 * (10 * y + x) + 3));
    for (const [x, y] of [
      [4, 4],
      [5, 4],
      [4, 5],
      [5, 5],
    ])
      expect(rgb(x, y)).toEqual([255, 128, 0]);
    for (const [x, y] of [
      [3, 4],
      [6, 5],
      [4, 3],
      [5, 6],
    ])
      expect(rgb(x, y)).toEqual([0, 0, 0]);
  });

  it('tiles grey images row-major with padding, and encodes them as 8-bit grey', () => {
    const png = gridPng(GREY, {
      count: 3,
      height: 2,
      width: 3,
      columns: 2,
      padding: 1,
      background: 0.5,
    });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(colourType(png)).toBe(0);
    const image = PNG.sync.read(png);
    // 2 columns of 3 pixels and 3 paddings; 2 rows of 2 pixels and 3 paddings.
    expect([image.width, image.height]).toEqual([2 * 3 + 3, 2 * 2 + 3]);
    // Image 0 at (1, 1), image 1 at (5, 1), image 2 at (1, 4); the fourth cell is background.
    const origins = [
      [1, 1],
      [5, 1],
      [1, 4],
    ];
    origins.forEach(([left, top], i) => {
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 3; x++)
          expect(pixel(image, left + x, top + y)).toEqual(Array(3).fill(10 * i + 3 * y + x));
    });
    for (const [x, y] of [
      [0, 0],
      [4, 2],
      [8, 6],
      [6, 5],
    ])
      expect(pixel(image, x, y)).toEqual([128, 128, 128]);
  });

  it('tiles RGB images, channels interleaved, as 8-bit RGB', () => {
    // Two 1 x 2 images: red, green | blue, white.
    const rgb = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const png = gridPng(rgb, { count: 2, height: 1, width: 2, channels: 3, padding: 0 });
    expect(colourType(png)).toBe(2);
    const image = PNG.sync.read(png);
    // ceil(sqrt(2)) = 2 columns.
    expect([image.width, image.height]).toEqual([4, 1]);
    expect([0, 1, 2, 3].map((x) => pixel(image, x, 0))).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
  });

  it('defaults to a square grid with 2 pixels of white padding', () => {
    const image = PNG.sync.read(gridPng(new Float32Array(10 * 4), { count: 10, height: 2, width: 2 }));
    // 4 columns and 3 rows of 2 x 2 images.
    expect([image.width, image.height]).toEqual([4 * 4 + 2, 3 * 4 + 2]);
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(image, 2, 2)).toEqual([0, 0, 0]);
  });

  it('scales by an integer factor, nearest neighbour, padding included', () => {
    const one = PNG.sync.read(gridPng(GREY, { count: 3, height: 2, width: 3, columns: 3, padding: 1 }));
    const three = PNG.sync.read(
      gridPng(GREY, { count: 3, height: 2, width: 3, columns: 3, padding: 1, scale: 3 }),
    );
    expect([three.width, three.height]).toEqual([3 * one.width, 3 * one.height]);
    for (let y = 0; y < three.height; y++)
      for (let x = 0; x < three.width; x++)
        expect(pixel(three, x, y)).toEqual(pixel(one, Math.floor(x / 3), Math.floor(y / 3)));
  });

  it('clamps values outside [0, 1] and draws NaN black', () => {
    const values = Float32Array.from([-0.5, 0, 0.25, 0.5, 1, 7, NaN, -Infinity, Infinity]);
    const image = PNG.sync.read(gridPng(values, { count: 1, height: 1, width: 9, padding: 0 }));
    expect(Array.from({ length: 9 }, (_, x) => pixel(image, x, 0)[0])).toEqual([
      0, 0, 64, 128, 255, 255, 0, 0, 255,
    ]);
  });

  const base: ImageGridOptions = { count: 2, height: 2, width: 2 };
  it.each([
    [
      'a wrong length',
      new Float32Array(7),
      base,
      /argument 'images' must have count \* height \* width \* channels = 8 entries, got 7/,
    ],
    [
      'a count of 0',
      new Float32Array(0),
      { ...base, count: 0 },
      /argument 'count' must be an integer >= 1, got 0/,
    ],
    ['a fractional height', new Float32Array(8), { ...base, height: 1.5 }, /argument 'height'/],
    ['a negative width', new Float32Array(8), { ...base, width: -2 }, /argument 'width'/],
    [
      '2 channels',
      new Float32Array(16),
      { ...base, channels: 2 as 1 },
      /option 'channels' must be 1 \(grey\) or 3 \(RGB\), got 2/,
    ],
    ['0 columns', new Float32Array(8), { ...base, columns: 0 }, /argument 'columns'/],
    [
      'a negative padding',
      new Float32Array(8),
      { ...base, padding: -1 },
      /argument 'padding' must be an integer >= 0/,
    ],
    ['a fractional scale', new Float32Array(8), { ...base, scale: 1.5 }, /argument 'scale'/],
    [
      'a background above 1',
      new Float32Array(8),
      { ...base, background: 2 },
      /option 'background' must be in \[0, 1\]/,
    ],
  ])('rejects %s, naming the argument', (_, images, options, message) => {
    expect(() => imageGrid(images, options)).toThrow(message);
    expect(() => imageGrid(images, options)).toThrow(new RegExp(`^imageGrid: `));
    expect(() => imageGrid(images, options)).toThrow(expect.objectContaining({ name: 'PlotArgumentError' }));
  });
});

describe('writeFigure of an image grid', () => {
  it('writes the PNG atomically, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latentlab-grid-'));
    const path = join(dir, 'grid.png');
    await writeFigure(path, rasterFigure(imageGrid(GREY, { count: 3, height: 2, width: 3 })));
    expect((await readFile(path)).equals(gridPng(GREY, { count: 3, height: 2, width: 3 }))).toBe(true);
    expect(await readdir(dir)).toEqual(['grid.png']);
  });
});
