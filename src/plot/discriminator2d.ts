/**
 * The picture of a GAN on 2-D data: the discriminator's D(x) as a heatmap under the real and the generated points,
 * with arrows along which the generator's gradient moves its points.
 */
import type { TopLevelSpec } from './figure.js';
import { checkRange, PlotArgumentError } from './errors.js';
import { VEGA_LITE_SCHEMA } from './scales.js';

/** A discriminator's D(x) at the centres of a regular grid of cells (the layout of `DensityGrid`). */
export interface DiscriminatorGrid {
  /** The cells' centre x coordinates, increasing and evenly spaced, at least 2. */
  xs: Float64Array;
  /** The cells' centre y coordinates, increasing and evenly spaced, at least 2. */
  ys: Float64Array;
  /**
   * `ys.length * xs.length` values in [0, 1], row by row from the bottom: D(xs[i], ys[j]) is at
   * `j * xs.length + i`. NaN marks a missing value; its cell is left blank.
   */
  values: Float64Array;
}

/** One heatmap of {@link discriminatorSpec}: a title and D on a grid. */
export interface DiscriminatorPanel {
  /** The panel's title, e.g. 'learned D(x)' or 'optimal D*(x) = p / (p + q)'. */
  title: string;
  /** D(x) on a grid. */
  grid: DiscriminatorGrid;
}

/** Options of {@link discriminatorSpec}. */
export interface DiscriminatorSpecOptions {
  /** One or more heatmaps, drawn side by side in this order. */
  panels: readonly DiscriminatorPanel[];
  /** Real points, `n * 2` values (x, y of each point), drawn on every panel. */
  real: ArrayLike<number>;
  /** Generated points, `m * 2` values, drawn on every panel. */
  fake: ArrayLike<number>;
  /**
   * The arrows' end points, `m * 2` values: an arrow goes from `fake[i]` to `to[i]`; none where they are equal.
   * Default no arrows.
   */
  arrows?: { to: ArrayLike<number> };
  /** Chart title. */
  title: string;
  /** The square every panel shows, [lo, hi] on both axes. */
  range: readonly [number, number];
  /** Panel width and height in chart units. Default 300. */
  size?: number;
}

/** Colours of the two kinds of points and of the arrows; they stand out against both ends of `blueorange`. */
const REAL_COLOUR = '#111111';
const FAKE_COLOUR = '#d0109a';
const ARROW_COLOUR = '#5e0a4a';

function checkPoints(points: ArrayLike<number>, name: string, fn: string): void {
  if (points.length % 2 !== 0)
    throw new PlotArgumentError(`${fn}: option '${name}' must hold n * 2 values, got ${points.length}`);
}

function checkGrid({ xs, ys, values }: DiscriminatorGrid, name: string, fn: string): void {
  if (xs.length < 2 || ys.length < 2)
    throw new PlotArgumentError(
      `${fn}: option '${name}' must have at least 2 cells per axis, got ${xs.length} x ${ys.length}`,
    );
  if (!(xs[1] > xs[0]) || !(ys[1] > ys[0]))
    throw new PlotArgumentError(`${fn}: option '${name}' must have increasing xs and ys`);
  if (values.length !== xs.length * ys.length)
    throw new PlotArgumentError(
      `${fn}: option '${name}.values' must have xs.length * ys.length = ${xs.length * ys.length} entries, got ${values.length}`,
    );
  const k = values.findIndex((v) => !Number.isNaN(v) && !(v >= 0 && v <= 1));
  if (k >= 0)
    throw new PlotArgumentError(
      `${fn}: option '${name}.values' must lie in [0, 1] (NaN for missing), got ${values[k]} at index ${k}`,
    );
}

function axis(field: string, title: string, range: readonly [number, number]) {
  return {
    field,
    type: 'quantitative' as const,
    title,
    scale: { domain: [...range], nice: false, zero: false },
  };
}

