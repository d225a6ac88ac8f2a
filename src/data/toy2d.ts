/**
 * Toy 2-D densities made in code, the standard test beds of normalizing flows (FFJORD's and normflows' toy sets),
 * each with its true log-density: in closed form for the Gaussian mixtures and the checkerboard, and as a fine 1-D
 * quadrature (curves blurred by Gaussian noise) or a 1-D root search (pinwheel) for the others.
 *
 * References: W. Grathwohl et al., "FFJORD: Free-form Continuous Dynamics for Scalable Reversible Generative
 * Models", ICLR 2019, https://arxiv.org/abs/1810.01367 (lib/toy_data.py); I. Gulrajani et al., "Improved Training
 * of Wasserstein GANs", NeurIPS 2017, https://arxiv.org/abs/1704.00028 (25 Gaussians); L. Metz et al., "Unrolled
 * Generative Adversarial Networks", ICLR 2017, https://arxiv.org/abs/1611.02163 (the ring of 8); A. Srivastava et
 * al., "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning", NeurIPS 2017,
 * https://arxiv.org/abs/1705.07761, and Z. Lin et al., "PacGAN: The power of two samples in generative adversarial
 * networks", NeurIPS 2018, https://arxiv.org/abs/1712.04086 (the grid of 25).
 */
import { Random, resolveSeed } from '../engine/random.js';
import { DataNotFoundError, vectorDataset, type TrainTestSplit, type Dataset } from './dataset.js';

/** The names of the toy 2-D data sets, as `loadDataset` accepts them. */
export const TOY2D_NAMES = [
  'moons',
  '8gaussians',
  '25gaussians',
  'checkerboard',
  'swissroll',
  'circles',
  'pinwheel',
  'ring8',
  'grid25',
] as const;

/** One of {@link TOY2D_NAMES}. */
export type Toy2dName = (typeof TOY2D_NAMES)[number];

/** Whether `name` is one of {@link TOY2D_NAMES}. */
export function isToy2dName(name: string): name is Toy2dName {
  return (TOY2D_NAMES as readonly string[]).includes(name);
}

function checkName(name: string): asserts name is Toy2dName {
  if (!isToy2dName(name))
    throw new DataNotFoundError(
      `unknown 2-D data set '${name}' (expected ${TOY2D_NAMES.slice(0, -1).join(', ')} or ${TOY2D_NAMES.at(-1)})`,
    );
}

const { PI, SQRT2 } = Math;
const MOONS_NOISE = 0.05;
const GAUSS8 = { radius: 4 / SQRT2, sigma: 0.5 / SQRT2 };
const GAUSS25 = { spacing: 1 / SQRT2, sigma: 0.05 / (2 * SQRT2) };
const SWISS = { lo: 1.5 * PI, hi: 4.5 * PI, scale: 5, sigma: 1 / 5 };
const CIRCLES = { outer: 3, inner: 1.5, sigma: 0.24 };
const PINWHEEL = { arms: 5, radialStd: 0.3, tangentialStd: 0.1, rate: 0.25, scale: 2 };
// As the peer gan2d_torch.py's `mixture`: radius 2 with std radius / 100, and the grid {-4, -2, 0, 2, 4}^2.
const RING8 = { radius: 2, sigma: 2 / 100 };
const GRID25 = { spacing: 2, sigma: 0.05 };

/** Equal-weight mixture of N(c_k, sigma^2 I), k = 0..m-1, with c_k = (cx[k], cy[k]). */
interface IsotropicMixture {
  cx: Float64Array;
  cy: Float64Array;
  sigma: number;
}

/** m centres at angles 2 pi k / m on a circle. (2 pi k) / m rounds as FFJORD's (k pi) / 4 for m = 8. */
function ringMixture(m: number, radius: number, sigma: number): IsotropicMixture {
  const angle = (k: number) => (2 * PI * k) / m;
  return {
    cx: Float64Array.from({ length: m }, (_, k) => radius * Math.cos(angle(k))),
    cy: Float64Array.from({ length: m }, (_, k) => radius * Math.sin(angle(k))),
    sigma,
  };
}

/** side^2 centres spacing * (i, j) for i, j centred on 0, k = side i + j (torch.cartesian_prod's order). */
function gridMixture(side: number, spacing: number, sigma: number): IsotropicMixture {
  const offset = (side - 1) / 2;
  return {
    cx: Float64Array.from({ length: side * side }, (_, k) => spacing * (Math.floor(k / side) - offset)),
    cy: Float64Array.from({ length: side * side }, (_, k) => spacing * ((k % side) - offset)),
    sigma,
  };
}

