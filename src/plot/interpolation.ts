/**
 * Paths between two latent codes, for pictures of what a decoder does between two data points.
 */
import { checkInteger, PlotArgumentError } from './errors.js';

/** Options of {@link interpolateLatents}. */
export interface InterpolationOptions {
  /** Spherical (slerp) instead of straight-line interpolation. Default false. */
  spherical?: boolean;
}

/**
 * `steps` points from `z0` to `z1` (both of length d), end points included, as one Float32Array of steps * d values
 * (point i at [i * d, (i + 1) * d)), at t = i / (steps - 1):
 *
 * - linear: z(t) = (1 - t) z0 + t z1;
 * - spherical (slerp): z(t) = sin((1 - t) omega) / sin(omega) z0 + sin(t omega) / sin(omega) z1, omega the angle
 *   between z0 and z1. For endpoints of equal norm every point keeps that norm, so under a N(0, I) prior in many
 *   dimensions (where draws concentrate near the sphere of radius sqrt(d)) the path stays where the prior has its
 *   mass instead of cutting through the low-norm middle, as White (2016) argues. Where the angle is too close to 0
 *   or pi for slerp to be defined (|sin omega| < 1e-6, or a zero endpoint), the linear path is used.
 *
 * Computed in float64. To draw several pairs, decode their paths one after the other and tile the images with
 * `imageGrid` and `columns: steps`, one row per pair.
 *
 * @example
 * const path = interpolateLatents(zA, zB, 10, { spherical: true }); // 10 * d values
 * const images = decoder(tf.tensor2d(path, [10, d]));
 * const strip = imageGrid(images.dataSync(), { count: 10, height: 28, width: 28, columns: 10 });
 *
 * References: T. White, "Sampling Generative Networks", 2016, https://arxiv.org/abs/1609.04468; K. Shoemake,
 * "Animating rotation with quaternion curves", SIGGRAPH 1985 (slerp).
 */
export function interpolateLatents(
  z0: ArrayLike<number>,
  z1: ArrayLike<number>,
  steps: number,
  { spherical = false }: InterpolationOptions = {},
): Float32Array {
  const fn = 'interpolateLatents';
  checkInteger(steps, 'steps', fn, 2);
  const d = z0.length;
  if (d === 0) throw new PlotArgumentError(`${fn}: argument 'z0' must not be empty`);
  if (z1.length !== d)
    throw new PlotArgumentError(`${fn}: argument 'z1' must have the length of z0, ${d}, got ${z1.length}`);
  for (const [z, name] of [
    [z0, 'z0'],
    [z1, 'z1'],
  ] as const)
    for (let j = 0; j < d; j++)
      if (!Number.isFinite(z[j]))
        throw new PlotArgumentError(`${fn}: argument '${name}' must be finite, got ${z[j]} at index ${j}`);

  let [dot, norm0, norm1] = [0, 0, 0];
  for (let j = 0; j < d; j++) {
    dot += z0[j] * z1[j];
    norm0 += z0[j] * z0[j];
    norm1 += z1[j] * z1[j];
  }
  const cos = norm0 > 0 && norm1 > 0 ? Math.min(1, Math.max(-1, dot / Math.sqrt(norm0 * norm1))) : 1;
  const omega = Math.acos(cos);
  const sin = Math.sin(omega);
  const slerp = spherical && sin >= 1e-6;
  const out = new Float32Array(steps * d);
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    const [w0, w1] = slerp ? [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin] : [1 - t, t];
    for (let j = 0; j < d; j++) out[i * d + j] = w0 * z0[j] + w1 * z1[j];
  }
  return out;
}