/** The grid's cells as rects, NaN cells left out. */
function heatmapCells({ xs, ys, values }: DiscriminatorGrid) {
  const dx = xs[1] - xs[0];
  const dy = ys[1] - ys[0];
  const cells: Record<'x' | 'y' | 'x0' | 'x1' | 'y0' | 'y1' | 'D' | 'outline', number>[] = [];
  values.forEach((D, k) => {
    if (Number.isNaN(D)) return;
    const x = xs[k % xs.length];
    const y = ys[Math.floor(k / xs.length)];
    cells.push({ x, y, x0: x - dx / 2, x1: x + dx / 2, y0: y - dy / 2, y1: y + dy / 2, D, outline: D });
  });
  return cells;
}

/**
 * A Vega-Lite chart of a GAN's discriminator on 2-D data: one panel per entry of `panels`, side by side, each the
 * heatmap of D(x), the probability the discriminator gives to x being real, on a fixed diverging scale (`blueorange`,
 * domain [0, 1], white at 0.5, legend 'D(x)'), under the real points (dark) and the generated ones (magenta; legend
 * 'real' / 'generated') and, when `arrows` is given, thin arrows from each generated point to where the
 * generator's gradient moves it (a segment with a small triangle at its end).
 *
 * For a fixed generator density q and data density p, the discriminator that wins the game is
 * D*(x) = p(x) / (p(x) + q(x)) (Goodfellow et al., Proposition 1); it is also the density ratio behind GANs read as
 * variational inference with an implicit model, log D* / (1 - D*) = log p / q (Mohamed & Lakshminarayanan). A second
 * panel with D* beside the learned D shows how far the discriminator is from its optimum; where D = 1/2 everywhere,
 * p = q. The arrows point up the slope of D, towards where D says "real".
 *
 * Every panel shows the square `range` x `range` with equal units on both axes, so the arrows' heads point along the
 * arrows; points and cells outside it are clipped. Points with a non-finite coordinate are left out, as are NaN
 * cells. Nothing is subsampled: the spec holds every cell and point, so the caller keeps grids (about 100 x 100)
 * and point counts (a few thousand) small enough to render.
 *
 * Throws a {@link PlotArgumentError} naming the option when `panels` is empty, a grid has fewer than 2 cells per
 * axis or `values` of the wrong length or outside [0, 1], `real`, `fake` or `arrows.to` has an odd length,
 * `arrows.to` is not as long as `fake`, `range` is not a finite [lo, hi] with lo < hi, or `size` is not positive.
 *
 * References: Goodfellow et al., Generative Adversarial Nets (2014), https://arxiv.org/abs/1406.2661; Mohamed and
 * Lakshminarayanan, Learning in Implicit Generative Models (2016), https://arxiv.org/abs/1610.03483.
 *
 * @example
 * const spec = discriminatorSpec({
 *   panels: [
 *     { title: 'learned D(x)', grid: { xs, ys, values: learnedD } },
 *     { title: 'optimal D*(x) = p / (p + q)', grid: { xs, ys, values: optimalD } },
 *   ],
 *   real: realPoints, // n * 2 values
 *   fake: generated, // m * 2 values
 *   arrows: { to: generated.map((v, i) => v + step[i]) },
 *   title: 'non-saturating GAN on moons',
 *   range: [-2, 2],
 * });
 * await writeFigure('discriminator.png', chartFigure(spec));
 */
