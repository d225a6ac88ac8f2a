/**
 * Pictures of 2-D densities and of the flows that make them: a density on a grid (and its integral, the check
 * that a flow's density is normalised), the learned density beside the true one with a scatter of samples, and a
 * grid of lines pushed through a flow one layer at a time.
 */
import type { TopLevelSpec } from './figure.js';
import { checkInteger, checkLength, checkRange, PlotArgumentError } from './errors.js';
import { finiteExtent, VEGA_LITE_SCHEMA } from './scales.js';

/** A log-density evaluated at the centres of a regular grid of cells; see {@link densityGrid}. */
export interface DensityGrid {
  /** The cells' centre x coordinates, increasing and evenly spaced. */
  xs: Float64Array;
  /** The cells' centre y coordinates, increasing and evenly spaced. */
  ys: Float64Array;
  /** `ys.length * xs.length` log-densities, row by row: the value at (xs[i], ys[j]) is at `j * xs.length + i`. */
  logDensity: Float64Array;
}

/** Options of {@link densityGrid}. */
export interface DensityGridOptions {
  /** The horizontal extent [lo, hi] of the grid. */
  xRange: readonly [number, number];
  /** The vertical extent [lo, hi]. */
  yRange: readonly [number, number];
  /** The number of cells per axis. Default 120. */
  resolution?: number;
}

/** The centres of `count` equal cells covering [lo, hi]. */
function cellCentres([lo, hi]: readonly [number, number], count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / count);
}

/**
 * `logDensity` at the centres of a `resolution x resolution` grid of equal cells covering `xRange x yRange`, called
 * once with all the points (`n * 2` coordinates, row by row from the bottom: y = ys[0] first, x increasing).
 *
 * @example
 * const grid = densityGrid(toy2dLogDensity('moons')!, { xRange: [-1.5, 2.5], yRange: [-1, 1.5] });
 * integrateDensity2d(grid); // about 1
 */
export function densityGrid(
  logDensity: (points: Float64Array) => Float64Array,
  { xRange, yRange, resolution = 120 }: DensityGridOptions,
): DensityGrid {
  const fn = 'densityGrid';
  checkRange(xRange, 'xRange', fn);
  checkRange(yRange, 'yRange', fn);
  checkInteger(resolution, 'resolution', fn, 2);
  const xs = cellCentres(xRange, resolution);
  const ys = cellCentres(yRange, resolution);
  const points = new Float64Array(2 * resolution * resolution);
  for (let j = 0; j < resolution; j++)
    for (let i = 0; i < resolution; i++) points.set([xs[i], ys[j]], 2 * (j * resolution + i));
  const values = logDensity(points);
  checkLength(values, resolution * resolution, 'logDensity', fn, 'one value per grid point, resolution^2');
  return { xs, ys, logDensity: Float64Array.from(values) };
}

/** A grid's cell widths and outer edges. */
function gridGeometry({ xs, ys, logDensity }: DensityGrid, fn: string) {
  if (xs.length < 2 || ys.length < 2)
    throw new PlotArgumentError(`${fn}: argument 'grid' must have at least 2 cells per axis`);
  checkLength(logDensity, xs.length * ys.length, 'grid.logDensity', fn, 'xs.length * ys.length');
  const dx = xs[1] - xs[0];
  const dy = ys[1] - ys[0];
  return {
    dx,
    dy,
    xRange: [xs[0] - dx / 2, xs[xs.length - 1] + dx / 2] as const,
    yRange: [ys[0] - dy / 2, ys[ys.length - 1] + dy / 2] as const,
  };
}

/**
 * The integral of exp(logDensity) over the grid by the midpoint rule, sum exp(l) dx dy: close to 1 for a
 * normalised density whose mass lies inside the grid (the midpoint rule is exponentially accurate for smooth
 * densities sampled finer than their features). -Infinity counts as 0, a NaN makes the result NaN.
 *
 * @example
 * integrateDensity2d(densityGrid(flowLogProb, { xRange: [-4, 4], yRange: [-4, 4] })); // 0.998 for a good flow
 */