type MixtureName = '8gaussians' | '25gaussians' | 'ring8' | 'grid25';

const MIXTURES: Record<MixtureName, IsotropicMixture> = {
  '8gaussians': ringMixture(8, GAUSS8.radius, GAUSS8.sigma),
  '25gaussians': gridMixture(5, GAUSS25.spacing, GAUSS25.sigma),
  ring8: ringMixture(8, RING8.radius, RING8.sigma),
  grid25: gridMixture(5, GRID25.spacing, GRID25.sigma),
};

/** One point of data set `name` written at `out[2i], out[2i+1]`; the exact definitions are on {@link sampleToy2d}. */
function drawPoint(name: Toy2dName, rng: Random, out: Float32Array, i: number): void {
  let x: number;
  let y: number;
  switch (name) {
    case 'moons': {
      const a = PI * rng.next();
      [x, y] = rng.next() < 0.5 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
      x += MOONS_NOISE * rng.normal();
      y += MOONS_NOISE * rng.normal();
      break;
    }
    case '8gaussians':
    case '25gaussians':
    case 'ring8':
    case 'grid25': {
      const { cx, cy, sigma } = MIXTURES[name];
      const k = rng.int(cx.length);
      x = cx[k] + sigma * rng.normal();
      y = cy[k] + sigma * rng.normal();
      break;
    }
    case 'checkerboard': {
      const x1 = 4 * rng.next() - 2;
      const x2 = rng.next() - 2 * rng.int(2) + (((Math.floor(x1) % 2) + 2) % 2);
      [x, y] = [2 * x1, 2 * x2];
      break;
    }
    case 'swissroll': {
      const t = SWISS.lo + (SWISS.hi - SWISS.lo) * rng.next();
      x = (t * Math.cos(t) + rng.normal()) / SWISS.scale;
      y = (t * Math.sin(t) + rng.normal()) / SWISS.scale;
      break;
    }
    case 'circles': {
      const r = rng.next() < 0.5 ? CIRCLES.outer : CIRCLES.inner;
      const theta = 2 * PI * rng.next();
      x = r * Math.cos(theta) + CIRCLES.sigma * rng.normal();
      y = r * Math.sin(theta) + CIRCLES.sigma * rng.normal();
      break;
    }
    case 'pinwheel': {
      const arm = rng.int(PINWHEEL.arms);
      const f0 = 1 + PINWHEEL.radialStd * rng.normal();
      const f1 = PINWHEEL.tangentialStd * rng.normal();
      const phi = (2 * PI * arm) / PINWHEEL.arms + PINWHEEL.rate * Math.exp(f0);
      x = PINWHEEL.scale * (f0 * Math.cos(phi) + f1 * Math.sin(phi));
      y = PINWHEEL.scale * (-f0 * Math.sin(phi) + f1 * Math.cos(phi));
      break;
    }
  }
  out[2 * i] = x;
  out[2 * i + 1] = y;
}

