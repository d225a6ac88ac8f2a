/**
 * Pictures of a fitted 2-D Gaussian mixture: the data coloured by component with each component's k-sigma
 * ellipses and mean, and the fit at a few iterations side by side.
 */
import type { TopLevelSpec } from './figure.js';
import { checkInteger, checkLength, PlotArgumentError } from './errors.js';
import { finiteExtent, VEGA_LITE_SCHEMA } from './scales.js';

/** A point of an ellipse's polyline. */
export interface EllipsePoint {
  x: number;
  y: number;
}

/** One component of a 2-D Gaussian mixture, as {@link mixtureSpec} draws it. */
export interface MixtureComponent {
  /** The mixing weight pi_j. */
  weight: number;
  /** The mean mu_j, 2 numbers. */
  mean: ArrayLike<number>;
  /** The covariance Sigma_j, 4 numbers, row-major 2 x 2, symmetric positive definite. */
  cov: ArrayLike<number>;
}

/** Options of {@link mixtureSpec}. */
export interface MixtureOptions {
  /** Chart title. Default none. */
  title?: string;
  /** Horizontal axis title. Default `x1`. */
  xTitle?: string;
  /** Vertical axis title. Default `x2`. */
  yTitle?: string;
  /** Plot width in chart units. Default 420. */
  width?: number;
  /** Plot height in chart units. Default 420. */
  height?: number;
  /** The k of the k-sigma ellipses drawn for every component: the first solid, the others dashed. Default [1, 2]. */
  sigmas?: readonly number[];
  /** Line segments per ellipse. Default 64. */
  segments?: number;
  /** At most this many points are drawn: every m-th point from the first, m = ceil(n / maxPoints). Default 5000. */
  maxPoints?: number;
  /**
   * Components whose weight is below this get no ellipses, no mean and (unless points carry them) no legend entry.
   * Default 1e-3.
   */
  minWeight?: number;
}

/** One panel of {@link mixtureStripSpec}: the data and the mixture at one iteration. */
export interface MixtureFrame {
  title: string;
  /** n x 2 points, row-major. */
  points: ArrayLike<number>;
  /** The component of each point, or null to draw the points in grey. */
  labels: ArrayLike<number> | null;
  components: readonly MixtureComponent[];
}

/** Options of {@link mixtureStripSpec}. */
export interface MixtureStripOptions extends Pick<
  MixtureOptions,
  'xTitle' | 'yTitle' | 'sigmas' | 'segments' | 'maxPoints' | 'minWeight'
> {
  /** Chart title above the panels. Default none. */
  title?: string;
  /** Panel width in chart units. Default 220. */
  panelWidth?: number;
  /** Panel height in chart units. Default 220. */
  panelHeight?: number;
}

/**
 * Vega's category10, then ten darker colours of category20b for components 10 to 19: component j is drawn in
 * PALETTE[j % 20] in every picture, whichever are shown.
 */
const PALETTE = (
  '1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 7f7f7f bcbd22 17becf ' +
  '393b79 637939 8c6d31 843c39 7b4173 5254a3 8ca252 bd9e39 ad494a a55194'
)
  .split(' ')
  .map((hex) => `#${hex}`);
const DASHES = [
  [1, 0],
  [6, 4],
  [2, 3],
  [8, 3, 2, 3],
];

