import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlotArgumentError } from './errors.js';
import { chartFigure } from './figure.js';
import {
  mixtureEllipses,
  mixtureSpec,
  mixtureStripSpec,
  type MixtureComponent,
  type MixtureFrame,
} from './mixture.js';
import { PNG_SIGNATURE, renderFigure } from './render.js';

/** (p - mu)^T Sigma^-1 (p - mu) for a 2 x 2 Sigma given row-major, by the explicit inverse. */
function mahalanobis2(p: { x: number; y: number }, mu: number[], s: number[]): number {
  const [dx, dy] = [p.x - mu[0], p.y - mu[1]];
  const det = s[0] * s[3] - s[1] * s[2];
  return (s[3] * dx * dx - (s[1] + s[2]) * dx * dy + s[0] * dy * dy) / det;
}

/** Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Write a PNG under /tmp for a person to look at, when LATENTLAB_KEEP_PNG is set. */
function keep(name: string, png: Buffer): void {
  if (process.env.LATENTLAB_KEEP_PNG !== undefined) writeFileSync(`/tmp/${name}`, png);
}

/** Three Gaussian clusters, point i from cluster i % 3 (x = mu + A z, a Park-Miller / Box-Muller stream). */
function threeClusters(n = 600) {
  let state = 7;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const mus = [
    [0, 0],
    [5, 4],
    [-4, 5],
  ];
  // Lower-triangular A_j; the covariance is A A^T.
  const as = [
    [1.2, 0, 0.9, 0.5],
    [0.5, 0, -0.6, 1.1],
    [0.8, 0, 0, 0.4],
  ];
  const points = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % 3;
    const [z1, z2] = [normal(), normal()];
    points[2 * i] = mus[j][0] + as[j][0] * z1;
    points[2 * i + 1] = mus[j][1] + as[j][2] * z1 + as[j][3] * z2;
    labels[i] = j;
  }
  const components: MixtureComponent[] = mus.map((mean, j) => {
    const [a, , c, d] = as[j];
    return { weight: 1 / 3, mean, cov: [a * a, a * c, a * c, c * c + d * d] };
  });
  return { points, labels, components };
}

interface Layer {
  data: { values: Record<string, number | string>[] };
  mark: { type: string; shape?: string };
  encoding: Record<
    string,
    { field?: string; type?: string; scale?: { domain?: unknown[]; range?: unknown[] } }
  >;
}

