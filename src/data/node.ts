// The data loaders that read files, for Node: IDX files, the embedded MNIST digits, full MNIST and the download
// that fetches it, Fashion-MNIST, table files, and `loadDataset`, which takes what the command line's `--data` names.
export { IdxFormatError, parseIdx, readIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export { hasIdxFiles, loadIdxDirectory } from './idx-dataset.js';
export { MNIST_TEST_SIZE, loadMnist } from './mnist.js';
export type { MnistOptions } from './mnist.js';
export {
  DataFetchError,
  dataRoot,
  FETCHABLE_DATASETS,
  FETCHABLE_NAMES,
  fetchDataset,
  MNIST_FILES,
  MNIST_MIRRORS,
  userCacheDir,
} from './fetch.js';
export type {
  DataFetchProblem,
  DataFile,
  DataRootOptions,
  FetchableDataset,
  FetchedFile,
  FetchEvent,
  FetchOptions,
  FetchResult,
} from './fetch.js';
export { loadMnistFull, mnistFullSearchPath } from './mnist-full.js';
export type { MnistFullOptions } from './mnist-full.js';
export { FASHION_MNIST_SYSTEM_DIR, fashionMnistSearchPath, loadFashionMnist } from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export { DATASET_NAMES, loadDataset, readTable } from './registry.js';
