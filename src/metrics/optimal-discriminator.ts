/**
 * The optimal GAN discriminator between two known 2-D densities on a grid, and how far a trained one is from it:
 * D*(x) = p(x) / (p(x) + q(x)), the Jensen-Shannon divergence it measures, the value V(G, D) of any discriminator,
 * and its distance from D*. For toy data with a known density (`toy2dLogDensity`) and a generator whose density is
 * known or estimated, these say whether the discriminator has learned what the theory says it should.
 *
 * References: I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, https://arxiv.org/abs/1406.2661
 * (Proposition 1: D*_G = p_data / (p_data + p_g); Theorem 1: V(G, D*_G) = -log 4 + 2 JSD(p_data || p_g)).
 */
import { checkIntegerOption, MetricArgumentError } from './errors.js';

/** A log-density of 2-D points: `n * 2` coordinates in, `n` natural-log densities out (as `toy2dLogDensity`). */
export type LogDensityFunction = (points: Float64Array) => ArrayLike<number>;

/** Options of {@link optimalDiscriminator}. */
export interface OptimalDiscriminatorOptions {
  /** log p, the density D should call real (the data). */
  logP: LogDensityFunction;
  /** log q, the density D should call fake (the generator). */
  logQ: LogDensityFunction;
  /** The square [lo, hi]^2 covered by the grid. */
  range: readonly [number, number];
  /** The number of cells per axis. Default 200. */
  resolution?: number;
}

/**
 * Two densities and their optimal discriminator at the centres of a regular grid of cells (the layout of
 * `densityGrid` and of `discriminatorSpec`'s grids): the value at (xs[i], ys[j]) is at `j * xs.length + i`.
 */
export interface OptimalDiscriminatorGrid {
  /** The cells' centre x coordinates, increasing and evenly spaced. */
  xs: Float64Array;
  /** The cells' centre y coordinates (the same as `xs`: the grid is square). */
  ys: Float64Array;
  /** The cell centres, `2 * xs.length * ys.length` values, row by row from the bottom (y outer, x inner). */
  points: Float64Array;
  /** log p at each cell centre. */
  logP: Float64Array;
  /** log q at each cell centre. */
  logQ: Float64Array;
  /** p at each cell centre (a density, not a cell's mass). */
  p: Float64Array;
  /** q at each cell centre. */
  q: Float64Array;
  /** D*(x) = p / (p + q) = sigmoid(log p - log q); 1/2 where p = q = 0, where any D is optimal. */
  dStar: Float64Array;
  /** The logit of D*, log p - log q (+-Infinity where one density is 0; 0 where both are). */
  dStarLogit: Float64Array;
  /** JSD(p || q) in nats, by the midpoint rule over the grid; in [0, log 2] when the grid holds both masses. */
  jsd: number;
  /** The mass of p inside the grid, sum p dA: below 1 by what the grid cuts off (or by the quadrature error). */
  massP: number;
  /** The mass of q inside the grid. */
  massQ: number;
  /** The area dA of one cell. */
  cellArea: number;
}

/** log(1 + e^x) without overflow or loss for large |x|; Infinity at Infinity, 0 at -Infinity. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** 1 / (1 + e^-x) without overflow: 0 at -Infinity, 1 at Infinity. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The logit of D* = p / (p + q): log p - log q, with 0 where both are -Infinity (p = q = 0, where D* is taken as
 * 1/2).
 */
export function optimalLogit(lp: number, lq: number): number {
  return lp === -Infinity && lq === -Infinity ? 0 : lp - lq;
}

/** `w * l`, with 0 where the weight is 0 whatever l is (0 log 0 = 0: a cell without mass adds nothing). */
function weighted(w: number, l: number): number {
  return w === 0 ? 0 : w * l;
}

function evaluate(f: LogDensityFunction, points: Float64Array, name: string, fn: string): Float64Array {
  const count = points.length / 2;
  const values = Float64Array.from(f(points));
  if (values.length !== count)
    throw new MetricArgumentError(
      `${fn}: argument '${name}' must return one value per grid point, resolution^2 = ${count}, got ${values.length}`,
    );
  const k = values.findIndex((v) => Number.isNaN(v) || v === Infinity);
  if (k >= 0)
    throw new MetricArgumentError(
      `${fn}: argument '${name}' must return log-densities below +Infinity, got ${values[k]} at (${points[2 * k]}, ${points[2 * k + 1]})`,
    );
  return values;
}

