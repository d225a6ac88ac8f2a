import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sampleToy2d, toy2dLogDensity } from '../data/toy2d.js';
import {
  densityComparisonSpec,
  densityGrid,
  gridWarpSpec,
  integrateDensity2d,
  makeGridLines,
  type DensityGrid,
} from './density2d.js';
import { chartFigure } from './figure.js';
import { PNG_SIGNATURE, renderFigure } from './render.js';

/** log N(x; mu, s^2 I) in 2-D at each point. */
function normal2d(mu: [number, number], s: number) {
  return (points: Float64Array) =>
    Float64Array.from(
      { length: points.length / 2 },
      (_, i) =>
        -(((points[2 * i] - mu[0]) ** 2 + (points[2 * i + 1] - mu[1]) ** 2) / (2 * s * s)) -
        Math.log(2 * Math.PI * s * s),
    );
}

interface Panel {
  title: string;
  mark: { type: string };
  data: { values: Record<string, number | string>[] };
  encoding: Record<string, { field?: string; type?: string; scale?: { domain?: unknown; scheme?: string } }>;
}

/** Write a PNG under /tmp for a person to look at, when LATENTLAB_KEEP_PNG is set. */
function keep(name: string, png: Buffer): void {
  if (process.env.LATENTLAB_KEEP_PNG !== undefined) writeFileSync(`/tmp/${name}`, png);
}

describe('densityGrid and integrateDensity2d', () => {
  it('evaluate at cell centres, row by row from the bottom', () => {
    const seen: number[] = [];
    const grid = densityGrid(
      (p) => {
        seen.push(...p);
        return new Float64Array(p.length / 2);
      },
      { xRange: [0, 4], yRange: [-1, 1], resolution: 2 },
    );
    expect(Array.from(grid.xs)).toEqual([1, 3]);
    expect(Array.from(grid.ys)).toEqual([-0.5, 0.5]);
    expect(seen).toEqual([1, -0.5, 3, -0.5, 1, 0.5, 3, 0.5]);
    expect(integrateDensity2d(grid)).toBeCloseTo(8, 12); // exp(0) over a 4 x 2 box
  });

  it('integrate a standard normal to 1 within 0.5%', () => {
    const grid = densityGrid(normal2d([0, 0], 1), { xRange: [-5, 5], yRange: [-5, 5] });
    expect(grid.logDensity).toHaveLength(120 * 120);
    expect(integrateDensity2d(grid)).toBeAllClose(1, { rtol: 0, atol: 0.005 });
  });

  it('integrate a shifted narrow normal and a toy density to 1, and see mass outside the grid as missing', () => {
    expect(
      integrateDensity2d(densityGrid(normal2d([1, -0.5], 0.3), { xRange: [-1, 3], yRange: [-2.5, 1.5] })),
    ).toBeAllClose(1, { rtol: 0, atol: 1e-6 });
    const half = densityGrid(normal2d([0, 0], 1), { xRange: [0, 6], yRange: [-6, 6] });
    expect(integrateDensity2d(half)).toBeAllClose(0.5, { rtol: 0, atol: 1e-4 });
    const moons = densityGrid(toy2dLogDensity('moons')!, { xRange: [-1.6, 2.6], yRange: [-1.6, 2.6] });
    expect(integrateDensity2d(moons)).toBeAllClose(1, { rtol: 0, atol: 0.01 });
  });

  it.each([
    [
      'an empty x range',
      () => densityGrid(normal2d([0, 0], 1), { xRange: [1, 1], yRange: [0, 1] }),
      "option 'xRange' must be [lo, hi] with finite lo < hi, got [1, 1]",
    ],
    [
      'a resolution of 1',
      () => densityGrid(normal2d([0, 0], 1), { xRange: [0, 1], yRange: [0, 1], resolution: 1 }),
      "argument 'resolution' must be an integer >= 2, got 1",
    ],
    [
      'a log-density of the wrong length',
      () => densityGrid(() => new Float64Array(3), { xRange: [0, 1], yRange: [0, 1], resolution: 4 }),
      "densityGrid: argument 'logDensity' must have one value per grid point, resolution^2 = 16 entries, got 3",
    ],
  ])('densityGrid rejects %s, naming the argument', (_, f, message) => {
    expect(f).toThrow(message);
  });
});

