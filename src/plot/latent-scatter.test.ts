import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { chartFigure } from './figure.js';
import { latentScatterSpec } from './latent-scatter.js';
import { PNG_SIGNATURE, renderFigure } from './render.js';

/** Three Gaussian clusters of 100 points each, labelled 0, 1 and 10 (to check the legend's numeric order). */
function clusters(): { points: Float64Array; labels: Int32Array } {
  const rng = new Random(11);
  const centres = [
    [-2, 0],
    [2, 1],
    [0, -2],
  ];
  const points = new Float64Array(300 * 2);
  const labels = new Int32Array(300);
  for (let i = 0; i < 300; i++) {
    const k = i % 3;
    points.set([centres[k][0] + 0.5 * rng.normal(), centres[k][1] + 0.5 * rng.normal()], 2 * i);
    labels[i] = [0, 1, 10][k];
  }
  return { points, labels };
}

interface Encoded {
  data: { values: Record<string, unknown>[] };
  encoding: {
    x: { title: string };
    y: { title: string };
    color?: { scale: { domain: string[]; scheme: string } };
  };
}

describe('latentScatterSpec', () => {
  it('has one datum per point, coloured by label in numeric label order, with the given names', () => {
    const { points, labels } = clusters();
    const spec = latentScatterSpec(points, labels, {
      classNames: ['zero', 'one'],
      xTitle: 'PC 1',
    }) as unknown as Encoded;
    expect(spec.data.values).toHaveLength(300);
    expect(spec.data.values[2]).toEqual({ z1: points[4], z2: points[5], label: '10' });
    expect(spec.data.values[1].label).toBe('one');
    expect(spec.encoding.color?.scale).toEqual({ domain: ['zero', 'one', '10'], scheme: 'category10' });
    expect([spec.encoding.x.title, spec.encoding.y.title]).toEqual(['PC 1', 'z2']);
  });

  it('draws all points in one colour without a legend when there are no labels', () => {
    const spec = latentScatterSpec([0, 0, 1, 1], null) as unknown as Encoded;
    expect(spec.encoding.color).toBeUndefined();
    expect(spec.data.values).toEqual([
      { z1: 0, z2: 0 },
      { z1: 1, z2: 1 },
    ]);
  });

  it.each([
    ['an odd number of coordinates', [0, 1, 2], null, /argument 'points' must hold n \* 2 values, got 3/],
    [
      'too few labels',
      [0, 1, 2, 3],
      Int32Array.from([0]),
      /argument 'labels' must have one per point, n = 2 entries, got 1/,
    ],
    ['fractional labels', [0, 1, 2, 3], [0, 0.5], /argument 'labels' must hold integers, got 0.5 at index 1/],
  ])('rejects %s, naming the argument', (_, points, labels, message) => {
    expect(() => latentScatterSpec(points, labels)).toThrow(message);
  });
});

describe('renderFigure of latentScatterSpec', () => {
  it('renders a PNG of about the requested size, with the class colours in it', async () => {
    const { points, labels } = clusters();
    const png = await renderFigure(
      chartFigure(latentScatterSpec(points, labels, { title: 'Three clusters', width: 300, height: 300 })),
      { scale: 1 },
    );
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const image = PNG.sync.read(png);
    // The plot area plus axes, title and legend.
    expect(image.width).toBeGreaterThan(300);
    expect(image.width).toBeLessThan(500);
    expect(image.height).toBeGreaterThan(300);
    expect(image.height).toBeLessThan(420);
    // category10's first colour, #1f77b4, is drawn (the legend symbols are opaque).
    let blue = 0;
    for (let i = 0; i < image.data.length; i += 4)
      if (image.data[i] === 0x1f && image.data[i + 1] === 0x77 && image.data[i + 2] === 0xb4) blue++;
    expect(blue).toBeGreaterThan(5);
  });
});
