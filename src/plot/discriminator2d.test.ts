import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { sampleToy2d } from '../data/toy2d.js';
import {
  discriminatorSpec,
  type DiscriminatorGrid,
  type DiscriminatorSpecOptions,
} from './discriminator2d.js';
import { chartFigure } from './figure.js';
import { PNG_SIGNATURE, renderFigure } from './render.js';

interface Layer {
  data: { values?: Record<string, number>[]; name?: string };
  mark: { type: string; shape?: string };
  encoding: Record<string, { field?: string; scale?: Record<string, unknown> | null; title?: string }>;
}
interface Spec {
  title: { text: string };
  datasets: {
    points: { x: number; y: number; kind: string }[];
    arrows: { x: number; y: number; x2: number; y2: number; angle: number }[];
  };
  hconcat: { title: string; width: number; height: number; layer: Layer[] }[];
}

/** Write a PNG under /tmp for a person to look at, when LATENTLAB_KEEP_PNG is set. */
function keep(name: string, png: Buffer): void {
  if (process.env.LATENTLAB_KEEP_PNG !== undefined) writeFileSync(`/tmp/${name}`, png);
}

/** D on the centres of an n x n grid over [lo, hi]^2, row by row from the bottom. */
function gridOf(range: [number, number], n: number, d: (x: number, y: number) => number): DiscriminatorGrid {
  const [lo, hi] = range;
  const centres = Float64Array.from({ length: n }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / n);
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = d(centres[i], centres[j]);
  return { xs: centres, ys: centres, values };
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

describe('discriminatorSpec', () => {
  // 4 columns, 3 rows: D(xs[i], ys[j]) = (10 j + i) / 100, so every cell's value names its place.
  const xs = Float64Array.of(0.5, 1.5, 2.5, 3.5);
  const ys = Float64Array.of(-1, 0, 1);
  const grid: DiscriminatorGrid = {
    xs,
    ys,
    values: Float64Array.from({ length: 12 }, (_, k) => (10 * Math.floor(k / 4) + (k % 4)) / 100),
  };
  const base: DiscriminatorSpecOptions = {
    panels: [
      { title: 'learned D(x)', grid },
      { title: 'optimal D*(x) = p / (p + q)', grid },
    ],
    real: [0, 0, 1, 1, 2, 2],
    fake: [3, 3, 0.5, 0.5],
    arrows: { to: [3.2, 3.4, 0.5, 0.5] },
    title: 'toy',
    range: [-2, 4],
  };

  it('has one panel per grid, titled, over the same square, on a fixed diverging [0, 1] scale', () => {
    const spec = discriminatorSpec(base) as unknown as Spec;
    expect(spec.title.text).toBe('toy');
    expect(spec.hconcat.map((p) => p.title)).toEqual(['learned D(x)', 'optimal D*(x) = p / (p + q)']);
    for (const panel of spec.hconcat) {
      expect([panel.width, panel.height]).toEqual([300, 300]);
      expect(panel.layer.map((l) => l.mark.type)).toEqual(['rect', 'circle', 'rule', 'point']);
      for (const layer of panel.layer) {
        expect(layer.encoding.x.scale?.domain).toEqual([-2, 4]);
        expect(layer.encoding.y.scale?.domain).toEqual([-2, 4]);
      }
      expect(panel.layer[0].encoding.fill).toMatchObject({
        field: 'D',
        title: 'D(x)',
        scale: { scheme: 'blueorange', domain: [0, 1], domainMid: 0.5 },
      });
    }
  });

  it("compiles to one 'D(x)' colour legend and one 'points' legend for all panels", () => {
    const legends = compile(discriminatorSpec(base)).spec.legends ?? [];
    expect(legends.map((l) => l.title)).toEqual(['D(x)', 'points']);
  });

  it('has one heatmap cell per grid value, at its own (x, y)', () => {
    const spec = discriminatorSpec({ ...base, size: 120 }) as unknown as Spec;
    expect(spec.hconcat[0].width).toBe(120);
    const cells = spec.hconcat[0].layer[0].data.values!;
    expect(cells).toHaveLength(xs.length * ys.length);
    // values[j * 4 + i] is D at (xs[i], ys[j]): index 6 is i = 2, j = 1, value 0.12, the cell [2, 3] x [-0.5, 0.5].
    expect(cells[6]).toEqual({ x: 2.5, y: 0, x0: 2, x1: 3, y0: -0.5, y1: 0.5, D: 0.12, outline: 0.12 });
    for (const c of cells) expect(c.D).toBeCloseTo((10 * ys.indexOf(c.y) + xs.indexOf(c.x)) / 100, 12);
  });

  it('leaves out NaN cells and non-finite points', () => {
    const holes = { ...grid, values: grid.values.map((v, k) => (k === 3 ? NaN : v)) };
    const spec = discriminatorSpec({
      ...base,
      panels: [{ title: 'D', grid: holes }],
      real: [0, 0, NaN, 1],
      fake: [1, Infinity],
      arrows: undefined,
    }) as unknown as Spec;
    const cells = spec.hconcat[0].layer[0].data.values!;
    expect(cells).toHaveLength(11);
    expect(cells.some((c) => c.x === 3.5 && c.y === -1)).toBe(false);
    expect(spec.datasets.points).toEqual([{ x: 0, y: 0, kind: 'real' }]);
  });

  it('draws every real and generated point and one arrow per moved point, pointing along it', () => {
    const spec = discriminatorSpec(base) as unknown as Spec;
    expect(spec.datasets.points.filter((p) => p.kind === 'real')).toHaveLength(3);
    expect(spec.datasets.points.filter((p) => p.kind === 'generated')).toEqual([
      { x: 3, y: 3, kind: 'generated' },
      { x: 0.5, y: 0.5, kind: 'generated' },
    ]);
    // The second fake point does not move: no arrow.
    expect(spec.datasets.arrows).toHaveLength(1);
    const [a] = spec.datasets.arrows;
    expect([a.x, a.y, a.x2, a.y2]).toEqual([3, 3, 3.2, 3.4]);
    // Clockwise from up: atan2(0.2, 0.4) = 26.565 degrees.
    expect(a.angle).toBeCloseTo(26.565051177, 6);
    const panel = spec.hconcat[0];
    expect(panel.layer[1].data.name).toBe('points');
    expect(panel.layer[2].data.name).toBe('arrows');
    expect(panel.layer[3].encoding.angle).toEqual({ field: 'angle', type: 'quantitative', scale: null });
    expect(panel.layer[1].encoding.color.scale).toMatchObject({ domain: ['real', 'generated'] });
  });

  it('has no arrow layers without arrows, or when no point moves', () => {
    for (const arrows of [undefined, { to: base.fake }]) {
      const spec = discriminatorSpec({ ...base, arrows }) as unknown as Spec;
      expect(spec.hconcat[0].layer.map((l) => l.mark.type)).toEqual(['rect', 'circle']);
      expect(spec.datasets.arrows).toEqual([]);
    }
  });

  it.each([
    ['no panels', { panels: [] }, /option 'panels' must hold at least one panel/],
    [
      'a grid of one column',
      { panels: [{ title: 'D', grid: { xs: Float64Array.of(0), ys, values: new Float64Array(3) } }] },
      /option 'panels\[0\].grid' must have at least 2 cells per axis, got 1 x 3/,
    ],
    [
      'decreasing xs',
      { panels: [{ title: 'D', grid: { ...grid, xs: xs.slice().reverse() } }] },
      /option 'panels\[0\].grid' must have increasing xs and ys/,
    ],
    [
      'values of the wrong length',
      {
        panels: [
          { title: 'D', grid },
          { title: 'D*', grid: { ...grid, values: new Float64Array(11) } },
        ],
      },
      /option 'panels\[1\].grid.values' must have xs.length \* ys.length = 12 entries, got 11/,
    ],
    [
      'a value above 1',
      { panels: [{ title: 'D', grid: { ...grid, values: grid.values.map((v, k) => (k === 5 ? 1.5 : v)) } }] },
      /option 'panels\[0\].grid.values' must lie in \[0, 1\] \(NaN for missing\), got 1.5 at index 5/,
    ],
    [
      'an infinite value',
      {
        panels: [
          { title: 'D', grid: { ...grid, values: grid.values.map((v, k) => (k === 0 ? -Infinity : v)) } },
        ],
      },
      /must lie in \[0, 1\] \(NaN for missing\), got -Infinity at index 0/,
    ],
    ['an odd real', { real: [1, 2, 3] }, /option 'real' must hold n \* 2 values, got 3/],
    ['an odd fake', { fake: [1], arrows: undefined }, /option 'fake' must hold n \* 2 values, got 1/],
    [
      'arrows of the wrong length',
      { arrows: { to: [1, 2] } },
      /option 'arrows.to' must have the length of 'fake' = 4 entries, got 2/,
    ],
    [
      'an empty range',
      { range: [1, 1] as const },
      /option 'range' must be \[lo, hi\] with finite lo < hi, got \[1, 1\]/,
    ],
    ['a NaN range', { range: [0, NaN] as const }, /option 'range' must be \[lo, hi\]/],
    ['a zero size', { size: 0 }, /option 'size' must be a positive number, got 0/],
  ])('rejects %s, naming the option', (_, change, message) => {
    expect(() => discriminatorSpec({ ...base, ...change })).toThrow(message);
  });

  it('renders a PNG of two panels side by side, with heatmap colours and points', async () => {
    const range: [number, number] = [-2.5, 2.5];
    const real = sampleToy2d('moons', 400, 1).map((v) => v - 0.5);
    const fake = Float32Array.from({ length: 300 }, (_, i) => 1.5 * Math.sin(7.3 * i + (i % 2)));
    const to = fake.map((v, i) => (i < 100 ? v * 0.85 : v));
    const learned = gridOf(range, 60, (x, y) => sigmoid(1.5 - 2 * (x * x + y * y)));
    const optimal = gridOf(range, 60, (x, y) => sigmoid(2 * y - x));
    const spec = discriminatorSpec({
      panels: [
        { title: 'learned D(x)', grid: learned },
        { title: 'optimal D*(x) = p / (p + q)', grid: optimal },
      ],
      real,
      fake,
      arrows: { to },
      title: 'non-saturating GAN on moons',
      range,
      size: 240,
    });
    const png = await renderFigure(chartFigure(spec), { scale: 1 });
    keep('discriminator.png', png);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    expect(image.width).toBeGreaterThan(2 * 240);
    expect(image.width).toBeLessThan(2 * 240 + 300);
    expect(image.height).toBeGreaterThan(240);
    expect(image.height).toBeLessThan(240 + 150);
    // Inside the first panel: blue-ish (D low, corners) and orange-ish (D high, centre) pixels, not one colour.
    const colours = new Set<number>();
    let blue = 0;
    let orange = 0;
    for (let p = 0; p < image.width * image.height; p++) {
      const [r, g, b] = [image.data[4 * p], image.data[4 * p + 1], image.data[4 * p + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (b > r + 60) blue++;
      if (r > b + 60 && g > b) orange++;
    }
    expect(colours.size).toBeGreaterThan(50);
    expect(blue).toBeGreaterThan(2000);
    expect(orange).toBeGreaterThan(2000);
  });
});