describe('densityComparisonSpec', () => {
  const range = { xRange: [-1.5, 2.5], yRange: [-1.5, 2.5], resolution: 40 } as const;
  const truth = densityGrid(toy2dLogDensity('moons')!, range);
  const learned = densityGrid(normal2d([0.5, 0.25], 0.6), range);
  const samples = sampleToy2d('moons', 500, 1);

  it('has learned, true and sample panels over the same square, heatmaps sharing one viridis scale', () => {
    const spec = densityComparisonSpec({ learned, truth, samples, title: 'moons' }) as unknown as {
      hconcat: Panel[];
      resolve: { scale: { color: string } };
    };
    expect(spec.hconcat.map((p) => p.title)).toEqual(['learned density', 'true density', 'samples']);
    expect(spec.hconcat.map((p) => p.mark.type)).toEqual(['rect', 'rect', 'circle']);
    expect(spec.resolve.scale.color).toBe('shared');
    const [heat, , scatter] = spec.hconcat;
    expect(heat.data.values).toHaveLength(40 * 40);
    expect(heat.encoding.color).toMatchObject({
      field: 'density',
      type: 'quantitative',
      scale: { scheme: 'viridis' },
    });
    expect([heat.encoding.x2.field, heat.encoding.y2.field]).toEqual(['x1', 'y1']);
    // The first cell is the bottom-left one, its density the exp of the grid's first log-density.
    expect(heat.data.values[0]).toMatchObject({ x0: -1.5, x1: -1.4, y0: -1.5 });
    expect(heat.data.values[0].density).toBeCloseTo(Math.exp(learned.logDensity[0]), 12);
    expect(scatter.data.values).toHaveLength(500);
    for (const panel of spec.hconcat) {
      expect(panel.encoding.x.scale?.domain).toEqual([-1.5, 2.5]);
      expect(panel.encoding.y.scale?.domain).toEqual([-1.5, 2.5]);
    }
  });

  it('leaves out the panels whose argument is null, and takes the range from the samples alone', () => {
    const two = densityComparisonSpec({ learned, truth: null, samples }) as unknown as { hconcat: Panel[] };
    expect(two.hconcat.map((p) => p.title)).toEqual(['learned density', 'samples']);
    const one = densityComparisonSpec({ learned: null, truth: null, samples: [0, 0, 1, 2] }) as unknown as {
      hconcat: Panel[];
    };
    expect(one.hconcat.map((p) => p.title)).toEqual(['samples']);
    expect(one.hconcat[0].encoding.x.scale?.domain).toEqual([-0.1, 2.1]);
  });

  it.each([
    ['nothing to draw', { learned: null, truth: null, samples: null }, /are all null: nothing to draw/],
    [
      'an odd number of sample values',
      { learned: null, truth: null, samples: [1, 2, 3] },
      /argument 'samples' must hold n \* 2 values, got 3/,
    ],
  ])('rejects %s', (_, options, message) => {
    expect(() => densityComparisonSpec(options)).toThrow(message);
  });

  it('renders a PNG of three panels side by side', async () => {
    const big: DensityGrid = densityGrid(toy2dLogDensity('moons')!, {
      xRange: [-1.5, 2.5],
      yRange: [-1.5, 2.5],
    });
    const spec = densityComparisonSpec({
      learned: densityGrid(normal2d([0.5, 0.25], 0.6), { xRange: [-1.5, 2.5], yRange: [-1.5, 2.5] }),
      truth: big,
      samples: sampleToy2d('moons', 2000, 2),
      title: 'RealNVP on moons',
    });
    const png = await renderFigure(chartFigure(spec), { scale: 1 });
    keep('density-comparison.png', png);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    expect(image.width).toBeGreaterThan(3 * 260);
    expect(image.width).toBeLessThan(3 * 260 + 400);
    expect(image.height).toBeGreaterThan(260);
    expect(image.height).toBeLessThan(260 + 150);
  });
});

