import { describe, expect, it } from 'vitest';
import { lcgFeatures } from '../../test/lcg-features.js';
import { MetricArgumentError } from './errors.js';
import { precisionRecall } from './precision-recall.js';

// The inputs, and the Python that reproduces them, are in test/lcg-features.ts.

const A = [lcgFeatures(11, 30, 3), lcgFeatures(12, 25, 3, { scale: 1.3, shift: 0.1 })] as const;
const B = [lcgFeatures(13, 300, 4), lcgFeatures(14, 280, 4, { skew: true })] as const;
const C = [lcgFeatures(15, 120, 32), lcgFeatures(16, 90, 32, { scale: 0.8, shift: 0.05 })] as const;

describe('precisionRecall', () => {
  // A direct numpy implementation on full distance matrices (/usr/bin/python3, numpy 1.24.2):
  //   def radii(x):   # column 0 of the sorted distances is the vector itself
  //       return np.sort(np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1)), axis=1)[:, k]
  //   D = np.sqrt(((fake[:, None] - real[None]) ** 2).sum(-1))
  //   precision = (D <= radii(real)[None]).any(1).mean(); recall = (D.T <= radii(fake)[None]).any(1).mean()
  // with real, fake = feats(11, 30, 3), feats(12, 25, 3, scale=1.3, shift=0.1) (A),
  // feats(13, 300, 4), feats(14, 280, 4, skew=True) (B), feats(15, 120, 32), feats(16, 90, 32, scale=0.8, shift=0.05)
  // (C). No distance lies within 1e-5 (relative) of a radius, so rounding cannot change a decision.
  it.each([
    ['A', A, 1, 0.28, 0.7666666666666667],
    ['A', A, 3, 0.68, 1],
    ['A', A, 5, 0.88, 1],
    ['B', B, 1, 0.3392857142857143, 0.7333333333333333],
    ['B', B, 3, 0.5142857142857142, 0.98],
    ['B', B, 5, 0.6035714285714285, 0.9966666666666667],
    ['C', C, 1, 0.9333333333333333, 0.075],
    ['C', C, 3, 0.9888888888888889, 0.21666666666666667],
    ['C', C, 5, 1, 0.30833333333333335],
  ] as const)(
    '%s, k = %i: matches numpy on full distance matrices',
    (_, [real, fake], k, precision, recall) => {
      expect(precisionRecall(real, fake, { k })).toEqual({ precision, recall });
    },
  );

  it('uses k = 3 by default', () => {
    expect(precisionRecall(...B)).toEqual({ precision: 0.5142857142857142, recall: 0.98 });
  });

  // B has 300 and 280 rows: the default block of 256 splits both, and odd blocks leave a row without a partner.
  it.each([1, 2, 7, 255, 256, 299, 300, 1000])(
    'gives the same answer with blocks of %i rows',
    (blockSize) => {
      expect(precisionRecall(...B, { blockSize })).toEqual({ precision: 0.5142857142857142, recall: 0.98 });
      expect(precisionRecall(...A, { k: 1, blockSize })).toEqual({
        precision: 0.28,
        recall: 0.7666666666666667,
      });
    },
  );

  it('gives 1 and 1 for a set against itself, whatever k', () => {
    for (const k of [1, 3, 10])
      expect(precisionRecall(C[0], C[0], { k })).toEqual({ precision: 1, recall: 1 });
  });

  it('gives 0 and 0 for two clusters far apart', () => {
    const far = { ...B[0], values: B[0].values.map((x) => x + 100) };
    expect(precisionRecall(B[0], far)).toEqual({ precision: 0, recall: 0 });
  });

  it('scores a collapsed generator as precise but without recall', () => {
    // Fake vectors in the middle 0.3 x 0.3 of the real unit square: nearly all inside the real balls, but their
    // small balls reach only the real vectors of the middle, about 0.3^2 of them. The numpy reference above with
    // real, fake = feats(31, 200, 2), feats(32, 200, 2, scale=0.3), k = 3 gives 0.97 and 0.11.
    const got = precisionRecall(lcgFeatures(31, 200, 2), lcgFeatures(32, 200, 2, { scale: 0.3 }));
    expect(got).toEqual({ precision: 0.97, recall: 0.11 });
  });

  it('counts duplicates as other vectors: k + 1 copies have radius 0 and still cover themselves', () => {
    // Every real vector repeated 4 times: with k = 3 each ball is a point, which covers exactly its own copies.
    const base = lcgFeatures(41, 10, 3);
    const values = new Float64Array(4 * base.values.length);
    for (let c = 0; c < 4; c++) values.set(base.values, c * base.values.length);
    const real = { values, n: 40, d: 3 };
    expect(precisionRecall(real, real, { k: 3 })).toEqual({ precision: 1, recall: 1 });
    // Fake = half the distinct real vectors, nudged off them by 1e-3 a coordinate: none lands on a zero-radius ball.
    const fake = { values: base.values.slice(0, 15).map((x) => x + 1e-3), n: 5, d: 3 };
    expect(precisionRecall(real, fake, { k: 3 }).precision).toBe(0);
    // With k = 4 the radius reaches the nearest other distinct vector, and the nudged copies are inside.
    expect(precisionRecall(real, fake, { k: 4 }).precision).toBe(1);
  });

  it('includes a vector exactly on the radius (<=)', () => {
    // Real points 0, 1, 3 on a line: radii (k = 1) 1, 1, 2. Fake 5 is exactly 2 from 3; fake 5.5 is not.
    const real = { values: Float64Array.of(0, 1, 3), n: 3, d: 1 };
    expect(precisionRecall(real, { values: Float64Array.of(5, 5), n: 2, d: 1 }, { k: 1 }).precision).toBe(1);
    expect(precisionRecall(real, { values: Float64Array.of(5.5, 2), n: 2, d: 1 }, { k: 1 }).precision).toBe(
      0.5,
    );
  });

  it('reads a Float32Array as the float64 values it holds', () => {
    const [real, fake] = [Float32Array.from(A[0].values), Float32Array.from(A[1].values)];
    expect(precisionRecall({ ...A[0], values: real }, { ...A[1], values: fake })).toEqual(
      precisionRecall(
        { ...A[0], values: Float64Array.from(real) },
        { ...A[1], values: Float64Array.from(fake) },
      ),
    );
  });

  it.each([
    [
      'k = n of the fake set',
      () => precisionRecall(...A, { k: 25 }),
      "option 'k' must be below the number of rows of 'fake' (a k-th nearest other vector), got k = 25 with n = 25",
    ],
    [
      'k = n of the real set',
      () => precisionRecall(A[1], A[0], { k: 25 }),
      "option 'k' must be below the number of rows of 'real'",
    ],
    ['k = 0', () => precisionRecall(...A, { k: 0 }), "option 'k' must be an integer >= 1, got 0"],
    [
      'a fractional k',
      () => precisionRecall(...A, { k: 2.5 }),
      "option 'k' must be an integer >= 1, got 2.5",
    ],
    [
      'a zero blockSize',
      () => precisionRecall(...A, { blockSize: 0 }),
      "option 'blockSize' must be an integer >= 1, got 0",
    ],
    [
      'sets of different dimensions',
      () => precisionRecall(A[0], C[1]),
      "arguments 'real' and 'fake' must have the same dimension d, got 3 and 32",
    ],
    [
      'a NaN feature',
      () => precisionRecall(A[0], { values: Float64Array.of(0, NaN, 0, 0, 0, 0), n: 2, d: 3 }),
      "argument 'fake.values' must be finite, got NaN at row 0, column 1",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(`precisionRecall: ${message}`);
  });
});
