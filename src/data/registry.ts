/**
 * Data sets by name, as the command line's `--data` option names them.
 */
import { DataNotFoundError, type DataSplit } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIdxDirectory } from './idx-dataset.js';
import { loadMnist } from './mnist.js';
import { isToy2dName, toy2dDataset, TOY2D_NAMES } from './toy2d.js';

/** The data set names {@link loadDataset} accepts, besides `idx:DIR`: the image sets, then the toy 2-D densities. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', ...TOY2D_NAMES] as const;

/**
 * Load a data set from its name: `mnist` (the 10,000 embedded digits, see `loadMnist`), `fashion-mnist` (see
 * `loadFashionMnist`), `idx:DIR` for the four IDX files in directory DIR (see `loadIdxDirectory`), or a toy 2-D
 * density (`moons`, `8gaussians`, ..., see `toy2dDataset`: 20,000 training and 10,000 test points, seed 0).
 *
 * Throws {@link DataNotFoundError} for an unknown name or missing files.
 *
 * @example
 * const { train, test } = loadDataset('mnist');
 * const custom = loadDataset('idx:/data/kmnist');
 * const moons = loadDataset('moons'); // moons.train.images: 20000 points (x, y), not in [0, 1]
 */
export function loadDataset(spec: string): DataSplit {
  if (spec === 'mnist') return loadMnist();
  if (spec === 'fashion-mnist') return loadFashionMnist();
  if (isToy2dName(spec)) return toy2dDataset(spec);
  if (spec.startsWith('idx:')) {
    const dir = spec.slice('idx:'.length);
    if (dir === '') throw new DataNotFoundError(`data set 'idx:' names no directory (expected idx:DIR)`);
    return loadIdxDirectory(dir, spec);
  }
  throw new DataNotFoundError(`unknown data set '${spec}' (expected ${DATASET_NAMES.join(', ')} or idx:DIR)`);
}
