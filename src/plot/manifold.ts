/**
 * The learned 2-D latent manifold of a VAE, as drawn in the AEVB paper (figure 4): decoder outputs at a grid of
 * latent points evenly spaced in probability under the N(0, I) prior.
 */
import { checkInteger, checkLength, PlotArgumentError } from './errors.js';
import type { Raster } from './figure.js';
import { imageGrid } from './image-grid.js';

/** Options of {@link manifoldLatents}. */
export interface ManifoldOptions {
  /** The smallest cumulative probability on each axis. Default 0.05. */
  low?: number;
  /** The largest cumulative probability on each axis. Default 0.95. */
  high?: number;
}

// Wichura's AS 241 (PPND16): rational approximations of Phi^{-1}, coefficients in increasing powers.
const A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

function polynomial(coefficients: number[], x: number): number {
  let s = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) s = s * x + coefficients[i];
  return s;
}

/**
 * The standard normal quantile Phi^{-1}(p) in float64, about 1e-16 relative error: Wichura's algorithm AS 241.
 * p = 0 and 1 give -Infinity and Infinity, p outside [0, 1] or NaN gives NaN.
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 *
 * References: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution", Applied
 * Statistics 37(3), 1988.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(A, r)) / polynomial(B, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x =
    r <= 5 ? polynomial(C, r - 1.6) / polynomial(D, r - 1.6) : polynomial(E, r - 5) / polynomial(F, r - 5);
  return q < 0 ? -x : x;
}

/**
 * The latent points of a `gridSize` x `gridSize` manifold picture: z = (Phi^{-1}(p1), Phi^{-1}(p2)) with p1 and p2
 * each linearly spaced over [low, high] (Phi the standard normal cdf), so that the grid covers the N(0, I) prior
 * evenly in probability rather than in distance.
 *
 * The result is gridSize^2 points of 2 values, [z1, z2] each, in the order the picture reads: row r (top to bottom)
 * and column c (left to right) hold point r * gridSize + c, with z1 = Phi^{-1}(p[c]) increasing along the columns and
 * z2 = Phi^{-1}(p[gridSize - 1 - r]) decreasing down the rows, as on a plot with z2 pointing up. Decode them and
 * tile the images with {@link manifoldGrid}. A grid of size 1 is the single point at p = (low + high) / 2.
 *
 * @example
 * const z = manifoldLatents(20); // Float32Array of 20 * 20 * 2
 * const images = decoder(tf.tensor2d(z, [400, 2])); // [400, 28, 28, 1]
 * const grid = manifoldGrid(images.dataSync(), 20, 28, 28);
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014, figure 4,
 * https://arxiv.org/abs/1312.6114
 */
export function manifoldLatents(
  gridSize: number,
  { low = 0.05, high = 0.95 }: ManifoldOptions = {},
): Float32Array {
  const fn = 'manifoldLatents';
  checkInteger(gridSize, 'gridSize', fn);
  if (!(low > 0 && low < 1)) throw new PlotArgumentError(`${fn}: option 'low' must be in (0, 1), got ${low}`);
  if (!(high > low && high < 1))
    throw new PlotArgumentError(`${fn}: option 'high' must be in (low, 1) = (${low}, 1), got ${high}`);
  const quantiles = Array.from({ length: gridSize }, (_, i) =>
    normalQuantile(gridSize === 1 ? (low + high) / 2 : low + ((high - low) * i) / (gridSize - 1)),
  );
  const z = new Float32Array(gridSize * gridSize * 2);
  for (let r = 0; r < gridSize; r++)
    for (let c = 0; c < gridSize; c++) {
      z[2 * (r * gridSize + c)] = quantiles[c];
      z[2 * (r * gridSize + c) + 1] = quantiles[gridSize - 1 - r];
    }
  return z;
}

/**
 * Tile the decoded images of {@link manifoldLatents} (gridSize^2 images of `height` x `width` x `channels` values
 * in [0, 1], in that order) into one raster, `gridSize` per row with no padding, so neighbouring images form a
 * continuous map of the latent space: {@link imageGrid} with columns = gridSize and padding 0, of size
 * `scale * gridSize * width` by `scale * gridSize * height`. `scale` is an integer upscaling factor.
 *
 * @example
 * await writeFigure('out/manifold.png', rasterFigure(manifoldGrid(decoded, 20, 28, 28))); // in Node
 */
export function manifoldGrid(
  decoded: ArrayLike<number>,
  gridSize: number,
  height: number,
  width: number,
  channels: 1 | 3 = 1,
  { scale = 1 }: { scale?: number } = {},
): Raster {
  checkInteger(gridSize, 'gridSize', 'manifoldGrid');
  checkLength(
    decoded,
    gridSize * gridSize * height * width * channels,
    'decoded',
    'manifoldGrid',
    'gridSize^2 * height * width * channels',
  );
  return imageGrid(decoded, {
    count: gridSize * gridSize,
    height,
    width,
    channels,
    columns: gridSize,
    padding: 0,
    scale,
  });
}