/** Checks `mean` and `cov` and returns mu and the semi-axes a1 e1, a2 e2 of the 1-sigma ellipse (eigenvectors). */
function ellipseAxes(mean: ArrayLike<number>, cov: ArrayLike<number>, names: [string, string], fn: string) {
  const [meanName, covName] = names;
  checkLength(mean, 2, meanName, fn, 'x, y');
  checkLength(cov, 4, covName, fn, 'a 2 x 2 matrix, row-major');
  for (const [values, name] of [
    [mean, meanName],
    [cov, covName],
  ] as const)
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i]))
        throw new PlotArgumentError(
          `${fn}: argument '${name}' must be finite, got ${values[i]} at index ${i}`,
        );
  const [a, b, b2, c] = [cov[0], cov[1], cov[2], cov[3]];
  if (Math.abs(b - b2) > 1e-9 * Math.max(Math.abs(a), Math.abs(c), Math.abs(b)))
    throw new PlotArgumentError(
      `${fn}: argument '${covName}' must be symmetric, got [${Array.from(cov).join(', ')}]`,
    );
  const off = (b + b2) / 2;
  const det = a * c - off * off;
  if (!(a > 0 && det > 0))
    throw new PlotArgumentError(
      `${fn}: argument '${covName}' must be positive definite, got [${Array.from(cov).join(', ')}]`,
    );
  // Eigenvalues of [[a, b], [b, c]]; the small one as det / large, which keeps its relative accuracy.
  const large = (a + c) / 2 + Math.hypot((a - c) / 2, off);
  const small = det / large;
  const theta = 0.5 * Math.atan2(2 * off, a - c);
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const [r1, r2] = [Math.sqrt(large), Math.sqrt(small)];
  return { mx: mean[0], my: mean[1], u: [r1 * cos, r1 * sin], v: [-r2 * sin, r2 * cos] };
}

function checkSigmas(sigmas: readonly number[], fn: string): void {
  if (sigmas.length === 0 || !sigmas.every((k) => Number.isFinite(k) && k > 0))
    throw new PlotArgumentError(
      `${fn}: option 'sigmas' must be a non-empty list of positive numbers, got [${sigmas.join(', ')}]`,
    );
}

function ellipses(
  mean: ArrayLike<number>,
  cov: ArrayLike<number>,
  sigmas: readonly number[],
  segments: number,
  names: [string, string],
  fn: string,
): EllipsePoint[][] {
  const { mx, my, u, v } = ellipseAxes(mean, cov, names, fn);
  return sigmas.map((k) =>
    Array.from({ length: segments + 1 }, (_, i) => {
      // The last point is the first again (cos and sin of 2 pi are not exactly 1 and 0).
      const t = i === segments ? 0 : (2 * Math.PI * i) / segments;
      const [ct, st] = [k * Math.cos(t), k * Math.sin(t)];
      return { x: mx + ct * u[0] + st * v[0], y: my + ct * u[1] + st * v[1] };
    }),
  );
}

/**
 * The k-sigma ellipses {mu + k R diag(sqrt(lambda)) (cos t, sin t) : t in [0, 2 pi)} of a 2-D Gaussian N(mu,
 * Sigma), with Sigma = R diag(lambda) R^T its eigendecomposition: the points p with Mahalanobis distance
 * (p - mu)^T Sigma^-1 (p - mu) = k^2, one closed polyline of `segments + 1` points (the last equal to the first) per
 * entry of `sigmas`. The first point of each lies on the major axis. `cov` is [[a, b], [b, c]] or its 4 numbers
 * row-major.
 *
 * Throws a {@link PlotArgumentError} naming `mean` or `cov` when `mean` is not 2 finite numbers or `cov` not a
 * symmetric positive definite 2 x 2 matrix, and naming `sigmas` or `segments` when those are not positive.
 *
 * @example
 * const [one, two] = mixtureEllipses([0, 0], [[4, 0], [0, 1]]);
 * one[0]; // { x: 2, y: 0 }, the end of the major axis
 * two.length; // 65
 */
export function mixtureEllipses(
  mean: readonly [number, number] | ArrayLike<number>,
  cov: readonly (readonly [number, number])[] | ArrayLike<number>,
  sigmas: readonly number[] = [1, 2],
  segments = 64,
): EllipsePoint[][] {
  const fn = 'mixtureEllipses';
  checkSigmas(sigmas, fn);
  checkInteger(segments, 'segments', fn, 3);
  let flat: ArrayLike<number>;
  if (Array.isArray(cov) && cov.some((row) => Array.isArray(row))) {
    const rows = cov as readonly (readonly number[])[];
    if (rows.length !== 2 || rows.some((row) => !Array.isArray(row) || row.length !== 2))
      throw new PlotArgumentError(`${fn}: argument 'cov' must be [[a, b], [b, c]] or 4 numbers`);
    flat = [rows[0][0], rows[0][1], rows[1][0], rows[1][1]];
  } else flat = cov as ArrayLike<number>;
  return ellipses(mean, flat, sigmas, segments, ['mean', 'cov'], fn);
}