describe('mixtureEllipses', () => {
  it.each([
    ['a correlated covariance', [1, -2], [2, 1.2, 1.2, 1]],
    ['a nearly singular covariance', [0.5, 0.5], [1, 0.999, 0.999, 1]],
    ['a tiny, rotated covariance', [1e3, -1e3], [1e-6, -4e-7, -4e-7, 3e-7]],
    ['a diagonal covariance', [0, 0], [9, 0, 0, 0.25]],
  ])('puts every point of the k-sigma ellipse at Mahalanobis distance k, for %s', (_, mu, cov) => {
    const lines = mixtureEllipses(mu, cov, [1, 2, 3.5], 50);
    expect(lines).toHaveLength(3);
    lines.forEach((line, s) => {
      const k = [1, 2, 3.5][s];
      expect(line).toHaveLength(51);
      expect(line[50]).toEqual(line[0]);
      for (const p of line) expect(Math.abs(mahalanobis2(p, mu, cov) - k * k)).toBeLessThan(1e-9 * k * k);
    });
  });

  it('gives a diagonal covariance semi-axes k sqrt(variance) along the axes', () => {
    const [one, two] = mixtureEllipses(
      [1, 2],
      [
        [4, 0],
        [0, 1],
      ],
    );
    expect(one).toHaveLength(65);
    // The points at t = 0, pi/2, pi, 3pi/2 are the ends of the axes.
    expect([one[0], one[16], one[32], one[48]].map((p) => [p.x, p.y])).toBeAllClose(
      [
        [3, 2],
        [1, 3],
        [-1, 2],
        [1, 1],
      ],
      { atol: 1e-12 },
    );
    expect([two[0].x, two[16].y]).toBeAllClose([5, 4], { atol: 1e-12 });
  });

  it('has the bounding box mu +- k sqrt(Sigma_ii) and the area pi k^2 sqrt(det Sigma)', () => {
    const cov = [2, 1.2, 1.2, 1];
    const [line] = mixtureEllipses([0, 0], cov, [2], 4000);
    const xs = line.map((p) => p.x);
    const ys = line.map((p) => p.y);
    expect([Math.max(...xs), -Math.min(...xs), Math.max(...ys)]).toBeAllClose(
      [2 * Math.sqrt(2), 2 * Math.sqrt(2), 2],
      { rtol: 1e-6 },
    );
    let area = 0; // shoelace formula
    for (let i = 0; i < line.length - 1; i++) area += line[i].x * line[i + 1].y - line[i + 1].x * line[i].y;
    expect(area / 2).toBeAllClose(Math.PI * 4 * Math.sqrt(2 - 1.44), { rtol: 1e-5 });
  });

  it.each([
    ['a mean of 3 numbers', [0, 0, 0], [1, 0, 0, 1], /argument 'mean' must have x, y = 2 entries, got 3/],
    ['a NaN mean', [NaN, 0], [1, 0, 0, 1], /argument 'mean' must be finite, got NaN at index 0/],
    ['a covariance of 3 numbers', [0, 0], [1, 0, 1], /argument 'cov' must have .* = 4 entries, got 3/],
    ['a non-symmetric covariance', [0, 0], [1, 0.5, 0, 1], /argument 'cov' must be symmetric/],
    ['an indefinite covariance', [0, 0], [1, 2, 2, 1], /argument 'cov' must be positive definite/],
    ['a singular covariance', [0, 0], [1, 1, 1, 1], /argument 'cov' must be positive definite/],
    ['a negative variance', [0, 0], [-1, 0, 0, -1], /argument 'cov' must be positive definite/],
    ['a ragged nested covariance', [0, 0], [[1, 0], [0]], /argument 'cov' must be \[\[a, b\], \[b, c\]\]/],
  ])('rejects %s, naming the argument', (_, mean, cov, message) => {
    const call = () => mixtureEllipses(mean, cov as number[]);
    expect(call).toThrow(PlotArgumentError);
    expect(call).toThrow(message);
  });

  it.each([
    ['empty sigmas', () => mixtureEllipses([0, 0], [1, 0, 0, 1], []), /option 'sigmas'/],
    ['a zero sigma', () => mixtureEllipses([0, 0], [1, 0, 0, 1], [1, 0]), /option 'sigmas'/],
    ['2 segments', () => mixtureEllipses([0, 0], [1, 0, 0, 1], [1], 2), /argument 'segments' must be/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('mixtureSpec', () => {
  const { points, labels, components } = threeClusters();

  it('layers the points, the ellipses and the means, sharing one colour scale per component', () => {
    const spec = mixtureSpec(points, labels, components, { title: 'three', segments: 40 }) as unknown as {
      layer: Layer[];
      width: number;
    };
    const [dots, lines, means] = spec.layer;
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['circle', 'line', 'point']);
    expect(means.mark.shape).toBe('cross');
    expect(dots.data.values).toHaveLength(600);
    expect(dots.data.values[4]).toEqual({ x: points[8], y: points[9], component: 1 });
    // components x sigmas x (segments + 1) rows, ordered along each ellipse, one detail group per ellipse.
    expect(lines.data.values).toHaveLength(3 * 2 * 41);
    expect(lines.encoding.order).toEqual({ field: 'i', type: 'quantitative' });
    expect(lines.encoding.detail).toEqual({ field: 'ellipse', type: 'nominal' });
    expect(new Set(lines.data.values.map((v) => v.ellipse)).size).toBe(6);
    expect(lines.data.values[41]).toMatchObject({ component: 0, sigma: '2σ', i: 0 });
    expect(lines.encoding.strokeDash.scale).toEqual({
      domain: ['1σ', '2σ'],
      range: [
        [1, 0],
        [6, 4],
      ],
    });
    expect(means.data.values).toEqual(
      components.map((c, j) => ({ x: c.mean[0], y: c.mean[1], component: j })),
    );
    for (const layer of spec.layer)
      expect(layer.encoding.color.scale).toEqual({
        domain: [0, 1, 2],
        range: ['#1f77b4', '#ff7f0e', '#2ca02c'],
      });
    expect(JSON.stringify(dots.encoding.color)).toContain('0 (w=0.33)');
  });

  it('sets equal-unit x and y domains that hold every point and ellipse', () => {
    const spec = mixtureSpec(points, labels, components, { width: 400, height: 200 }) as unknown as {
      layer: Layer[];
    };
    const [x0, x1] = spec.layer[0].encoding.x.scale?.domain as number[];
    const [y0, y1] = spec.layer[0].encoding.y.scale?.domain as number[];
    expect((x1 - x0) / 400).toBeAllClose((y1 - y0) / 200, { rtol: 1e-12 });
    for (const layer of spec.layer)
      for (const v of layer.data.values) {
        expect(v.x).toBeGreaterThan(x0);
        expect(v.x).toBeLessThan(x1);
        expect(v.y).toBeGreaterThan(y0);
        expect(v.y).toBeLessThan(y1);
      }
  });

  it('leaves out the ellipses, mean and legend entry of a component of negligible weight', () => {
    const pruned = [...components, { weight: 1e-5, mean: [9, 9], cov: [1, 0, 0, 1] }];
    const spec = mixtureSpec(points, labels, pruned) as unknown as { layer: Layer[] };
    expect(spec.layer[1].data.values).toHaveLength(3 * 2 * 65);
    expect(spec.layer[2].data.values).toHaveLength(3);
    expect(spec.layer[0].encoding.color.scale?.domain).toEqual([0, 1, 2]);
    // A point labelled with it keeps it in the legend (without ellipses), so that every colour is explained.
    const withPoint = Int32Array.from(labels, (l, i) => (i === 0 ? 3 : l));
    const kept = mixtureSpec(points, withPoint, pruned) as unknown as { layer: Layer[] };
    expect(kept.layer[0].encoding.color.scale?.domain).toEqual([0, 1, 2, 3]);
    expect(kept.layer[1].data.values).toHaveLength(3 * 2 * 65);
  });

  it('subsamples deterministically: every m-th point from the first, m = ceil(n / maxPoints)', () => {
    const big = threeClusters(12001);
    const spec = mixtureSpec(big.points, big.labels, big.components) as unknown as { layer: Layer[] };
    const drawn = spec.layer[0].data.values;
    expect(drawn).toHaveLength(4001); // m = 3: points 0, 3, ..., 12000
    expect(drawn[1]).toEqual({ x: big.points[6], y: big.points[7], component: 0 });
    expect(drawn[4000]).toEqual({ x: big.points[24000], y: big.points[24001], component: big.labels[12000] });
    expect(mixtureSpec(big.points, big.labels, big.components)).toEqual(spec);
    const few = mixtureSpec(points, null, components, { maxPoints: 100 }) as unknown as { layer: Layer[] };
    expect(few.layer[0].data.values).toHaveLength(100); // m = 6
    expect(few.layer[0].encoding.color).toBeUndefined();
  });

  const good = threeClusters(6);
  const withComponent = (j: number, change: Partial<MixtureComponent>) =>
    good.components.map((c, i) => (i === j ? { ...c, ...change } : c));
  it.each([
    ['an odd number of coordinates', [0, 1, 2], null, good.components, /argument 'points' must hold n \* 2/],
    [
      'too few labels',
      good.points,
      [0, 1],
      good.components,
      /argument 'labels' must have one per point, n = 6 entries, got 2/,
    ],
    [
      'a label beyond the components',
      good.points,
      [0, 1, 2, 3, 0, 1],
      good.components,
      /argument 'labels' must hold component indices 0..2, got 3 at index 3/,
    ],
    ['no components', good.points, null, [], /argument 'components' must hold at least one component/],
    [
      'a negative weight',
      good.points,
      null,
      withComponent(1, { weight: -0.1 }),
      /argument 'components\[1\].weight' must be finite and >= 0/,
    ],
    [
      'a mean of 1 number',
      good.points,
      null,
      withComponent(2, { mean: [1] }),
      /argument 'components\[2\].mean' must have x, y = 2 entries, got 1/,
    ],
    [
      'a covariance of 3 numbers',
      good.points,
      null,
      withComponent(0, { cov: [1, 0, 1] }),
      /argument 'components\[0\].cov' must have .* = 4 entries, got 3/,
    ],
    [
      'a non-symmetric covariance',
      good.points,
      null,
      withComponent(0, { cov: [1, 0.3, 0.2, 1] }),
      /argument 'components\[0\].cov' must be symmetric/,
    ],
    [
      'an indefinite covariance',
      good.points,
      null,
      withComponent(1, { cov: [1, 0, 0, -1] }),
      /argument 'components\[1\].cov' must be positive definite/,
    ],
  ])('rejects %s, naming the argument', (_, pts, lbls, comps, message) => {
    const call = () => mixtureSpec(pts, lbls, comps);
    expect(call).toThrow(PlotArgumentError);
    expect(call).toThrow(message);
  });

  it('renders a PNG of about the requested size', async () => {
    const spec = mixtureSpec(points, labels, components, {
      title: 'Three clusters',
      width: 300,
      height: 300,
    });
    const png = await renderFigure(chartFigure(spec), { scale: 1 });
    keep('mixture-example.png', png);
    const { width, height } = pngSize(png);
    // The plot plus axes, title and legends.
    expect(width).toBeGreaterThan(300);
    expect(width).toBeLessThan(520);
    expect(height).toBeGreaterThan(300);
    expect(height).toBeLessThan(400);
  });
});

describe('mixtureStripSpec', () => {
  const { points, labels, components } = threeClusters(300);
  // The fit "early": all means near the middle, wide covariances; and "late": the truth.
  const early: MixtureComponent[] = components.map((c, j) => ({
    weight: 1 / 3,
    mean: [j - 1, 2],
    cov: [9, 0, 0, 9],
  }));
  const frames: MixtureFrame[] = [
    { title: 'initial', points, labels: null, components: early },
    { title: 'iteration 20', points, labels, components },
  ];

  it('has one panel per frame over the same explicit domains, sharing the colour scale', () => {
    const spec = mixtureStripSpec(frames, { title: 'EM', panelWidth: 200, panelHeight: 150 }) as unknown as {
      hconcat: { title: string; width: number; height: number; layer: Layer[] }[];
      resolve: { scale: Record<string, string> };
    };
    expect(spec.hconcat.map((p) => p.title)).toEqual(['initial', 'iteration 20']);
    expect(spec.resolve.scale.color).toBe('shared');
    const [a, b] = spec.hconcat;
    expect([a.width, a.height]).toEqual([200, 150]);
    const x = a.layer[0].encoding.x.scale?.domain as number[];
    const y = a.layer[0].encoding.y.scale?.domain as number[];
    for (const panel of spec.hconcat)
      for (const layer of panel.layer) {
        expect(layer.encoding.x.scale?.domain).toEqual(x);
        expect(layer.encoding.y.scale?.domain).toEqual(y);
        if (layer.encoding.color !== undefined) expect(layer.encoding.color.scale?.domain).toEqual([0, 1, 2]);
      }
    // The early frame's wide 2-sigma ellipses (radius 6 around (-1..1, 2)) set the domain.
    expect(x[0]).toBeLessThan(-7);
    expect(y[1]).toBeGreaterThan(8);
    expect((x[1] - x[0]) / 200).toBeAllClose((y[1] - y[0]) / 150, { rtol: 1e-12 });
    expect(a.layer[0].encoding.color).toBeUndefined();
    expect(b.layer[1].data.values).toHaveLength(3 * 2 * 65);
  });

  it.each([
    ['no frames', [], /argument 'frames' must hold at least one frame/],
    [
      'a frame with wrong labels',
      [frames[0], { ...frames[1], labels: [0] }],
      /argument 'frames\[1\].labels' must have one per point/,
    ],
    [
      'a frame with a bad covariance',
      [{ ...frames[0], components: [{ weight: 1, mean: [0, 0], cov: [1, 2, 2, 1] }] }],
      /argument 'frames\[0\].components\[0\].cov' must be positive definite/,
    ],
  ])('rejects %s, naming the argument', (_, fs, message) => {
    const call = () => mixtureStripSpec(fs);
    expect(call).toThrow(PlotArgumentError);
    expect(call).toThrow(message);
  });

  it('renders a PNG of the panels side by side', async () => {
    const spec = mixtureStripSpec(frames, { title: 'EM on three clusters' });
    const png = await renderFigure(chartFigure(spec), { scale: 1 });
    keep('mixture-strip.png', png);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(2 * 220);
    expect(width).toBeLessThan(2 * 220 + 300);
    expect(height).toBeGreaterThan(220);
    expect(height).toBeLessThan(220 + 150);
  });
});
