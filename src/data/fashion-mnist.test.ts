import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { FASHION_MNIST_SYSTEM_DIR, fashionMnistSearchPath, loadFashionMnist } from './fashion-mnist.js';

describe('loadFashionMnist', () => {
  it('searches the Debian directory, then $LATENTLAB_DATA/fashion-mnist, then $LATENTLAB_DATA', () => {
    expect(fashionMnistSearchPath({ LATENTLAB_DATA: '/data' })).toEqual([
      '/usr/share/datasets/fashion-mnist',
      '/data/fashion-mnist',
      '/data',
    ]);
    expect(fashionMnistSearchPath({})).toEqual([FASHION_MNIST_SYSTEM_DIR]);
    expect(fashionMnistSearchPath({ LATENTLAB_DATA: '' })).toEqual([FASHION_MNIST_SYSTEM_DIR]);
  });

  it('says where it looked and how to install the data when no directory holds it', () => {
    const searchPath = ['/nonexistent/a', '/nonexistent/b'];
    expect(() => loadFashionMnist({ searchPath })).toThrow(DataNotFoundError);
    expect(() => loadFashionMnist({ searchPath })).toThrow(
      /^Fashion-MNIST not found \(looked in \/nonexistent\/a, \/nonexistent\/b.*\); install it with 'apt-get install dataset-fashion-mnist' or put its IDX files in \$LATENTLAB_DATA\/fashion-mnist$/,
    );
  });

  it.skipIf(!existsSync(FASHION_MNIST_SYSTEM_DIR))(
    `loads 60,000 + 10,000 images of 28x28x1 in [0, 1] with labels 0..9 (skipped when ${FASHION_MNIST_SYSTEM_DIR} is absent)`,
    () => {
      const { name, train, test } = loadFashionMnist({
        searchPath: ['/nonexistent', FASHION_MNIST_SYSTEM_DIR],
      });
      expect(name).toBe('fashion-mnist');
      expect([train.n, ...train.shape, train.numClasses]).toEqual([60000, 28, 28, 1, 10]);
      expect([test.n, ...test.shape, test.numClasses]).toEqual([10000, 28, 28, 1, 10]);
      // x[0, 14, 12:15] / 255 for the t10k images read with gzip + numpy (see idx.test.ts)
      const row = 14 * 28;
      expect(test.values.subarray(row + 12, row + 15)).toBeAllClose([98 / 255, 136 / 255, 110 / 255], {
        rtol: 1e-6,
      });
      // np.bincount(y) for the train labels: 6000 each
      const counts = new Array<number>(10).fill(0);
      for (const label of train.labels ?? []) counts[label]++;
      expect(counts).toEqual(new Array<number>(10).fill(6000));
    },
  );
});