/** The step m between the drawn points: every m-th of n points, at most maxPoints of them. */
function subsampleStep(n: number, maxPoints: number): number {
  return Math.max(1, Math.ceil(n / maxPoints));
}

function formatWeight(w: number): string {
  return w >= 0.01 || w === 0 ? w.toFixed(2) : w.toPrecision(1);
}

interface Resolved {
  sigmas: readonly number[];
  segments: number;
  maxPoints: number;
  minWeight: number;
}

/** One panel's data after the checks: points (subsampled), ellipse rows and means, and the components shown. */
function panelData(
  points: ArrayLike<number>,
  labels: ArrayLike<number> | null,
  components: readonly MixtureComponent[],
  opts: Resolved,
  prefix: string,
  fn: string,
) {
  const name = (arg: string) => (prefix === '' ? arg : `${prefix}.${arg}`);
  if (points.length % 2 !== 0)
    throw new PlotArgumentError(
      `${fn}: argument '${name('points')}' must hold n * 2 values, got ${points.length}`,
    );
  if (components.length === 0)
    throw new PlotArgumentError(`${fn}: argument '${name('components')}' must hold at least one component`);
  const n = points.length / 2;
  const k = components.length;
  if (labels !== null) {
    checkLength(labels, n, name('labels'), fn, 'one per point, n');
    for (let i = 0; i < n; i++)
      if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= k)
        throw new PlotArgumentError(
          `${fn}: argument '${name('labels')}' must hold component indices 0..${k - 1}, got ${labels[i]} at index ${i}`,
        );
  }
  const kept = components.map(({ weight, mean, cov }, j) => {
    const c = name(`components[${j}]`);
    if (!(Number.isFinite(weight) && weight >= 0))
      throw new PlotArgumentError(`${fn}: argument '${c}.weight' must be finite and >= 0, got ${weight}`);
    const polylines = ellipses(mean, cov, opts.sigmas, opts.segments, [`${c}.mean`, `${c}.cov`], fn);
    return weight >= opts.minWeight ? polylines : null;
  });
  const step = subsampleStep(n, opts.maxPoints);
  const dots: { x: number; y: number; component?: number }[] = [];
  const labelled = new Set<number>();
  for (let i = 0; i < n; i += step) {
    const dot = { x: points[2 * i], y: points[2 * i + 1] };
    if (labels === null) dots.push(dot);
    else {
      dots.push({ ...dot, component: labels[i] });
      labelled.add(labels[i]);
    }
  }
  const lines: { x: number; y: number; component: number; ellipse: string; sigma: string; i: number }[] = [];
  const means: { x: number; y: number; component: number }[] = [];
  kept.forEach((polylines, j) => {
    if (polylines === null) return;
    means.push({ x: components[j].mean[0], y: components[j].mean[1], component: j });
    polylines.forEach((line, s) =>
      line.forEach((p, i) =>
        lines.push({ ...p, component: j, ellipse: `${j}:${s}`, sigma: `${opts.sigmas[s]}σ`, i }),
      ),
    );
  });
  const shown = components.map((_, j) => kept[j] !== null || labelled.has(j));
  return { dots, lines, means, shown };
}

function equalUnitDomains(xs: number[], ys: number[], width: number, height: number) {
  const [x0, x1] = finiteExtent(xs) ?? [-1, 1];
  const [y0, y1] = finiteExtent(ys) ?? [-1, 1];
  const perUnit = 1.1 * Math.max((x1 - x0) / width, (y1 - y0) / height, 1e-9);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return {
    x: [cx - (perUnit * width) / 2, cx + (perUnit * width) / 2],
    y: [cy - (perUnit * height) / 2, cy + (perUnit * height) / 2],
  };
}

type Panel = ReturnType<typeof panelData>;

