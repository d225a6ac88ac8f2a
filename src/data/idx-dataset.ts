/**
 * Image data sets stored as four IDX files in one directory, the layout of MNIST and Fashion-MNIST.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataNotFoundError, type TrainTestSplit, type Dataset } from './dataset.js';
import { IdxFormatError, readIdx } from './idx.js';

/** The four files of an IDX data set, by their standard stems (`train-images-idx3-ubyte`, ...). */
const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The names a file with stem `stem` may have: `.gz` or not, and `train-images.idx3-ubyte` with a dot. */
function candidates(stem: string): string[] {
  const dotted = stem.replace(/-(idx\d-ubyte)$/, '.$1');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`];
}

/** The path of the file with stem `stem` in `dir`, or `undefined` when none of its names is there. */
function findFile(dir: string, stem: string): string | undefined {
  return candidates(stem)
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
}

/** Whether `dir` holds a complete IDX data set (all four files, under any of their accepted names). */
export function hasIdxFiles(dir: string): boolean {
  return Object.values(FILES).every((stem) => findFile(dir, stem) !== undefined);
}

function requireFile(dir: string, stem: string): string {
  const path = findFile(dir, stem);
  if (path === undefined)
    throw new DataNotFoundError(
      `IDX file not found: looked for ${join(dir, stem)} (also with .gz, or named ${candidates(stem)[2]})`,
    );
  return path;
}

function loadPart(dir: string, images: string, labels: string, name: string): Dataset {
  const imagesPath = requireFile(dir, images);
  const labelsPath = requireFile(dir, labels);
  const x = readIdx(imagesPath);
  const y = readIdx(labelsPath);
  if (!(x.data instanceof Uint8Array) || x.shape.length !== 3)
    throw new IdxFormatError(
      `${imagesPath}: expected 3-D unsigned-byte images (n x height x width), got ${x.shape.length}-D ` +
        `${x.data.constructor.name}`,
    );
  if (y.shape.length !== 1)
    throw new IdxFormatError(`${labelsPath}: expected 1-D labels, got shape ${y.shape.join('x')}`);
  const [n, height, width] = x.shape;
  if (y.shape[0] !== n)
    throw new IdxFormatError(`${labelsPath}: ${y.shape[0]} labels for the ${n} images of ${imagesPath}`);
  const pixels = new Float32Array(x.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = x.data[i] / 255;
  const labelArray = Int32Array.from(y.data);
  for (let i = 0; i < n; i++)
    if (labelArray[i] < 0 || labelArray[i] !== y.data[i])
      throw new IdxFormatError(
        `${labelsPath}: label ${y.data[i]} at position ${i} is not a non-negative integer`,
      );
  const numClasses = n === 0 ? 0 : labelArray.reduce((a, b) => Math.max(a, b), 0) + 1;
  return {
    name,
    kind: 'image',
    shape: [height, width, 1],
    values: pixels,
    labels: labelArray,
    n,
    numClasses,
  };
}

/**
 * Load an image data set from a directory holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` (each raw or `.gz`, also `train-images.idx3-ubyte`),
 * as MNIST, Fashion-MNIST and KMNIST ship. Pixels are scaled from 0..255 to [0, 1]; `numClasses` is one more than
 * the largest label of either part.
 *
 * Throws {@link DataNotFoundError} naming the path when the directory or a file is missing, and
 * {@link IdxFormatError} when a file is malformed or the images and labels do not match.
 *
 * @example
 * const { train, test } = loadIdxDirectory('/usr/share/datasets/fashion-mnist');
 * // train.n === 60000, test.n === 10000, train.shape [28, 28, 1]
 */
export function loadIdxDirectory(dir: string, name = `idx:${dir}`): TrainTestSplit {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new DataNotFoundError(`IDX data directory not found: ${dir}`);
  const train = loadPart(dir, FILES.trainImages, FILES.trainLabels, `${name}-train`);
  const test = loadPart(dir, FILES.testImages, FILES.testLabels, `${name}-test`);
  const [size, testSize] = [train, test].map((part) => part.shape.slice(0, 2).join('x'));
  if (size !== testSize)
    throw new IdxFormatError(`${dir}: training images are ${size} but test images are ${testSize}`);
  const numClasses = Math.max(train.numClasses, test.numClasses);
  train.numClasses = numClasses;
  test.numClasses = numClasses;
  return { name, train, test };
}