export function discriminatorSpec(options: DiscriminatorSpecOptions): TopLevelSpec {
  const fn = 'discriminatorSpec';
  const { panels, real, fake, arrows, title, range, size = 300 } = options;
  if (panels.length === 0) throw new PlotArgumentError(`${fn}: option 'panels' must hold at least one panel`);
  panels.forEach((p, i) => checkGrid(p.grid, `panels[${i}].grid`, fn));
  checkPoints(real, 'real', fn);
  checkPoints(fake, 'fake', fn);
  if (arrows !== undefined && arrows.to.length !== fake.length)
    throw new PlotArgumentError(
      `${fn}: option 'arrows.to' must have the length of 'fake' = ${fake.length} entries, got ${arrows.to.length}`,
    );
  checkRange(range, 'range', fn);
  if (!Number.isFinite(size) || !(size > 0))
    throw new PlotArgumentError(`${fn}: option 'size' must be a positive number, got ${size}`);

  const points: { x: number; y: number; kind: 'real' | 'generated' }[] = [];
  const add = (values: ArrayLike<number>, kind: 'real' | 'generated') => {
    for (let i = 0; i < values.length; i += 2)
      if (Number.isFinite(values[i]) && Number.isFinite(values[i + 1]))
        points.push({ x: values[i], y: values[i + 1], kind });
  };
  add(real, 'real');
  add(fake, 'generated');
  const segments: { x: number; y: number; x2: number; y2: number; angle: number }[] = [];
  if (arrows !== undefined)
    for (let i = 0; i < fake.length; i += 2) {
      const [x, y, x2, y2] = [fake[i], fake[i + 1], arrows.to[i], arrows.to[i + 1]];
      if (![x, y, x2, y2].every(Number.isFinite) || (x === x2 && y === y2)) continue;
      // Degrees clockwise from up, the rotation that turns 'triangle-up' along the arrow (equal units on both axes).
      segments.push({ x, y, x2, y2, angle: (Math.atan2(x2 - x, y2 - y) * 180) / Math.PI });
    }

  const dScale = { type: 'linear', scheme: 'blueorange', domain: [0, 1], domainMid: 0.5, clamp: true };
  const x = axis('x', 'x1', range);
  const y = axis('y', 'x2', range);
  const layers = (grid: DiscriminatorGrid) => [
    {
      data: { values: heatmapCells(grid) },
      // A thin outline in the cell's own colour: abutting anti-aliased rects would leave light seams between cells.
      mark: { type: 'rect', clip: true, strokeWidth: 0.5 },
      encoding: {
        x: axis('x0', 'x1', range),
        x2: { field: 'x1' },
        y: axis('y0', 'x2', range),
        y2: { field: 'y1' },
        fill: { field: 'D', type: 'quantitative', title: 'D(x)', scale: dScale },
        // The same values under another name: under the same one, Vega-Lite merges the legends and drops both.
        stroke: { field: 'outline', type: 'quantitative', scale: dScale, legend: null },
      },
    },
    {
      data: { name: 'points' },
      mark: { type: 'circle', size: 10, opacity: 0.75, clip: true },
      encoding: {
        x,
        y,
        color: {
          field: 'kind',
          type: 'nominal',
          title: 'points',
          scale: { domain: ['real', 'generated'], range: [REAL_COLOUR, FAKE_COLOUR] },
          legend: { symbolOpacity: 1, symbolSize: 60 },
        },
      },
    },
    ...(segments.length === 0
      ? []
      : [
          {
            data: { name: 'arrows' },
            mark: { type: 'rule', strokeWidth: 0.8, color: ARROW_COLOUR, clip: true },
            encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } },
          },
          {
            data: { name: 'arrows' },
            mark: {
              type: 'point',
              shape: 'triangle-up',
              filled: true,
              size: 12,
              color: ARROW_COLOUR,
              clip: true,
            },
            encoding: {
              x: { ...x, field: 'x2' },
              y: { ...y, field: 'y2' },
              angle: { field: 'angle', type: 'quantitative', scale: null },
            },
          },
        ]),
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, anchor: 'start', fontSize: 15 },
    datasets: { points, arrows: segments },
    hconcat: panels.map((p) => ({ title: p.title, width: size, height: size, layer: layers(p.grid) })),
    resolve: {
      scale: { fill: 'shared', stroke: 'shared', color: 'shared', x: 'independent', y: 'independent' },
    },
    config: {
      axis: { titleFontSize: 12, labelFontSize: 10, grid: false },
      title: { fontSize: 13 },
      legend: { gradientLength: Math.max(size - 80, 40), titleFontSize: 12 },
      concat: { spacing: 24 },
    },
  } as TopLevelSpec;
}