/** The layers of one panel: points, ellipses, means, over the given domains. */
function layers(
  panel: Panel,
  domains: { x: number[]; y: number[] },
  axisTitles: [string, string],
  colour: object,
  sigmas: readonly number[],
) {
  const axis = (field: string, title: string, domain: number[]) => ({
    field,
    type: 'quantitative' as const,
    title,
    scale: { domain, nice: false, zero: false },
  });
  const position = { x: axis('x', axisTitles[0], domains.x), y: axis('y', axisTitles[1], domains.y) };
  const hasLabels = panel.dots.some((d) => d.component !== undefined);
  const dash = sigmas.map((k) => `${k}σ`);
  return [
    {
      data: { values: panel.dots },
      mark: {
        type: 'circle',
        size: 12,
        opacity: 0.5,
        clip: true,
        ...(hasLabels ? {} : { color: '#888888' }),
      },
      encoding: { ...position, ...(hasLabels ? { color: colour } : {}) },
    },
    {
      data: { values: panel.lines },
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        ...position,
        color: colour,
        detail: { field: 'ellipse', type: 'nominal' },
        order: { field: 'i', type: 'quantitative' },
        strokeDash: {
          field: 'sigma',
          type: 'nominal',
          title: 'ellipse',
          scale: { domain: dash, range: dash.map((_, s) => DASHES[Math.min(s, DASHES.length - 1)]) },
          legend: {
            symbolType: 'stroke',
            symbolSize: 500,
            symbolStrokeColor: '#333333',
            symbolStrokeWidth: 2,
          },
        },
      },
    },
    {
      data: { values: panel.means },
      mark: {
        type: 'point',
        shape: 'cross',
        filled: true,
        size: 160,
        stroke: 'white',
        strokeWidth: 1,
        opacity: 1,
      },
      encoding: { ...position, color: colour },
    },
  ];
}

/** The colour encoding shared by all layers and panels: component j in PALETTE[j % 20], legend `names[j]`. */
function colourEncoding(shown: boolean[], names: string[]) {
  const indices = shown.flatMap((s, j) => (s ? [j] : []));
  return {
    field: 'component',
    type: 'nominal' as const,
    title: 'component',
    scale: { domain: indices, range: indices.map((j) => PALETTE[j % PALETTE.length]) },
    legend: { labelExpr: `${JSON.stringify(names)}[datum.value]`, symbolType: 'circle', symbolOpacity: 1 },
  };
}

function resolveOptions(options: Partial<Resolved>, fn: string): Resolved {
  const { sigmas = [1, 2], segments = 64, maxPoints = 5000, minWeight = 1e-3 } = options;
  checkSigmas(sigmas, fn);
  checkInteger(segments, 'segments', fn, 3);
  checkInteger(maxPoints, 'maxPoints', fn, 1);
  if (!(minWeight >= 0))
    throw new PlotArgumentError(`${fn}: option 'minWeight' must be >= 0, got ${minWeight}`);
  return { sigmas, segments, maxPoints, minWeight };
}

const CONFIG = {
  axis: { titleFontSize: 13, labelFontSize: 11, grid: false },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  title: { fontSize: 13 },
};

/**
 * A Vega-Lite chart of a fitted 2-D Gaussian mixture: the `n` points (`points` row-major, n x 2), small and
 * semi-transparent, coloured by their component (`labels`, e.g. the most probable component; grey when null); each
 * component's k-sigma ellipses ({@link mixtureEllipses}, k in `sigmas`: the first solid, the others dashed) in the
 * component's colour; and each mean as a cross. Component j is drawn in the same colour everywhere (category10,
 * then ten of category20b, repeating after 20), with the legend entry `j (w=0.31)` (title 'component'). Both axes
 * have the same unit length, over everything drawn. At most `maxPoints` points are drawn: every m-th point from
 * the first (deterministic).
 *
 * Components whose weight is below `minWeight` (a Bayesian mixture drives the weights of unused components to about
 * 0) are left out: no ellipses, no mean, no legend entry, unless some drawn point is labelled with one, in which case
 * it keeps its legend entry so that every colour is explained.
 *
 * Throws a {@link PlotArgumentError} naming the argument when `points` has an odd length, `labels` is not one
 * component index per point, `components` is empty, or a component's weight is negative, its mean not 2 numbers or
 * its covariance not a symmetric positive definite 2 x 2 matrix (4 numbers).
 *
 * @example
 * const gmm = new GaussianMixture(3, { seed: 1 }).fit({ data, n, d: 2 });
 * const components = Array.from({ length: 3 }, (_, j) => ({
 *   weight: gmm.weights[j],
 *   mean: gmm.means.subarray(2 * j, 2 * j + 2),
 *   cov: gmm.covariances.subarray(4 * j, 4 * j + 4),
 * }));
 * const spec = mixtureSpec(data, gmm.predict({ data, n, d: 2 }), components, { title: 'EM, 3 components' });
 */
