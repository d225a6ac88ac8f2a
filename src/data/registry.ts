/**
 * Data sets by name or path, as the command line's `--data` option names them (Node only: most read files).
 */
import { readFileSync, statSync } from 'node:fs';
import { DataNotFoundError, vectorDataset, type DataSplit } from './dataset.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIdxDirectory } from './idx-dataset.js';
import { loadMnist } from './mnist.js';
import { loadMnistFull } from './mnist-full.js';
import { parseTableFile, TableFormatError, type Table, type TableOptions } from './table.js';
import { isToy2dName, toy2dDataset, TOY2D_NAMES } from './toy2d.js';

/** The data set names {@link loadDataset} accepts, besides `idx:DIR` and table files: the image sets, then the toy 2-D densities. */
export const DATASET_NAMES = ['mnist', 'mnist-full', 'fashion-mnist', ...TOY2D_NAMES] as const;

/**
 * Read a numeric table from a file (see `parseTableFile` for the formats). Throws {@link DataNotFoundError} when
 * the file does not exist and {@link TableFormatError} when it cannot be read or is malformed.
 *
 * @example
 * const { data, n, d, columns } = readTable('measurements.csv');
 */
export function readTable(path: string, options: TableOptions = {}): Table {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataNotFoundError(`table file not found: ${path}`);
    throw new TableFormatError(`${path}: cannot read the file (${code ?? (err as Error).message})`);
  }
  return parseTableFile(text, path, options);
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

/**
 * Load a data set from its name: `mnist` (the 10,000 embedded digits, see `loadMnist`), `mnist-full` (the 70,000 of
 * `latentlab data fetch mnist`, see `loadMnistFull`), `fashion-mnist` (see `loadFashionMnist`), `idx:DIR` for the
 * four IDX files in directory DIR (see `loadIdxDirectory`), a toy 2-D density (`moons`, `8gaussians`, ..., see
 * `toy2dDataset`: 20,000 training and 10,000 test points, seed 0), or the path of a CSV, TSV or JSON table (see
 * `readTable`), whose rows are vectors and which has no test part.
 *
 * Throws {@link DataNotFoundError} for an unknown name or missing files, `TableFormatError` (with the line and
 * column) for a malformed table.
 *
 * @example
 * const { train, test } = loadDataset('mnist'); // images of shape [28, 28, 1]
 * const moons = loadDataset('moons'); // vectors of shape [2], not in [0, 1]
 * const table = loadDataset('measurements.csv'); // table.test === null
 */
export function loadDataset(spec: string): DataSplit {
  if (spec === 'mnist') return loadMnist();
  if (spec === 'mnist-full') return loadMnistFull();
  if (spec === 'fashion-mnist') return loadFashionMnist();
  if (isToy2dName(spec)) return toy2dDataset(spec);
  if (spec.startsWith('idx:')) {
    const dir = spec.slice('idx:'.length);
    if (dir === '') throw new DataNotFoundError(`data set 'idx:' names no directory (expected idx:DIR)`);
    return loadIdxDirectory(dir, spec);
  }
  if (isFile(spec)) {
    const table = readTable(spec);
    return { name: spec, train: vectorDataset(spec, table.data, table.d), test: null };
  }
  throw new DataNotFoundError(
    `unknown data set '${spec}' (expected ${DATASET_NAMES.join(', ')}, idx:DIR or a CSV/TSV/JSON file)`,
  );
}