/**
 * Evaluates log p and log q at the centres of a `resolution x resolution` grid of equal cells covering
 * `range^2` (each function called once with all the points), and computes there, with natural logs:
 *
 * - D*(x) = p / (p + q) = sigmoid(log p - log q), the discriminator that maximises V(G, D) (Goodfellow et al.,
 *   Proposition 1);
 * - JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m) with m = (p + q) / 2, by the midpoint rule:
 *   sum dA [1/2 p log(2 D*) + 1/2 q log(2 (1 - D*))], with log D* = -softplus(log q - log p) and
 *   log(1 - D*) = -softplus(log p - log q), so that neither tiny densities nor ratios beyond float64 lose it, and
 *   0 log 0 = 0 where a density vanishes;
 * - the masses of p and q inside the grid, so that a caller sees what the range cuts off.
 *
 * The midpoint rule converges exponentially fast for smooth densities on cells finer than their features (a
 * Gaussian of std s on cells of side s is integrated to about 1e-8); choose `resolution` so that
 * (hi - lo) / resolution is at most the smallest std.
 *
 * Throws a {@link MetricArgumentError} for a range that is not finite lo < hi, a resolution that is not an integer
 * >= 2, or a log-density function that returns the wrong number of values, a NaN or +Infinity.
 *
 * @example
 * const grid = optimalDiscriminator({
 *   logP: toy2dLogDensity('ring8')!,
 *   logQ: generatorLogProb,
 *   range: [-3, 3],
 *   resolution: 300,
 * });
 * grid.jsd; // in [0, log 2]
 * discriminatorValue(grid, grid.dStar); // -log 4 + 2 grid.jsd
 * discriminatorDistance(grid, learnedD); // E_{(p+q)/2} |D - D*|, 0 for the optimum
 */
export function optimalDiscriminator({
  logP,
  logQ,
  range,
  resolution = 200,
}: OptimalDiscriminatorOptions): OptimalDiscriminatorGrid {
  const fn = 'optimalDiscriminator';
  if (typeof logP !== 'function' || typeof logQ !== 'function')
    throw new MetricArgumentError(`${fn}: arguments 'logP' and 'logQ' must be log-density functions`);
  if (
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    !(range[0] < range[1])
  )
    throw new MetricArgumentError(
      `${fn}: option 'range' must be [lo, hi] with finite lo < hi, got [${Array.from(range).join(', ')}]`,
    );
  checkIntegerOption(resolution, 'resolution', fn, 2);
  const [lo, hi] = range;
  const h = (hi - lo) / resolution;
  const xs = Float64Array.from({ length: resolution }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / resolution);
  const ys = Float64Array.from(xs);
  const cells = resolution * resolution;
  const points = new Float64Array(2 * cells);
  for (let j = 0; j < resolution; j++)
    for (let i = 0; i < resolution; i++) {
      points[2 * (j * resolution + i)] = xs[i];
      points[2 * (j * resolution + i) + 1] = ys[j];
    }
  const lp = evaluate(logP, points, 'logP', fn);
  const lq = evaluate(logQ, points, 'logQ', fn);
  const cellArea = h * h;
  const p = lp.map(Math.exp);
  const q = lq.map(Math.exp);
  const dStarLogit = new Float64Array(cells);
  const dStar = new Float64Array(cells);
  let [jsd, massP, massQ] = [0, 0, 0];
  for (let k = 0; k < cells; k++) {
    const s = optimalLogit(lp[k], lq[k]);
    dStarLogit[k] = s;
    dStar[k] = sigmoid(s);
    jsd += 0.5 * (weighted(p[k], Math.LN2 - softplus(-s)) + weighted(q[k], Math.LN2 - softplus(s)));
    massP += p[k];
    massQ += q[k];
  }
  return {
    xs,
    ys,
    points,
    logP: lp,
    logQ: lq,
    p,
    q,
    dStar,
    dStarLogit,
    jsd: jsd * cellArea,
    massP: massP * cellArea,
    massQ: massQ * cellArea,
    cellArea,
  };
}

