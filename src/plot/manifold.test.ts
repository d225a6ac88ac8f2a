import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { manifoldGrid, manifoldLatents, normalQuantile } from './manifold.js';
import { encodePng } from './render.js';

// scipy.stats.norm.ppf(numpy.linspace(0.05, 0.95, 5))
const PPF5 = [-1.6448536269514729, -0.5977601260424786, 0, 0.5977601260424784, 1.6448536269514722];
// scipy.stats.norm.ppf(numpy.linspace(0.01, 0.99, 4))
const PPF4 = [-2.3263478740408408, -0.4215776353171568, 0.4215776353171568, 2.3263478740408408];

describe('normalQuantile', () => {
  it('matches scipy.stats.norm.ppf from the far tails to the centre', () => {
    const p = [1e-300, 1e-20, 1e-10, 0.02, 0.3, 0.5, 0.7, 0.975, 0.97, 1 - 1e-10];
    // scipy.stats.norm.ppf(p)
    const expected = [
      -37.0470962993612, -9.262340089798409, -6.361340902404056, -2.053748910631823, -0.5244005127080409, 0,
      0.5244005127080407, 1.959963984540054, 1.8807936081512509, 6.361340889697422,
    ];
    expect(Float64Array.from(p, normalQuantile)).toBeAllClose(Float64Array.from(expected), {
      rtol: 1e-13,
      atol: 1e-15,
    });
  });

  it('gives infinities at 0 and 1 and NaN outside', () => {
    expect([0, 1, -0.1, 1.5, NaN].map(normalQuantile)).toEqual([-Infinity, Infinity, NaN, NaN, NaN]);
  });
});

describe('manifoldLatents', () => {
  it('is a grid of normal quantiles, z1 increasing along a row and z2 decreasing down the rows', () => {
    const g = 5;
    const z = manifoldLatents(g);
    expect(z).toBeInstanceOf(Float32Array);
    expect(z.length).toBe(g * g * 2);
    const expected = new Float64Array(g * g * 2);
    for (let r = 0; r < g; r++)
      for (let c = 0; c < g; c++) expected.set([PPF5[c], PPF5[g - 1 - r]], 2 * (r * g + c));
    expect(z).toBeAllClose(expected, { rtol: 1e-6, atol: 1e-7 });
    // Top-left is (low z1, high z2), bottom-right (high z1, low z2).
    expect(z[0]).toBeLessThan(0);
    expect(z[1]).toBeGreaterThan(0);
    expect(z[2 * (g * g - 1)]).toBeGreaterThan(0);
    expect(z[2 * (g * g - 1) + 1]).toBeLessThan(0);
  });

  it('takes other probability ranges, and a grid of one point at the middle', () => {
    const z = manifoldLatents(4, { low: 0.01, high: 0.99 });
    expect(Float32Array.from([0, 1, 2, 3], (c) => z[2 * c])).toBeAllClose(Float64Array.from(PPF4), {
      rtol: 1e-6,
      atol: 1e-7,
    });
    expect(Float32Array.from([0, 1, 2, 3], (r) => z[2 * 4 * r + 1])).toBeAllClose(
      Float64Array.from(PPF4.reverse()),
      {
        rtol: 1e-6,
        atol: 1e-7,
      },
    );
    expect(Array.from(manifoldLatents(1))).toEqual([0, 0]);
  });

  it.each([
    ['a grid size of 0', 0, {}, /argument 'gridSize' must be an integer >= 1, got 0/],
    ['low = 0', 3, { low: 0 }, /option 'low' must be in \(0, 1\), got 0/],
    ['high = 1', 3, { high: 1 }, /option 'high' must be in \(low, 1\)/],
    ['high below low', 3, { low: 0.5, high: 0.4 }, /option 'high'/],
  ])('rejects %s, naming the argument', (_, g, options, message) => {
    expect(() => manifoldLatents(g, options)).toThrow(message);
  });
});

describe('manifoldGrid', () => {
  // 3 x 3 grid of 2 x 2 images, image i a constant grey level 20 i.
  const decoded = Float32Array.from({ length: 9 * 4 }, (_, k) => (20 * Math.floor(k / 4)) / 255);

  it('tiles gridSize images to a row with no padding', () => {
    const image = PNG.sync.read(encodePng(manifoldGrid(decoded, 3, 2, 2)));
    expect([image.width, image.height]).toEqual([6, 6]);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 6; x++)
        expect(image.data[4 * (6 * y + x)]).toBe(20 * (3 * Math.floor(y / 2) + Math.floor(x / 2)));
    const scaled = PNG.sync.read(encodePng(manifoldGrid(decoded, 3, 2, 2, 1, { scale: 2 })));
    expect([scaled.width, scaled.height]).toEqual([12, 12]);
  });

  it('gives a raster whose scaled cells hold the image levels, corner to corner', () => {
    const raster = manifoldGrid(decoded, 3, 2, 2, 1, { scale: 2 });
    expect([raster.width, raster.height, raster.channels]).toEqual([12, 12, 1]);
    const at = (x: number, y: number) => raster.data[y * 12 + x];
    // Image i covers the 4 x 4 block from (4 (i % 3), 4 floor(i / 3)): no padding between the blocks.
    expect([at(0, 0), at(3, 3), at(4, 0), at(11, 0), at(0, 4), at(7, 7), at(8, 8), at(11, 11)]).toEqual([
      0, 0, 20, 40, 60, 80, 160, 160,
    ]);
    const rgb = manifoldGrid(new Float32Array(4 * 3).fill(1), 2, 1, 1, 3);
    expect([rgb.width, rgb.height, rgb.channels]).toEqual([2, 2, 3]);
    expect(Array.from(rgb.data)).toEqual(Array(12).fill(255));
  });

  it('rejects decoded images of the wrong length, naming the argument', () => {
    expect(() => manifoldGrid(new Float32Array(35), 3, 2, 2)).toThrow(
      /argument 'decoded' must have gridSize\^2 \* height \* width \* channels = 36 entries, got 35/,
    );
  });
});
