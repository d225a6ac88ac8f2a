/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70,000 28x28 grey pictures of clothes in 10 classes, a drop-in
 * replacement for MNIST. latentlab does not ship it; it reads the IDX files from the places listed below.
 */
import { join } from 'node:path';
import { DataNotFoundError, type TrainTestSplit } from './dataset.js';
import { hasIdxFiles, loadIdxDirectory } from './idx-dataset.js';

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The directories {@link loadFashionMnist} searches, in order: `/usr/share/datasets/fashion-mnist`, then
 * `$LATENTLAB_DATA/fashion-mnist` and `$LATENTLAB_DATA` when that variable is set.
 *
 * @example
 * fashionMnistSearchPath({ LATENTLAB_DATA: '/data' });
 * // ['/usr/share/datasets/fashion-mnist', '/data/fashion-mnist', '/data']
 */
export function fashionMnistSearchPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [FASHION_MNIST_SYSTEM_DIR];
  const root = env.LATENTLAB_DATA;
  if (root !== undefined && root !== '') dirs.push(join(root, 'fashion-mnist'), root);
  return dirs;
}

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** The directories to search, first match wins; {@link fashionMnistSearchPath} by default. */
  searchPath?: string[];
}

/**
 * Load Fashion-MNIST (60,000 training and 10,000 test images, 28x28x1, values in [0, 1], labels 0..9) from the
 * first directory of the search path that holds its four IDX files.
 *
 * Throws {@link DataNotFoundError} saying where it looked and how to install the data when none does.
 *
 * References: Xiao, Rasul and Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning
 * Algorithms" (2017), https://arxiv.org/abs/1708.07747
 *
 * @example
 * const { train, test } = loadFashionMnist(); // train.n === 60000, test.n === 10000
 */
export function loadFashionMnist({
  searchPath = fashionMnistSearchPath(),
}: FashionMnistOptions = {}): TrainTestSplit {
  const dir = searchPath.find(hasIdxFiles);
  if (dir === undefined) {
    const hint = process.env.LATENTLAB_DATA ? '' : ' ($LATENTLAB_DATA is not set)';
    throw new DataNotFoundError(
      `Fashion-MNIST not found (looked in ${searchPath.join(', ')}${hint}); install it with ` +
        `'apt-get install dataset-fashion-mnist' or put its IDX files in $LATENTLAB_DATA/fashion-mnist`,
    );
  }
  return loadIdxDirectory(dir, 'fashion-mnist');
}