export function integrateDensity2d(grid: DensityGrid): number {
  const { dx, dy } = gridGeometry(grid, 'integrateDensity2d');
  let sum = 0;
  for (const l of grid.logDensity) sum += Math.exp(l);
  return sum * dx * dy;
}

/** Options of {@link densityComparisonSpec}. */
export interface DensityComparisonOptions {
  /** The learned density on a grid, drawn as a heatmap, or null for none. */
  learned: DensityGrid | null;
  /** The true density on the same grid, drawn beside it, or null when unknown. */
  truth: DensityGrid | null;
  /** Model samples (`n * 2` values: x, y of each point) drawn as a scatter, or null for none. */
  samples: ArrayLike<number> | null;
  /** Chart title. Default none. */
  title?: string;
  /**
   * The square shown by every panel, [lo, hi] on both axes. Default: the grid's extent (learned, else truth), else
   * the samples' extent.
   */
  range?: readonly [number, number];
  /** Panel width and height in chart units. Default 260. */
  size?: number;
}

function axis(field: string, title: string, domain: readonly [number, number]) {
  return {
    field,
    type: 'quantitative' as const,
    title,
    scale: { domain: [...domain], nice: false, zero: false },
  };
}

function heatmapPanel(
  grid: DensityGrid,
  title: string,
  domain: { x: readonly [number, number]; y: readonly [number, number] },
  size: number,
  maxDensity: number,
) {
  const { dx, dy } = gridGeometry(grid, 'densityComparisonSpec');
  const colour = {
    field: 'density',
    type: 'quantitative' as const,
    scale: { scheme: 'viridis', domain: [0, maxDensity], clamp: true },
  };
  const values = Array.from(grid.logDensity, (l, k) => {
    const x = grid.xs[k % grid.xs.length];
    const y = grid.ys[Math.floor(k / grid.xs.length)];
    const density = Math.exp(l);
    return {
      x0: x - dx / 2,
      x1: x + dx / 2,
      y0: y - dy / 2,
      y1: y + dy / 2,
      density: Number.isNaN(density) ? 0 : density,
      outline: Number.isNaN(density) ? 0 : density,
    };
  });
  return {
    title,
    width: size,
    height: size,
    data: { values },
    // A thin outline in the cell's own colour: abutting anti-aliased rects would leave light seams between cells.
    mark: { type: 'rect' as const, clip: true, strokeWidth: 0.5 },
    encoding: {
      x: axis('x0', 'x1', domain.x),
      x2: { field: 'x1' },
      y: axis('y0', 'x2', domain.y),
      y2: { field: 'y1' },
      color: { ...colour, title: 'density' },
      // The same values under another name, so that Vega-Lite keeps the colour legend and drops this one.
      stroke: { ...colour, field: 'outline', legend: null },
    },
  };
}

/**
 * A Vega-Lite chart comparing a learned 2-D density with the truth: side by side, the learned density as a heatmap
 * ('learned density', viridis, exp of the log-density), the true density beside it ('true density', when given,
 * sharing the learned one's colour scale, from 0 to the largest density of the two, so that equal colours mean
 * equal densities), and a scatter of model samples
 * ('samples'). Every panel shows the same square. Panels with a null argument are left out.
 *
 * Throws a {@link PlotArgumentError} when there is nothing to draw, or `samples` has an odd length.
 *
 * @example
 * const grid = { xRange: [-4, 4], yRange: [-4, 4] } as const;
 * const spec = densityComparisonSpec({
 *   learned: densityGrid(flowLogProb, grid),
 *   truth: densityGrid(toy2dLogDensity('moons')!, grid),
 *   samples: flowSamples,
 *   title: 'RealNVP on moons',
 * });
 */
