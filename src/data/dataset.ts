/**
 * The in-memory shape every latentlab data loader returns: `n` examples of any shape in one flat typed array, with
 * their integer labels, and a train/test pair of them.
 */

/**
 * What the values of a data set are, which decides how models may read them: `image` values are 8-bit pixels
 * scaled to [0, 1] (a Bernoulli decoder may binarize them, a flow dequantizes them); `vector` values are real
 * numbers (2-D densities, tables), which neither may be done to.
 */
export type DataKind = 'image' | 'vector';

/** Every {@link DataKind}. */
export const DATA_KINDS: readonly DataKind[] = ['image', 'vector'];

/**
 * `n` examples of shape `shape` (`[height, width, channels]` for images, `[d]` for vectors), stored row-major one
 * after the other in `values`, and their class labels (0 .. numClasses-1) when the data has them.
 *
 * Loaders may share one `Dataset` between callers (the MNIST loader caches its split): treat the arrays as
 * read-only, and use {@link subset} to make a smaller copy.
 *
 * @example
 * const { train } = loadMnist();
 * train.shape; // [28, 28, 1]
 * const firstImage = train.values.subarray(0, exampleSize(train)); // 784 values of digit train.labels[0]
 */
export interface Dataset {
  /** A readable name, such as `mnist-train`. */
  name: string;
  kind: DataKind;
  /** The shape of one example. */
  shape: number[];
  /** `n * exampleSize` values, row-major; float64 where the source had that precision (tables). */
  values: Float32Array | Float64Array;
  /** One label per example, or `null` for unlabelled data. */
  labels: Int32Array | null;
  /** The number of examples. */
  n: number;
  /** The number of classes the labels range over (0 .. numClasses-1); 0 for unlabelled data. */
  numClasses: number;
}

/**
 * A data set's training and test parts; `test` is null where the source has no held-out part (a table file).
 *
 * @example
 * const split = loadDataset('mnist'); // split.train.n === 9000, split.test.n === 1000
 */
export interface DataSplit {
  /** The data set's name, as `loadDataset` accepts it (`mnist`, `moons`, `idx:DIR`, `points.csv`). */
  name: string;
  train: Dataset;
  test: Dataset | null;
}

/** A {@link DataSplit} that has its test part, as every named data set does. */
export interface TrainTestSplit extends DataSplit {
  test: Dataset;
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
 * The number of values in one example: the product of its shape (784 for MNIST, 2 for a 2-D density).
 *
 * @example
 * exampleSize(loadMnist().train); // 784
 */
export function exampleSize(ds: Pick<Dataset, 'shape'>): number {
  return ds.shape.reduce((a, b) => a * b, 1);
}

/**
 * A copy of the examples (and labels) of `ds` at `indices`, in that order; indices may repeat.
 *
 * @example
 * const firstHundred = subset(train, Array.from({ length: 100 }, (_, i) => i));
 */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const d = exampleSize(ds);
  const m = indices.length;
  const values = ds.values instanceof Float64Array ? new Float64Array(m * d) : new Float32Array(m * d);
  const labels = ds.labels === null ? null : new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n)
      throw new RangeError(
        `subset: argument 'indices' must hold integers in [0, ${ds.n}) for ${ds.name}, got ${i} at position ${k}`,
      );
    values.set(ds.values.subarray(i * d, (i + 1) * d), k * d);
    if (labels !== null && ds.labels !== null) labels[k] = ds.labels[i];
  }
  return { ...ds, name, values, labels, n: m };
}

/**
 * The first `limit` examples of `ds` (all of it when `limit` is absent or not smaller), named `name[:limit]`: how
 * `--limit` trains on part of a data set.
 *
 * @example
 * const train = head(split.train, 1000); // train.n === 1000
 */
export function head(ds: Dataset, limit?: number): Dataset {
  if (limit === undefined || limit >= ds.n) return ds;
  return subset(
    ds,
    Array.from({ length: limit }, (_, i) => i),
    `${ds.name}[:${limit}]`,
  );
}

/**
 * A vector data set of `n` rows of `d` numbers (a table, or points drawn from a density).
 *
 * @example
 * const points = vectorDataset('clusters', Float64Array.of(0, 1, 2, 3), 2); // two points in 2-D
 */
export function vectorDataset(
  name: string,
  values: Float32Array | Float64Array,
  d: number,
  labels: Int32Array | null = null,
  numClasses = 0,
): Dataset {
  if (!Number.isInteger(d) || d < 1)
    throw new RangeError(`vectorDataset: argument 'd' must be a positive integer, got ${d}`);
  if (values.length % d !== 0)
    throw new RangeError(`vectorDataset: ${values.length} values do not make rows of ${d}`);
  return { name, kind: 'vector', shape: [d], values, labels, n: values.length / d, numClasses };
}
