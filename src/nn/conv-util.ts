/**
 * Shape arithmetic shared by {@link Conv2d} and {@link ConvTranspose2d}: TensorFlow's 'same' and 'valid' padding
 * turned into explicit pads. The layers pass explicit pads, so that their numbers never depend on a backend's own
 * 'same' mode (wasm's is wrong when the stride exceeds the kernel; `src/engine/conv-kernels.ts` now corrects it).
 */
import type * as tf from '../engine/tf.js';
import { ModuleArgumentError } from './errors.js';

/** How a convolution pads its input: `same` keeps ceil(size / stride) positions, `valid` pads nothing. */
export type Padding = 'same' | 'valid';

/** Every {@link Padding}. */
export const PADDINGS: readonly Padding[] = ['same', 'valid'];

/** Output size and [before, after] pads of a convolution along one axis of `size` positions. */
export function convAxis(
  size: number,
  kernel: number,
  stride: number,
  padding: Padding,
): [number, number, number] {
  if (padding === 'valid') return [Math.floor((size - kernel) / stride) + 1, 0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The explicit NHWC padding of a convolution over an [h, w] input. */
export function explicitPadding(
  [h, w]: [number, number],
  kernel: number,
  stride: number,
  padding: Padding,
): tf.backend_util.ExplicitPadding {
  const [, top, bottom] = convAxis(h, kernel, stride, padding);
  const [, left, right] = convAxis(w, kernel, stride, padding);
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/** Throw unless `x` is an NHWC batch with `channels` channels. */
export function checkImages(x: tf.Tensor, channels: number, where: string): void {
  if (x.rank !== 4 || x.shape[3] !== channels)
    throw new ModuleArgumentError(
      `${where}: input has shape [${x.shape.join(', ')}], expected NHWC [n, h, w, ${channels}]`,
    );
}