export function densityComparisonSpec(options: DensityComparisonOptions): TopLevelSpec {
  const fn = 'densityComparisonSpec';
  const { learned, truth, samples, title, size = 260 } = options;
  if (learned === null && truth === null && samples === null)
    throw new PlotArgumentError(
      `${fn}: arguments 'learned', 'truth' and 'samples' are all null: nothing to draw`,
    );
  if (samples !== null && samples.length % 2 !== 0)
    throw new PlotArgumentError(`${fn}: argument 'samples' must hold n * 2 values, got ${samples.length}`);
  const grid = learned ?? truth;
  let domain: { x: readonly [number, number]; y: readonly [number, number] };
  if (options.range !== undefined) {
    checkRange(options.range, 'range', fn);
    domain = { x: options.range, y: options.range };
  } else if (grid !== null) {
    const { xRange, yRange } = gridGeometry(grid, fn);
    domain = { x: xRange, y: yRange };
  } else {
    const [lo, hi] = finiteExtent(Array.from(samples ?? [])) ?? [-1, 1];
    const pad = 0.05 * (hi - lo) || 1;
    domain = { x: [lo - pad, hi + pad], y: [lo - pad, hi + pad] };
  }
  const panels: object[] = [];
  const grids = [learned, truth].filter((g): g is DensityGrid => g !== null);
  const maxDensity = Math.exp(finiteExtent(grids.flatMap((g) => Array.from(g.logDensity)))?.[1] ?? 0) || 1;
  if (learned !== null) panels.push(heatmapPanel(learned, 'learned density', domain, size, maxDensity));
  if (truth !== null) panels.push(heatmapPanel(truth, 'true density', domain, size, maxDensity));
  if (samples !== null) {
    const values = Array.from({ length: samples.length / 2 }, (_, i) => ({
      x: samples[2 * i],
      y: samples[2 * i + 1],
    }));
    panels.push({
      title: 'samples',
      width: size,
      height: size,
      data: { values },
      mark: { type: 'circle', size: 6, opacity: 0.5, color: '#3b528b', clip: true },
      encoding: { x: axis('x', 'x1', domain.x), y: axis('y', 'x2', domain.y) },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title: { text: title, anchor: 'start', fontSize: 15 } }),
    hconcat: panels,
    resolve: { scale: { color: 'shared', x: 'independent', y: 'independent' } },
    config: {
      axis: { titleFontSize: 12, labelFontSize: 10, grid: false },
      title: { fontSize: 13 },
      legend: { gradientLength: size - 20, titleFontSize: 12 },
      concat: { spacing: 24 },
    },
  } as TopLevelSpec;
}

/**
 * The points of a square grid of lines over [lo, hi]^2, as `2 * lines * pointsPerLine * 2` values (x, y of each
 * point), in the order {@link gridWarpSpec} expects: first the `lines` horizontal lines (y = const, from y = lo up
 * to y = hi), each as `pointsPerLine` points from x = lo to x = hi; then the `lines` vertical lines (x = const, from
 * x = lo to hi), each from y = lo to y = hi. Line values are evenly spaced, ends included.
 *
 * @example
 * const z = makeGridLines([-2.5, 2.5], 15, 60); // 1800 points, 3600 values: push them through a flow's layers
 */
export function makeGridLines(
  range: readonly [number, number],
  lines: number,
  pointsPerLine: number,
): Float32Array {
  const fn = 'makeGridLines';
  checkRange(range, 'range', fn);
  checkInteger(lines, 'lines', fn, 2);
  checkInteger(pointsPerLine, 'pointsPerLine', fn, 2);
  const [lo, hi] = range;
  const at = (k: number, count: number) => lo + (k * (hi - lo)) / (count - 1);
  const out = new Float32Array(4 * lines * pointsPerLine);
  for (let l = 0; l < lines; l++)
    for (let k = 0; k < pointsPerLine; k++) {
      const h = 2 * (l * pointsPerLine + k);
      const v = 2 * ((lines + l) * pointsPerLine + k);
      out.set([at(k, pointsPerLine), at(l, lines)], h);
      out.set([at(l, lines), at(k, pointsPerLine)], v);
    }
  return out;
}

/** Options of {@link gridWarpSpec}. */
export interface GridWarpOptions {
  /** The number of lines per axis the grid was made with ({@link makeGridLines}'s `lines`). */
  lines: number;
  /** One title per stage. Default 'z', 'after layer 1', ..., 'x'. */
  stageTitles?: readonly string[];
  /** Chart title. Default none. */
  title?: string;
  /** Panels per row. Default min(number of stages, 5). */
  columns?: number;
  /** Panel width and height in chart units. Default 200. */
  size?: number;
}

