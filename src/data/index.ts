// Data sets of any shape (images, vectors, tables), the toy 2-D densities, table parsing and mini-batches. The
// loaders that read files (IDX, MNIST, Fashion-MNIST, table files, `loadDataset`) are Node-only: see `node.ts`.
export { DATA_KINDS, DataNotFoundError, exampleSize, head, subset, vectorDataset } from './dataset.js';
export type { DataKind, DataSplit, Dataset, TrainTestSplit } from './dataset.js';
export { isToy2dName, sampleToy2d, toy2dDataset, toy2dLogDensity, toy2dModes, TOY2D_NAMES } from './toy2d.js';
export type { LogDensity2d, MixtureModes, Toy2dDatasetOptions, Toy2dName } from './toy2d.js';
export { batches, binarize, epochPermutation, numBatches } from './batches.js';
export type { Batch, BatchOptions } from './batches.js';
export { parseTable, parseTableFile, TableFormatError } from './table.js';
export type { Table, TableOptions } from './table.js';
