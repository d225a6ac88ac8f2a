/**
 * The in-memory shape every latentlab data loader returns: images as one flat `Float32Array` in [0, 1] with their
 * integer labels, and a train/test pair of them.
 */

/**
 * A set of `n` images of `height x width x channels` values, stored row-major (image, row, column, channel) in
 * one `Float32Array` with values in [0, 1], and their class labels (0 .. numClasses-1) when the data has them.
 *
 * Loaders may share one `ImageDataset` between callers (the MNIST loader caches its split): treat the arrays as
 * read-only, and use {@link subset} to make a smaller copy.
 *
 * @example
 * const { train } = loadMnist();
 * const firstImage = train.images.subarray(0, imageSize(train)); // 784 values of digit train.labels[0]
 */
export interface ImageDataset {
  /** A readable name, such as `mnist-train`. */
  name: string;
  /** `n * height * width * channels` values in [0, 1], row-major. */
  images: Float32Array;
  /** One label per image, or `null` for unlabelled data. */
  labels: Int32Array | null;
  /** The number of images. */
  n: number;
  height: number;
  width: number;
  channels: number;
  /** The number of classes the labels range over (0 .. numClasses-1); 0 for unlabelled data. */
  numClasses: number;
}

/**
 * A data set's training and test parts.
 *
 * @example
 * const split = loadDataset('mnist'); // split.train.n === 9000, split.test.n === 1000
 */
export interface DataSplit {
  /** The data set's name, as `loadDataset` accepts it (`mnist`, `fashion-mnist`, `idx:DIR`). */
  name: string;
  train: ImageDataset;
  test: ImageDataset;
}

/**
 * Thrown when a data set or one of its files cannot be found. The message is one line naming what was looked for
 * and where, so a command-line tool can print it as it is.
 */
export class DataNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataNotFoundError';
  }
}

/**
 * The number of values in one image, `height * width * channels` (784 for MNIST).
 *
 * @example
 * imageSize(loadMnist().train); // 784
 */
export function imageSize(ds: ImageDataset): number {
  return ds.height * ds.width * ds.channels;
}

/**
 * A copy of the images (and labels) of `ds` at `indices`, in that order; indices may repeat.
 *
 * @example
 * const firstHundred = subset(train, Array.from({ length: 100 }, (_, i) => i));
 */
export function subset(ds: ImageDataset, indices: ArrayLike<number>, name = ds.name): ImageDataset {
  const d = imageSize(ds);
  const m = indices.length;
  const images = new Float32Array(m * d);
  const labels = ds.labels === null ? null : new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n)
      throw new RangeError(
        `subset: argument 'indices' must hold integers in [0, ${ds.n}) for ${ds.name}, got ${i} at position ${k}`,
      );
    images.set(ds.images.subarray(i * d, (i + 1) * d), k * d);
    if (labels !== null && ds.labels !== null) labels[k] = ds.labels[i];
  }
  return { ...ds, name, images, labels, n: m };
}

/**
 * The first `limit` examples of `ds` (all of it when `limit` is absent or not smaller), named `name[:limit]`: how
 * `--limit` trains on part of a data set.
 *
 * @example
 * const train = head(split.train, 1000); // train.n === 1000
 */
export function head(ds: ImageDataset, limit?: number): ImageDataset {
  if (limit === undefined || limit >= ds.n) return ds;
  return subset(
    ds,
    Array.from({ length: limit }, (_, i) => i),
    `${ds.name}[:${limit}]`,
  );
}
