/**
 * Data sets by name, as the command line's `--data` option names them.
 */
import { DataNotFoundError, type DataSplit } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIdxDirectory } from './idx-dataset.js';
import { loadMnist } from './mnist.js';

/** The data set names {@link loadDataset} accepts, besides `idx:DIR`. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist'] as const;

/**
 * Load a data set from its name: `mnist` (the 10,000 embedded digits, see `loadMnist`), `fashion-mnist` (see
 * `loadFashionMnist`), or `idx:DIR` for the four IDX files in directory DIR (see `loadIdxDirectory`).
 *
 * Throws {@link DataNotFoundError} for an unknown name or missing files.
 *
 * @example
 * const { train, test } = loadDataset('mnist');
 * const custom = loadDataset('idx:/data/kmnist');
 */
export function loadDataset(spec: string): DataSplit {
  if (spec === 'mnist') return loadMnist();
  if (spec === 'fashion-mnist') return loadFashionMnist();
  if (spec.startsWith('idx:')) {
    const dir = spec.slice('idx:'.length);
    if (dir === '') throw new DataNotFoundError(`data set 'idx:' names no directory (expected idx:DIR)`);
    return loadIdxDirectory(dir, spec);
  }
  throw new DataNotFoundError(`unknown data set '${spec}' (expected mnist, fashion-mnist or idx:DIR)`);
}