/**
 * A Vega-Lite chart of how a flow bends space: small multiples, one panel per stage (the grid z, then the same
 * points after each layer, then x), each drawing the grid's lines through the moved points (line marks, one
 * `detail` group per line, in the order of {@link makeGridLines}). Lines that were horizontal in z are blue, those
 * that were vertical are red. Each panel has its own square extent (the stages live in different spaces) with equal
 * units on both axes, so shapes are not distorted. Non-finite points are left out.
 *
 * Throws a {@link PlotArgumentError} when `stages` is empty, a stage does not hold the grid's `2 * lines * k * 2`
 * values, or `stageTitles` has the wrong length.
 *
 * @example
 * const z = makeGridLines([-2.5, 2.5], 15, 60);
 * const spec = gridWarpSpec([z, afterLayer1, x], { lines: 15, stageTitles: ['z', 'after layer 1', 'x'] });
 */
export function gridWarpSpec(stages: readonly ArrayLike<number>[], options: GridWarpOptions): TopLevelSpec {
  const fn = 'gridWarpSpec';
  const { lines, title, size = 200 } = options;
  if (stages.length === 0)
    throw new PlotArgumentError(`${fn}: argument 'stages' must hold at least one stage`);
  checkInteger(lines, 'lines', fn, 1);
  const total = stages[0].length;
  if (total % (4 * lines) !== 0 || total === 0)
    throw new PlotArgumentError(
      `${fn}: argument 'stages' must hold 2 * lines * pointsPerLine * 2 values per stage (lines = ${lines}), got ${total}`,
    );
  const perLine = total / (4 * lines);
  stages.forEach((s, i) => checkLength(s, total, `stages[${i}]`, fn, 'the length of stages[0]'));
  const last = stages.length - 1;
  const stageTitles =
    options.stageTitles ?? stages.map((_, i) => (i === 0 ? 'z' : i === last ? 'x' : `after layer ${i}`));
  checkLength(
    Array.from(stageTitles, () => 0),
    stages.length,
    'stageTitles',
    fn,
    'one per stage',
  );
  const panels = stages.map((stage, s) => {
    const values: { x: number; y: number; line: number; k: number; family: string }[] = [];
    for (let p = 0; p < total / 2; p++) {
      const [x, y] = [stage[2 * p], stage[2 * p + 1]];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const line = Math.floor(p / perLine);
      values.push({ x, y, line, k: p % perLine, family: line < lines ? 'z2 = const' : 'z1 = const' });
    }
    const [x0, x1] = finiteExtent(values.map((v) => v.x)) ?? [-1, 1];
    const [y0, y1] = finiteExtent(values.map((v) => v.y)) ?? [-1, 1];
    const half = 0.55 * Math.max(x1 - x0, y1 - y0, 1e-6);
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    return {
      title: stageTitles[s],
      width: size,
      height: size,
      data: { values },
      mark: { type: 'line' as const, strokeWidth: 1, opacity: 0.85, clip: true },
      encoding: {
        x: axis('x', '', [cx - half, cx + half]),
        y: axis('y', '', [cy - half, cy + half]),
        detail: { field: 'line', type: 'nominal' as const },
        order: { field: 'k', type: 'quantitative' as const },
        color: {
          field: 'family',
          type: 'nominal' as const,
          title: 'grid line',
          scale: { domain: ['z2 = const', 'z1 = const'], range: ['#1f77b4', '#d62728'] },
          legend: { orient: 'bottom' as const, direction: 'horizontal' as const },
        },
      },
    };
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title === undefined ? {} : { title: { text: title, anchor: 'start', fontSize: 15 } }),
    columns: options.columns ?? Math.min(stages.length, 5),
    concat: panels,
    resolve: { scale: { x: 'independent', y: 'independent', color: 'shared' } },
    config: {
      axis: { labelFontSize: 10, grid: false, tickCount: 5 },
      title: { fontSize: 13 },
      concat: { spacing: 20 },
    },
  };
}
