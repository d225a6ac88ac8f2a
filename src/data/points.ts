/**
 * Data as rows of numbers, for models that see every example as one vector (Gaussian mixtures): a numeric table
 * file (CSV, TSV, JSON), a toy 2-D density, or an image data set with each image flattened.
 */
import { existsSync, statSync } from 'node:fs';
import { DataNotFoundError, imageSize, type ImageDataset } from './dataset.js';
import { DATASET_NAMES, loadDataset } from './registry.js';
import { readTable } from './table.js';

/** n rows of d float64 values, row-major. */
export interface PointSet {
  data: Float64Array;
  n: number;
  d: number;
}

/** What {@link loadPoints} returns: the points to fit, held-out points when the source has a test part. */
export interface PointSource {
  /** The `--data` value it came from. */
  name: string;
  /** `'file'` for a table, `'dataset'` for a named data set. */
  origin: 'file' | 'dataset';
  train: PointSet;
  /** The data set's test part (`null` for a file, which has only one part). */
  test: PointSet | null;
}

/** Each image of `ds` as one row of `height * width * channels` float64 values. */
export function flattenImages(ds: ImageDataset): PointSet {
  return { data: Float64Array.from(ds.images), n: ds.n, d: imageSize(ds) };
}

/** The first `limit` rows of `points` (all of them when `limit` is undefined or larger). */
export function firstRows(points: PointSet, limit?: number): PointSet {
  if (limit === undefined || limit >= points.n) return points;
  return { data: points.data.slice(0, limit * points.d), n: limit, d: points.d };
}

/**
 * Load points from `spec`: a path to an existing CSV/TSV/JSON table (see `readTable`; the whole table is
 * `train`), or a data set name as `loadDataset` takes it (`moons`, `8gaussians`, ..., `mnist`, `fashion-mnist`,
 * `idx:DIR`), whose images are flattened to rows. `limit` keeps the first rows of the training part.
 *
 * Throws a `TableFormatError` (line and column) for a bad table, a {@link DataNotFoundError} when `spec` is
 * neither a file nor a data set name.
 *
 * @example
 * const { train, test } = loadPoints('8gaussians'); // 20,000 and 10,000 points in 2-D
 * const table = loadPoints('measurements.csv').train;
 */
export function loadPoints(spec: string, { limit }: { limit?: number } = {}): PointSource {
  if (existsSync(spec) && statSync(spec).isFile())
    return { name: spec, origin: 'file', train: firstRows(readTable(spec), limit), test: null };
  try {
    const split = loadDataset(spec);
    return {
      name: spec,
      origin: 'dataset',
      train: firstRows(flattenImages(split.train), limit),
      test: flattenImages(split.test),
    };
  } catch (e) {
    if (
      e instanceof DataNotFoundError &&
      !spec.startsWith('idx:') &&
      !(DATASET_NAMES as readonly string[]).includes(spec)
    )
      throw new DataNotFoundError(
        `data '${spec}': no such file, and not a data set name (expected a CSV/TSV/JSON file, ` +
          `${DATASET_NAMES.join(', ')} or idx:DIR)`,
      );
    throw e;
  }
}
