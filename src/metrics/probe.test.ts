import { describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { lcgFeatures } from '../../test/lcg-features.js';
import { MetricArgumentError } from './errors.js';
import type { Features } from './features.js';
import { linearProbeAccuracy, nearestNeighbourAccuracy } from './probe.js';

/**
 * Three overlapping classes over four features, the same in Python (feats and lcg from test/lcg-features.ts):
 *
 *   def data(seed, n):
 *       x = feats(seed, n, 4); e = feats(seed + 1000, n, 3)
 *       scores = np.stack([x[:,0] + 0.5*x[:,3], x[:,1] - 0.5*x[:,3], x[:,2]], 1) + 0.3*e
 *       return x, scores.argmax(1)
 */
function classes(seed: number, n: number): { x: Features; y: Int32Array } {
  const x = lcgFeatures(seed, n, 4);
  const e = lcgFeatures(seed + 1000, n, 3).values;
  const v = x.values;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = [
      v[4 * i] + 0.5 * v[4 * i + 3] + 0.3 * e[3 * i],
      v[4 * i + 1] - 0.5 * v[4 * i + 3] + 0.3 * e[3 * i + 1],
      v[4 * i + 2] + 0.3 * e[3 * i + 2],
    ];
    y[i] = s.indexOf(Math.max(...s));
  }
  return { x, y };
}

const train = classes(11, 600);
const test = classes(12, 300);

describe('nearestNeighbourAccuracy', () => {
  it('matches scikit-learn', () => {
    // KNeighborsClassifier(1).fit(xtr, ytr).score(xte, yte)   (/usr/bin/python3, scikit-learn 1.2)
    expect(nearestNeighbourAccuracy(train.x, train.y, test.x, test.y)).toBeCloseTo(0.8266666666666667, 12);
  });

  it('leaves each row out of its own neighbours, and matches numpy', () => {
    // D = pairwise_distances(xte); np.fill_diagonal(D, np.inf); (yte[D.argmin(1)] == yte).mean()
    expect(nearestNeighbourAccuracy(test.x, test.y, test.x, test.y, { leaveOneOut: true })).toBeCloseTo(
      0.7433333333333333,
      12,
    );
    // Without leaving out, every row is its own nearest neighbour.
    expect(nearestNeighbourAccuracy(test.x, test.y, test.x, test.y)).toBe(1);
  });

  it('gives the same answer whatever the chunk, and frees its tensors', () => {
    const before = tf.memory().numTensors;
    const chunked = nearestNeighbourAccuracy(train.x, train.y, test.x, test.y, { chunk: 7 });
    expect(chunked).toBeCloseTo(0.8266666666666667, 12);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses mismatched labels and dimensions, naming them', () => {
    expect(() => nearestNeighbourAccuracy(train.x, train.y.subarray(1), test.x, test.y)).toThrow(
      /'referenceLabels' must hold one label per row \(600\), got 599/,
    );
    expect(() => nearestNeighbourAccuracy(train.x, train.y, lcgFeatures(1, 300, 3), test.y)).toThrow(
      MetricArgumentError,
    );
  });
});

describe('linearProbeAccuracy', () => {
  it('reaches scikit-learn’s accuracy with the same objective', () => {
    // sc = StandardScaler().fit(xtr)
    // LogisticRegression(C=1.0, max_iter=10000).fit(sc.transform(xtr), ytr).score(sc.transform(xte), yte)
    const accuracy = linearProbeAccuracy(train.x, train.y, test.x, test.y, 3);
    expect(Math.abs(accuracy - 0.8433333333333334)).toBeLessThanOrEqual(0.01);
  });

  it('beats chance by far on separable classes and frees its tensors', () => {
    const before = tf.memory().numTensors;
    const x = lcgFeatures(5, 200, 2);
    const y = Int32Array.from({ length: 200 }, (_, i) => (x.values[2 * i] > 0 ? 1 : 0));
    expect(linearProbeAccuracy(x, y, x, y, 2)).toBeGreaterThan(0.97);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses labels out of range and a bad C', () => {
    const y = Int32Array.from(train.y, (v) => v + 1);
    expect(() => linearProbeAccuracy(train.x, y, test.x, test.y, 3)).toThrow(
      /'trainLabels' must hold integers in \[0, 3\), got 3/,
    );
    expect(() => linearProbeAccuracy(train.x, train.y, test.x, test.y, 3, { C: 0 })).toThrow(
      /'C' must be positive/,
    );
  });
});