/**
 * `n` independent draws from toy density `name`, as `n * 2` values (x, y of each point), the same for the same
 * seed. Each point first picks its mixture component (curve, Gaussian, arm) uniformly at random; u ~ U(0, 1),
 * e ~ N(0, 1), all independent:
 *
 * - `moons` (as the peer `flow2d_torch.py`): (cos a, sin a) or (1 - cos a, 0.5 - sin a) with a = pi u, plus
 *   N(0, 0.05^2 I) noise. The peer takes exactly the first half from the upper moon; here each point picks its moon
 *   with probability 1/2 (the same density).
 * - `8gaussians` (FFJORD): N(c_k, (0.5 / sqrt 2)^2 I) with c_k = (4 / sqrt 2) (cos k pi/4, sin k pi/4), k = 0..7
 *   (FFJORD divides by 1.414 instead of sqrt 2). Mean 0, covariance 4.125 I.
 * - `25gaussians` (WGAN-GP): N(c_ij, (0.05 / (2 sqrt 2))^2 I) with c_ij = (i, j) / sqrt 2, i, j = -2..2. Mean 0,
 *   covariance (1 + 1/3200) I.
 * - `checkerboard` (FFJORD): x1 = 4u - 2, x2 = u' - 2b + (floor(x1) mod 2) with b ~ Bernoulli(1/2), times 2: uniform
 *   (density 1/32) on the 8 squares of side 2 in [-4, 4]^2 with floor(x/2) + floor(y/2) even.
 * - `swissroll` (FFJORD, sklearn's `make_swiss_roll(noise=1)` keeping columns 0 and 2): (t cos t + e1, t sin t + e2)
 *   / 5 with t ~ U(1.5 pi, 4.5 pi).
 * - `circles` (FFJORD, sklearn's `make_circles(factor=0.5, noise=0.08)` times 3): radius 3 or 1.5 at angle 2 pi u,
 *   plus N(0, 0.24^2 I) noise. sklearn spaces the angles evenly; here they are random (the same density).
 * - `pinwheel` (FFJORD): f = (1 + 0.3 e, 0.1 e') turned clockwise by phi = 2 pi k / 5 + 0.25 exp(f0) for arm
 *   k = 0..4, times 2: x = 2 (f0 cos phi + f1 sin phi, -f0 sin phi + f1 cos phi). FFJORD gives each arm exactly n/5
 *   points; here the arm is random.
 * - `ring8` (the Unrolled GAN ring, as the peer `gan2d_torch.py`): N(c_k, 0.02^2 I) with c_k = 2 (cos 2 pi k/8,
 *   sin 2 pi k/8), k = 0..7. Mean 0, covariance (2 + 0.0004) I. VEEGAN's and PacGAN's code halve it (radius 1,
 *   std 0.01).
 * - `grid25` (VEEGAN, PacGAN, as the peer `gan2d_torch.py`): N(c_ij, 0.05^2 I) with c_ij = (i, j), i, j in
 *   {-4, -2, 0, 2, 4}. Mean 0, covariance (8 + 0.0025) I.
 *
 * The mixtures of isotropic Gaussians (`8gaussians`, `25gaussians`, `ring8`, `grid25`) give their centres and std
 * through {@link toy2dModes}.
 *
 * Throws a `DataNotFoundError` for an unknown name.
 *
 * @example
 * const x = sampleToy2d('8gaussians', 1000, 0); // Float32Array of 2000 values
 */
export function sampleToy2d(name: string, n: number, seed?: number): Float32Array {
  checkName(name);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`sampleToy2d: argument 'n' must be an integer >= 0, got ${n}`);
  const rng = new Random(resolveSeed(seed));
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) drawPoint(name, rng, out, i);
  return out;
}

/** A log-density of 2-D points: `n * 2` coordinates in, `n` log-densities out. */
export type LogDensity2d = (points: Float64Array) => Float64Array;

/** Apply `f` to each point of `points` (n * 2), with NaN for NaN coordinates and -Infinity at infinity. */
function pointwise(points: Float64Array, f: (x: number, y: number) => number): Float64Array {
  if (points.length % 2 !== 0)
    throw new RangeError(`toy2dLogDensity: argument 'points' must hold n * 2 values, got ${points.length}`);
  const out = new Float64Array(points.length / 2);
  for (let i = 0; i < out.length; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    out[i] = Number.isNaN(x) || Number.isNaN(y) ? NaN : Number.isFinite(x + y) ? f(x, y) : -Infinity;
  }
  return out;
}

/**
 * log (1/m) sum_k N(p; c_k, sigma^2 I), with the largest term factored out so that far points keep a finite log.
 * A curve blurred by noise is this mixture over quadrature nodes of its parameter.
 */
function isotropicMixture(cx: Float64Array, cy: Float64Array, sigma: number): LogDensity2d {
  const m = cx.length;
  const half = 1 / (2 * sigma * sigma);
  const constant = -Math.log(m) - Math.log(2 * PI * sigma * sigma);
  return (points) =>
    pointwise(points, (x, y) => {
      let min = Infinity;
      for (let k = 0; k < m; k++) min = Math.min(min, (x - cx[k]) ** 2 + (y - cy[k]) ** 2);
      // Terms below e^-40 of the largest cannot change the sum in float64: skip their exp.
      const cutoff = min + 40 / half;
      let sum = 0;
      for (let k = 0; k < m; k++) {
        const d2 = (x - cx[k]) ** 2 + (y - cy[k]) ** 2;
        if (d2 < cutoff) sum += Math.exp((min - d2) * half);
      }
      return constant - min * half + Math.log(sum);
    });
}

/** Nodes of the midpoint rule with `count` nodes per unit-weight curve, each curve given as t in [0, 1] -> point. */
function curveNodes(curves: ((t: number) => [number, number])[], count: number) {
  const cx = new Float64Array(curves.length * count);
  const cy = new Float64Array(curves.length * count);
  curves.forEach((curve, c) => {
    for (let j = 0; j < count; j++) [cx[c * count + j], cy[c * count + j]] = curve((j + 0.5) / count);
  });
  return { cx, cy };
}