/** Options of {@link discriminatorValue} and {@link discriminatorDistance}. */
export interface DiscriminatorValuesOptions {
  /**
   * Whether `d` holds logits l (D = sigmoid(l), any real or +-Infinity) instead of probabilities in [0, 1]. Logits
   * keep log D and log(1 - D) exact where D rounds to 0 or 1. Default false.
   */
  logits?: boolean;
}

/** log D and log(1 - D) of each cell from `d`, after checking it against the grid. */
function logD(grid: OptimalDiscriminatorGrid, d: ArrayLike<number>, logits: boolean, fn: string) {
  const cells = grid.p.length;
  if (grid.q.length !== cells || grid.dStar.length !== cells)
    throw new MetricArgumentError(`${fn}: argument 'grid' must have p, q and dStar of equal lengths`);
  if (d.length !== cells)
    throw new MetricArgumentError(
      `${fn}: argument 'd' must have one value per grid cell, ${cells}, got ${d.length}`,
    );
  for (let k = 0; k < cells; k++) {
    const v = d[k];
    if (logits ? Number.isNaN(v) : !(v >= 0 && v <= 1))
      throw new MetricArgumentError(
        `${fn}: argument 'd' must hold ${logits ? 'logits (not NaN)' : 'values in [0, 1]'}, got ${v} at index ${k}`,
      );
  }
  return {
    logReal: (k: number) => (logits ? -softplus(-d[k]) : Math.log(d[k])),
    logFake: (k: number) => (logits ? -softplus(d[k]) : Math.log1p(-d[k])),
    value: (k: number) => (logits ? sigmoid(d[k]) : d[k]),
  };
}

/**
 * The GAN value V(G, D) = E_p[log D] + E_q[log(1 - D)] of a discriminator given on `grid`'s cells (probabilities
 * D(x), or logits with `{ logits: true }`), by the midpoint rule: sum dA [p log D + q log(1 - D)], natural logs,
 * with 0 log 0 = 0. The optimal discriminator gives -log 4 + 2 JSD(p || q) (Goodfellow et al., Theorem 1), the
 * largest value of any D; -Infinity when D is 0 where p > 0 or 1 where q > 0.
 *
 * Throws a {@link MetricArgumentError} when `d` does not have one value per cell or holds a value outside [0, 1]
 * (NaN for logits).
 *
 * @example
 * discriminatorValue(grid, grid.dStarLogit, { logits: true }); // -log 4 + 2 grid.jsd
 * discriminatorValue(grid, new Float64Array(grid.p.length).fill(0.5)); // -log 4 (masses 1)
 */
export function discriminatorValue(
  grid: OptimalDiscriminatorGrid,
  d: ArrayLike<number>,
  { logits = false }: DiscriminatorValuesOptions = {},
): number {
  const { logReal, logFake } = logD(grid, d, logits, 'discriminatorValue');
  const { p, q } = grid;
  let sum = 0;
  for (let k = 0; k < p.length; k++) sum += weighted(p[k], logReal(k)) + weighted(q[k], logFake(k));
  return sum * grid.cellArea;
}

/**
 * How far a discriminator is from the optimal one: E_{(p+q)/2} |D - D*| = sum dA (p + q) / 2 |D - D*| over
 * `grid`'s cells (D as probabilities, or logits with `{ logits: true }`). 0 for D*, at most 1 (masses 1); the
 * constant 1/2 gives 1/4 integral |p - q|, half the total variation distance between p and q.
 *
 * Throws a {@link MetricArgumentError} as {@link discriminatorValue} does.
 *
 * @example
 * discriminatorDistance(grid, grid.dStar); // 0
 * discriminatorDistance(grid, learnedD); // e.g. 0.03 for a well-trained discriminator
 */
export function discriminatorDistance(
  grid: OptimalDiscriminatorGrid,
  d: ArrayLike<number>,
  { logits = false }: DiscriminatorValuesOptions = {},
): number {
  const { value } = logD(grid, d, logits, 'discriminatorDistance');
  const { p, q, dStar } = grid;
  let sum = 0;
  for (let k = 0; k < p.length; k++) sum += 0.5 * (p[k] + q[k]) * Math.abs(value(k) - dStar[k]);
  return sum * grid.cellArea;
}
