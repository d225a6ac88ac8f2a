// Data sets: IDX files, the embedded MNIST digits, Fashion-MNIST, toy 2-D densities, numeric tables (CSV, TSV,
// JSON), and mini-batches.
export { DataNotFoundError, imageSize, subset } from './dataset.js';
export type { DataSplit, ImageDataset } from './dataset.js';
export { IdxFormatError, parseIdx, readIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export { hasIdxFiles, loadIdxDirectory } from './idx-dataset.js';
export { MNIST_TEST_SIZE, loadMnist } from './mnist.js';
export type { MnistOptions } from './mnist.js';
export { FASHION_MNIST_SYSTEM_DIR, fashionMnistSearchPath, loadFashionMnist } from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export { DATASET_NAMES, loadDataset } from './registry.js';
export { isToy2dName, sampleToy2d, toy2dDataset, toy2dLogDensity, TOY2D_NAMES } from './toy2d.js';
export type { LogDensity2d, Toy2dDatasetOptions, Toy2dName } from './toy2d.js';
export { batches, binarize, epochPermutation, numBatches } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { parseTable, readTable, TableFormatError } from './table.js';
export { flattenImages, loadPoints } from './points.js';
export type { PointSet, PointSource } from './points.js';
export type { Table, TableOptions } from './table.js';