/**
 * The pinwheel's density by change of variables: for each arm, the radial feature f0 of a point is a root of
 * g(f0) = f0 - (R(phi(f0)) u)_0 with u = x / 2 (|f| = |u|, and g' = 1 + phi'(f0) f1 = the map's Jacobian), found
 * by a scan in steps of 0.01 and bisection. Roots whose tangential feature |f1| > 1 (10 standard deviations) are
 * left out, so points below about e^-50 times the peak density get -Infinity.
 */
function pinwheelLogDensity(points: Float64Array): Float64Array {
  const { arms, radialStd: rs, tangentialStd: ts, rate, scale } = PINWHEEL;
  const constant = -Math.log(arms) - Math.log(2 * PI * rs * ts) - 2 * Math.log(scale);
  return pointwise(points, (x, y) => {
    const u0 = x / scale;
    const u1 = y / scale;
    const r = Math.hypot(u0, u1);
    const a = Math.sqrt(Math.max(0, r * r - 1));
    const terms: number[] = [];
    for (let arm = 0; arm < arms; arm++) {
      const base = (2 * PI * arm) / arms;
      const g = (f0: number) => {
        const phi = base + rate * Math.exp(f0);
        return f0 - (u0 * Math.cos(phi) - u1 * Math.sin(phi));
      };
      // f0 ~ N(1, 0.3^2): [-2, 4] holds all but e^-50 of it; |f0| >= a keeps |f1| <= 1.
      for (const [lo, hi] of [
        [Math.max(-2, -r), Math.min(4, -a)],
        [Math.max(-2, a), Math.min(4, r)],
      ]) {
        const steps = Math.ceil((hi - lo) / 0.01);
        for (let s = 0, left = lo, gl = g(lo); s < steps; s++) {
          const right = lo + ((s + 1) * (hi - lo)) / steps;
          const gr = g(right);
          if (gl === 0 || gl * gr < 0) {
            let [p, q, gp] = [left, right, gl];
            for (let it = 0; it < 40 && gp !== 0; it++) {
              const mid = 0.5 * (p + q);
              const gm = g(mid);
              if (gm * gp <= 0) q = mid;
              else [p, gp] = [mid, gm];
            }
            const f0 = gp === 0 ? p : 0.5 * (p + q);
            const phi = base + rate * Math.exp(f0);
            const f1 = u0 * Math.sin(phi) + u1 * Math.cos(phi);
            const jacobian = Math.abs(1 + rate * Math.exp(f0) * f1);
            terms.push(-0.5 * ((f0 - 1) / rs) ** 2 - 0.5 * (f1 / ts) ** 2 - Math.log(jacobian));
          }
          [left, gl] = [right, gr];
        }
      }
    }
    if (terms.length === 0) return -Infinity;
    const max = Math.max(...terms);
    return constant + max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
  });
}

const densities = new Map<Toy2dName, LogDensity2d>();

function makeLogDensity(name: Toy2dName): LogDensity2d {
  switch (name) {
    case 'moons': {
      const { cx, cy } = curveNodes(
        [(t) => [Math.cos(PI * t), Math.sin(PI * t)], (t) => [1 - Math.cos(PI * t), 0.5 - Math.sin(PI * t)]],
        1000,
      );
      return isotropicMixture(cx, cy, MOONS_NOISE);
    }
    case '8gaussians':
    case '25gaussians':
    case 'ring8':
    case 'grid25': {
      const { cx, cy, sigma } = MIXTURES[name];
      return isotropicMixture(cx, cy, sigma);
    }
    case 'checkerboard':
      return (points) =>
        pointwise(points, (x, y) =>
          x >= -4 && x < 4 && y >= -4 && y < 4 && (Math.floor(x / 2) + Math.floor(y / 2)) % 2 === 0
            ? -Math.log(32)
            : -Infinity,
        );
    case 'swissroll': {
      const { lo, hi, scale } = SWISS;
      const turn = (t: number): [number, number] => {
        const s = lo + (hi - lo) * t;
        return [(s * Math.cos(s)) / scale, (s * Math.sin(s)) / scale];
      };
      const { cx, cy } = curveNodes([turn], 2000);
      return isotropicMixture(cx, cy, SWISS.sigma);
    }
    case 'circles': {
      const ring =
        (r: number) =>
        (t: number): [number, number] => [r * Math.cos(2 * PI * t), r * Math.sin(2 * PI * t)];
      const { cx, cy } = curveNodes([ring(CIRCLES.outer), ring(CIRCLES.inner)], 1000);
      return isotropicMixture(cx, cy, CIRCLES.sigma);
    }
    case 'pinwheel':
      return pinwheelLogDensity;
  }
}

