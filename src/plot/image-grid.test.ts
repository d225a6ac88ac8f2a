import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { PNG_SIGNATURE } from './chart.js';
import { imageGridPng, writeImageGrid, type ImageGridOptions } from './image-grid.js';

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

describe('imageGridPng', () => {
  it('tiles grey images row-major with padding, and encodes them as 8-bit grey', () => {
    const png = imageGridPng(GREY, {
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
    const png = imageGridPng(rgb, { count: 2, height: 1, width: 2, channels: 3, padding: 0 });
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
    const image = PNG.sync.read(imageGridPng(new Float32Array(10 * 4), { count: 10, height: 2, width: 2 }));
    // 4 columns and 3 rows of 2 x 2 images.
    expect([image.width, image.height]).toEqual([4 * 4 + 2, 3 * 4 + 2]);
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255]);
    expect(pixel(image, 2, 2)).toEqual([0, 0, 0]);
  });

  it('scales by an integer factor, nearest neighbour, padding included', () => {
    const one = PNG.sync.read(imageGridPng(GREY, { count: 3, height: 2, width: 3, columns: 3, padding: 1 }));
    const three = PNG.sync.read(
      imageGridPng(GREY, { count: 3, height: 2, width: 3, columns: 3, padding: 1, scale: 3 }),
    );
    expect([three.width, three.height]).toEqual([3 * one.width, 3 * one.height]);
    for (let y = 0; y < three.height; y++)
      for (let x = 0; x < three.width; x++)
        expect(pixel(three, x, y)).toEqual(pixel(one, Math.floor(x / 3), Math.floor(y / 3)));
  });

  it('clamps values outside [0, 1] and draws NaN black', () => {
    const values = Float32Array.from([-0.5, 0, 0.25, 0.5, 1, 7, NaN, -Infinity, Infinity]);
    const image = PNG.sync.read(imageGridPng(values, { count: 1, height: 1, width: 9, padding: 0 }));
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
    expect(() => imageGridPng(images, options)).toThrow(message);
    expect(() => imageGridPng(images, options)).toThrow(
      expect.objectContaining({ name: 'PlotArgumentError' }),
    );
  });
});

describe('writeImageGrid', () => {
  it('writes the PNG atomically, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latentlab-grid-'));
    const path = join(dir, 'grid.png');
    await writeImageGrid(path, GREY, { count: 3, height: 2, width: 3 });
    expect((await readFile(path)).equals(imageGridPng(GREY, { count: 3, height: 2, width: 3 }))).toBe(true);
    expect(await readdir(dir)).toEqual(['grid.png']);
  });
});
