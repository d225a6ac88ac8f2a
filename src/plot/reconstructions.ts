/**
 * Originals above their reconstructions, for judging an autoencoder by eye.
 */
import { checkInteger, checkLength } from './errors.js';
import type { Raster } from './figure.js';
import { imageGrid, type ImageGridOptions } from './image-grid.js';

/** Options of {@link reconstructionsGrid}: the image sizes, and the grid's look as in {@link imageGrid}. */
export interface ReconstructionsOptions extends Omit<ImageGridOptions, 'columns'> {
  /** Images per row; fewer when `count` is smaller. Default 8. */
  columns?: number;
}

/**
 * A raster of `count` images and their reconstructions in alternating rows: a row of `columns` originals, below it
 * their reconstructions in the same columns, then the next `columns` originals, and so on. A last, partial pair of
 * rows is filled up with background.
 *
 * Both arrays hold `count` images of `height` x `width` x `channels` values in [0, 1] (see {@link imageGrid}),
 * reconstruction i belonging to original i.
 *
 * @example
 * const recon = vae.reconstruct(x); // [16, 28, 28, 1]
 * const grid = reconstructionsGrid(x.dataSync(), recon.dataSync(), { count: 16, height: 28, width: 28 });
 * await writeFigure('out/reconstructions.png', rasterFigure(grid)); // in Node
 */
export function reconstructionsGrid(
  originals: ArrayLike<number>,
  reconstructions: ArrayLike<number>,
  options: ReconstructionsOptions,
): Raster {
  const fn = 'reconstructionsGrid';
  const { count, height, width, channels = 1, background = 1 } = options;
  checkInteger(count, 'count', fn);
  checkInteger(options.columns ?? 8, 'columns', fn);
  checkInteger(height, 'height', fn);
  checkInteger(width, 'width', fn);
  const size = height * width * channels;
  const what = 'count * height * width * channels';
  checkLength(originals, count * size, 'originals', fn, what);
  checkLength(reconstructions, count * size, 'reconstructions', fn, what);

  const columns = Math.min(options.columns ?? 8, count);
  const pairs = Math.ceil(count / columns);
  const tiles = new Float32Array(2 * pairs * columns * size).fill(background);
  for (let i = 0; i < count; i++) {
    const [pair, column] = [Math.floor(i / columns), i % columns];
    const slot = 2 * pair * columns + column;
    for (let k = 0; k < size; k++) {
      tiles[slot * size + k] = originals[i * size + k];
      tiles[(slot + columns) * size + k] = reconstructions[i * size + k];
    }
  }
  return imageGrid(tiles, { ...options, count: 2 * pairs * columns, channels, columns });
}