export function mixtureSpec(
  points: ArrayLike<number>,
  labels: ArrayLike<number> | null,
  components: readonly MixtureComponent[],
  options: MixtureOptions = {},
): TopLevelSpec {
  const fn = 'mixtureSpec';
  const { title, xTitle = 'x1', yTitle = 'x2', width = 420, height = 420 } = options;
  const opts = resolveOptions(options, fn);
  const panel = panelData(points, labels, components, opts, '', fn);
  const domains = equalUnitDomains(
    [...panel.dots.map((d) => d.x), ...panel.lines.map((l) => l.x), ...panel.means.map((m) => m.x)],
    [...panel.dots.map((d) => d.y), ...panel.lines.map((l) => l.y), ...panel.means.map((m) => m.y)],
    width,
    height,
  );
  const names = components.map((c, j) => `${j} (w=${formatWeight(c.weight)})`);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title }),
    width,
    height,
    layer: layers(panel, domains, [xTitle, yTitle], colourEncoding(panel.shown, names), opts.sigmas),
    config: CONFIG,
  } as TopLevelSpec;
}

/**
 * A Vega-Lite chart of a mixture fit at a few iterations, side by side: one small {@link mixtureSpec}-like panel
 * per frame (titled with the frame's title), all over the same explicit x and y domains (everything drawn in any
 * frame, equal units on both axes) so that the panels are comparable, sharing one colour legend in which component
 * j is `j` in its colour. Components below `minWeight` are left out per frame as in {@link mixtureSpec}.
 *
 * Throws a {@link PlotArgumentError} when `frames` is empty, or naming the frame's argument (e.g.
 * `frames[2].components[1].cov`) as {@link mixtureSpec} does.
 *
 * @example
 * const spec = mixtureStripSpec(
 *   [0, 2, 10].map((t) => ({ title: `iteration ${t}`, points: data, labels: labelsAt[t], components: fitAt[t] })),
 *   { title: 'EM on three clusters' },
 * );
 */
export function mixtureStripSpec(
  frames: readonly MixtureFrame[],
  options: MixtureStripOptions = {},
): TopLevelSpec {
  const fn = 'mixtureStripSpec';
  const { title, xTitle = 'x1', yTitle = 'x2', panelWidth = 220, panelHeight = 220 } = options;
  if (frames.length === 0)
    throw new PlotArgumentError(`${fn}: argument 'frames' must hold at least one frame`);
  const opts = resolveOptions(options, fn);
  const panels = frames.map((f, t) => panelData(f.points, f.labels, f.components, opts, `frames[${t}]`, fn));
  const all = panels.flatMap((p) => [...p.dots, ...p.lines, ...p.means]);
  const domains = equalUnitDomains(
    all.map((p) => p.x),
    all.map((p) => p.y),
    panelWidth,
    panelHeight,
  );
  const k = Math.max(...frames.map((f) => f.components.length));
  const shown = Array.from({ length: k }, (_, j) => panels.some((p) => p.shown[j] === true));
  const colour = colourEncoding(
    shown,
    shown.map((_, j) => String(j)),
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title: { text: title, anchor: 'start', fontSize: 15 } }),
    hconcat: panels.map((panel, t) => ({
      title: frames[t].title,
      width: panelWidth,
      height: panelHeight,
      layer: layers(panel, domains, [xTitle, yTitle], colour, opts.sigmas),
    })),
    resolve: { scale: { color: 'shared', strokeDash: 'shared', x: 'independent', y: 'independent' } },
    config: {
      ...CONFIG,
      axis: { ...CONFIG.axis, labelFontSize: 10, titleFontSize: 12 },
      concat: { spacing: 16 },
    },
  } as TopLevelSpec;
}
