/**
 * Binary masks for coupling layers: the coordinates where the mask is 1 pass through unchanged and condition the
 * transformation of the others. Alternate the parity from layer to layer so every coordinate gets transformed.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017, section 3.4,
 * https://arxiv.org/abs/1605.08803
 */
import { BijectorError } from './bijector.js';

function checkInteger(value: number, name: string, where: string, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new BijectorError(`${where}: '${name}' must be an integer >= ${min}, got ${value}`);
}

function checkParity(parity: number, where: string): void {
  if (parity !== 0 && parity !== 1)
    throw new BijectorError(`${where}: 'parity' must be 0 or 1, got ${parity}`);
}

/**
 * [1, 0, 1, 0, ...] of length d for parity 0, [0, 1, 0, 1, ...] for parity 1 (the masks of the PyTorch peer's
 * two-moons RealNVP).
 *
 * @example
 * alternatingMask(5, 0); // [1, 0, 1, 0, 1]
 */
export function alternatingMask(d: number, parity: 0 | 1): number[] {
  const where = `alternatingMask(${d}, ${parity})`;
  checkInteger(d, 'd', where, 2);
  checkParity(parity, where);
  return Array.from({ length: d }, (_, i) => ((i + parity) % 2 === 0 ? 1 : 0));
}

/**
 * Ones on the first half (the first floor(d / 2) coordinates) for parity 0, on the second half for parity 1: NICE's
 * partition of the coordinates.
 *
 * @example
 * halfMask(5, 0); // [1, 1, 0, 0, 0]
 */
export function halfMask(d: number, parity: 0 | 1): number[] {
  const where = `halfMask(${d}, ${parity})`;
  checkInteger(d, 'd', where, 2);
  checkParity(parity, where);
  const half = Math.floor(d / 2);
  return Array.from({ length: d }, (_, i) => (i < half === (parity === 0) ? 1 : 0));
}

/**
 * An `[h][w][c]` checkerboard: 1 where (i + j + parity) is even, the same in every channel (RealNVP's spatial
 * checkerboard mask).
 *
 * @example
 * checkerboardMask(2, 2, 1, 0); // [[[1], [0]], [[0], [1]]]
 */
export function checkerboardMask(h: number, w: number, c: number, parity: 0 | 1): number[][][] {
  const where = `checkerboardMask(${h}, ${w}, ${c}, ${parity})`;
  checkInteger(h, 'h', where, 1);
  checkInteger(w, 'w', where, 1);
  checkInteger(c, 'c', where, 1);
  if (h * w < 2) throw new BijectorError(`${where}: 'h' x 'w' must have at least 2 pixels, got ${h} x ${w}`);
  checkParity(parity, where);
  return Array.from({ length: h }, (_, i) =>
    Array.from({ length: w }, (_, j) => new Array<number>(c).fill((i + j + parity) % 2 === 0 ? 1 : 0)),
  );
}

/**
 * An `[h][w][c]` mask of ones on the first floor(c / 2) channels for parity 0 (on the others for parity 1), the
 * same at every pixel (RealNVP's channel-wise mask, used after a squeeze).
 *
 * @example
 * channelMask(1, 1, 4, 0); // [[[1, 1, 0, 0]]]
 */
export function channelMask(h: number, w: number, c: number, parity: 0 | 1): number[][][] {
  const where = `channelMask(${h}, ${w}, ${c}, ${parity})`;
  checkInteger(h, 'h', where, 1);
  checkInteger(w, 'w', where, 1);
  checkInteger(c, 'c', where, 2);
  checkParity(parity, where);
  const half = Math.floor(c / 2);
  const pixel = Array.from({ length: c }, (_, k) => (k < half === (parity === 0) ? 1 : 0));
  return Array.from({ length: h }, () => Array.from({ length: w }, () => [...pixel]));
}
