/**
 * Images tiled into one picture: the samples, reconstructions and latent manifolds of a generative model.
 */
import { checkInteger, checkLength, PlotArgumentError } from './errors.js';
import type { Raster } from './figure.js';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** The number of images in the array. */
  count: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** 1 (grey) or 3 (RGB), interleaved: pixel (y, x) of an image holds `channels` consecutive values. Default 1. */
  channels?: 1 | 3;
  /** Images per row of the grid. Default ceil(sqrt(count)), a square grid. */
  columns?: number;
  /** Pixels of background between images and around the grid, before scaling. Default 2. */
  padding?: number;
  /** Integer upscaling factor (nearest neighbour) applied to the whole grid, padding included. Default 1. */
  scale?: number;
  /** Grey level of the padding and of unused cells, in [0, 1]. Default 1 (white). */
  background?: number;
}

/** The byte 0..255 of an intensity in [0, 1]: values outside are clamped, NaN is drawn black. */
function toByte(v: number): number {
  return v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
}

/**
 * Tile `count` images into one raster, row-major: image i goes to row floor(i / columns), column i % columns.
 *
 * `images` holds the images one after the other, each `height` x `width` x `channels` values in [0, 1] (row-major,
 * channels interleaved, as a tensor of shape [count, height, width, channels] gives them with `dataSync()`).
 * Values outside [0, 1] are clamped and NaN is drawn black, so a diverged model still gives a picture. Each value v
 * becomes the byte round(255 v); the raster has the images' `channels` (1 grey, 3 RGB) and is
 * `scale * (columns * (width + padding) + padding)` wide by `scale * (rows * (height + padding) + padding)` high
 * with rows = ceil(count / columns).
 *
 * Throws a {@link PlotArgumentError} naming the argument when a size is not a positive integer, `channels` is not 1
 * or 3, or `images` does not have count * height * width * channels values.
 *
 * @example
 * const grid = imageGrid(samples.dataSync(), { count: 64, height: 28, width: 28, scale: 2 });
 * await writeFigure('out/samples.png', rasterFigure(grid)); // in Node
 */
export function imageGrid(images: ArrayLike<number>, options: ImageGridOptions): Raster {
  const fn = 'imageGrid';
  const { count, height, width, channels = 1, padding = 2, scale = 1, background = 1 } = options;
  checkInteger(count, 'count', fn);
  checkInteger(height, 'height', fn);
  checkInteger(width, 'width', fn);
  if (channels !== 1 && channels !== 3)
    throw new PlotArgumentError(
      `${fn}: option 'channels' must be 1 (grey) or 3 (RGB), got ${String(channels)}`,
    );
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  checkInteger(columns, 'columns', fn);
  checkInteger(padding, 'padding', fn, 0);
  checkInteger(scale, 'scale', fn);
  if (!(background >= 0 && background <= 1))
    throw new PlotArgumentError(`${fn}: option 'background' must be in [0, 1], got ${background}`);
  const imageSize = height * width * channels;
  checkLength(images, count * imageSize, 'images', fn, `count * height * width * channels`);

  const rows = Math.ceil(count / columns);
  const gridWidth = columns * (width + padding) + padding;
  const gridHeight = rows * (height + padding) + padding;
  // The grid at scale 1, then each of its rows repeated `scale` times, each pixel `scale` times.
  const grid = new Uint8Array(gridWidth * gridHeight * channels).fill(toByte(background));
  for (let i = 0; i < count; i++) {
    const top = padding + Math.floor(i / columns) * (height + padding);
    const left = padding + (i % columns) * (width + padding);
    for (let y = 0; y < height; y++) {
      const from = i * imageSize + y * width * channels;
      const to = ((top + y) * gridWidth + left) * channels;
      for (let k = 0; k < width * channels; k++) grid[to + k] = toByte(images[from + k]);
    }
  }
  if (scale === 1) return { width: gridWidth, height: gridHeight, channels, data: grid };
  const outWidth = gridWidth * scale;
  const outHeight = gridHeight * scale;
  const data = new Uint8Array(outWidth * outHeight * channels);
  const rowBytes = outWidth * channels;
  for (let y = 0; y < gridHeight; y++) {
    const row = y * scale * rowBytes;
    for (let x = 0; x < gridWidth; x++) {
      const pixel = grid.subarray((y * gridWidth + x) * channels, (y * gridWidth + x + 1) * channels);
      for (let s = 0; s < scale; s++) data.set(pixel, row + (x * scale + s) * channels);
    }
    for (let s = 1; s < scale; s++) data.copyWithin(row + s * rowBytes, row, row + rowBytes);
  }
  return { width: outWidth, height: outHeight, channels, data };
}