describe('makeGridLines and gridWarpSpec', () => {
  it('makeGridLines gives the horizontal lines, then the vertical ones, each from lo to hi', () => {
    const g = makeGridLines([-1, 1], 2, 3);
    // Line 0: y = -1; line 1: y = 1; line 2: x = -1; line 3: x = 1.
    expect(Array.from(g)).toEqual([
      -1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1, -1, -1, -1, 0, -1, 1, 1, -1, 1, 0, 1, 1,
    ]);
    expect(makeGridLines([-2.5, 2.5], 15, 60)).toHaveLength(2 * 15 * 60 * 2);
  });

  it('has one panel per stage, each line a detail group ordered along the line, squares of equal units', () => {
    const z = makeGridLines([-2, 2], 5, 20);
    const stretched = z.map((v, i) => (i % 2 === 0 ? 3 * v : v + 10));
    const spec = gridWarpSpec([z, stretched, z], { lines: 5 }) as unknown as {
      concat: Panel[];
      columns: number;
    };
    expect(spec.concat.map((p) => p.title)).toEqual(['z', 'after layer 1', 'x']);
    expect(spec.columns).toBe(3);
    const panel = spec.concat[1];
    expect(panel.mark.type).toBe('line');
    expect(panel.encoding.detail).toEqual({ field: 'line', type: 'nominal' });
    expect(panel.encoding.order).toEqual({ field: 'k', type: 'quantitative' });
    expect(panel.data.values).toHaveLength(200);
    expect(panel.data.values[20]).toEqual({ x: -6, y: 9, line: 1, k: 0, family: 'z2 = const' });
    expect(panel.data.values[100]).toMatchObject({ line: 5, family: 'z1 = const' });
    // x spans [-6, 6], y [8, 12]: both axes get the same width, 1.1 x the larger span, around the centre.
    const [x0, x1] = panel.encoding.x.scale?.domain as number[];
    const [y0, y1] = panel.encoding.y.scale?.domain as number[];
    expect([x0, x1, y0, y1]).toBeAllClose([-6.6, 6.6, 3.4, 16.6], { atol: 1e-9 });
  });

  it('leaves out non-finite points and uses the given titles', () => {
    const z = makeGridLines([0, 1], 2, 2);
    const bad = Float32Array.from(z, (v, i) => (i === 0 ? NaN : v));
    const spec = gridWarpSpec([bad], { lines: 2, stageTitles: ['only'] }) as unknown as { concat: Panel[] };
    expect(spec.concat[0].title).toBe('only');
    expect(spec.concat[0].data.values).toHaveLength(7);
  });

  it.each([
    ['no stages', [], { lines: 2 }, /argument 'stages' must hold at least one stage/],
    [
      'a stage that is not a grid',
      [new Float32Array(10)],
      { lines: 2 },
      /2 \* lines \* pointsPerLine \* 2 values per stage \(lines = 2\), got 10/,
    ],
    [
      'stages of different lengths',
      [new Float32Array(16), new Float32Array(8)],
      { lines: 2 },
      /argument 'stages\[1\]' must have the length of stages\[0\] = 16 entries, got 8/,
    ],
    [
      'too few titles',
      [new Float32Array(16)],
      { lines: 2, stageTitles: [] },
      /argument 'stageTitles' must have one per stage = 1 entries, got 0/,
    ],
  ])('rejects %s', (_, stages, options, message) => {
    expect(() => gridWarpSpec(stages, options)).toThrow(message);
  });

  it('renders a PNG of small multiples', async () => {
    const lines = 11;
    const z = makeGridLines([-2.5, 2.5], lines, 40);
    // A shear, then a bend: how a coupling layer moves one coordinate as a function of the other.
    const sheared = z.map((v, i) => (i % 2 === 1 ? v + 0.6 * z[i - 1] : v));
    const bent = sheared.map((v, i) => (i % 2 === 0 ? v + 0.8 * Math.sin(sheared[i + 1]) : v));
    const spec = gridWarpSpec([z, sheared, bent], { lines, title: 'two layers' });
    const png = await renderFigure(chartFigure(spec), { scale: 1 });
    keep('grid-warp.png', png);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    expect(image.width).toBeGreaterThan(3 * 200);
    expect(image.width).toBeLessThan(3 * 200 + 300);
    expect(image.height).toBeGreaterThan(200);
    expect(image.height).toBeLessThan(200 + 150);
  });
});