/**
 * The true log-density of toy data set `name` (see {@link sampleToy2d} for the definitions), as a function of
 * `n * 2` coordinates giving `n` values in float64. Exact for the Gaussian mixtures (`8gaussians`, `25gaussians`,
 * `ring8`, `grid25`: log (1/m) sum_k N(x; c_k, sigma^2 I) by log-sum-exp) and `checkerboard` (-Infinity off its
 * squares). `moons`, `swissroll` and `circles` are uniform over a curve blurred by isotropic
 * Gaussian noise, log (1/L) integral N(x; c(t), sigma^2 I) dt: computed by the midpoint rule with nodes far closer
 * than sigma (relative error below 1e-6 away from the curves' ends). `pinwheel` comes from the change of variables
 * through a 1-D root search (see the source). Every name has one; the result type keeps `null` for data sets
 * without a known density.
 *
 * @example
 * const logp = toy2dLogDensity('moons')!;
 * logp(Float64Array.from([0, 1, 1, -0.5])); // [0.2392..., 0.2392...]: both moons' crests
 */
export function toy2dLogDensity(name: string): LogDensity2d | null {
  checkName(name);
  let f = densities.get(name);
  if (f === undefined) densities.set(name, (f = makeLogDensity(name)));
  return f;
}

/** The modes of a mixture of isotropic Gaussians with equal weights. */
export interface MixtureModes {
  /** The centres, K * 2 values (x, y of each mode). */
  centres: Float64Array;
  /** The standard deviation of every coordinate of every component. */
  std: number;
}

/**
 * The mode centres and std of toy data set `name` when it is an equal-weight mixture of isotropic Gaussians
 * (`8gaussians`, `25gaussians`, `ring8`, `grid25`; see {@link sampleToy2d}), in the order of the peer
 * `gan2d_torch.py` for `ring8` (angle 2 pi k / 8) and `grid25` (k = 5 i + j for the centre (2i - 4, 2j - 4)); `null`
 * for the others. A fresh copy on each call. Throws a `DataNotFoundError` for an unknown name.
 *
 * These are the modes that mode-coverage metrics score samples against (see `modeCoverage`). The centres are exact
 * in float64; the peer rounds `ring8`'s to float32 (a change of about 1e-7, far below the std).
 *
 * @example
 * const { centres, std } = toy2dModes('grid25')!; // 50 values, (-4, -4), (-4, -2), ..., (4, 4); std 0.05
 * toy2dModes('moons'); // null
 */
export function toy2dModes(name: string): MixtureModes | null {
  checkName(name);
  if (!(name in MIXTURES)) return null;
  const { cx, cy, sigma } = MIXTURES[name as MixtureName];
  const centres = new Float64Array(2 * cx.length);
  for (let k = 0; k < cx.length; k++) [centres[2 * k], centres[2 * k + 1]] = [cx[k], cy[k]];
  return { centres, std: sigma };
}

/** Options of {@link toy2dDataset}. */
export interface Toy2dDatasetOptions {
  /** The number of training points. Default 20,000. */
  trainSize?: number;
  /** The number of test points. Default 10,000. */
  testSize?: number;
  /** Decides both parts (independent draws). Default 0. */
  seed?: number;
}

/**
 * Toy data set `name` as a train/test split of independent draws (see {@link sampleToy2d}): vectors of shape [2]
 * without labels, the raw coordinates (about [-4, 4]).
 *
 * @example
 * const { train, test } = toy2dDataset('moons'); // train.n === 20000, train.shape [2], train.values: 40000 numbers
 */
export function toy2dDataset(
  name: string,
  { trainSize = 20000, testSize = 10000, seed = 0 }: Toy2dDatasetOptions = {},
): TrainTestSplit {
  checkName(name);
  for (const [value, arg] of [
    [trainSize, 'trainSize'],
    [testSize, 'testSize'],
  ] as const)
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`toy2dDataset: option '${arg}' must be an integer >= 0, got ${value}`);
  const streams = new Random(resolveSeed(seed));
  const part = (n: number, suffix: string): Dataset =>
    vectorDataset(`${name}-${suffix}`, sampleToy2d(name, n, streams.nextUint32()), 2);
  const train = part(trainSize, 'train');
  return { name, train, test: part(testSize, 'test') };
}
