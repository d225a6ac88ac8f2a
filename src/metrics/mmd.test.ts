import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { MetricArgumentError } from './errors.js';
import type { Features } from './features.js';
import { mmdSquared } from './mmd.js';

const rows = (r: number[][]): Features => ({
  values: Float64Array.from(r.flat()),
  n: r.length,
  d: r[0].length,
});

const X = rows([
  [0.126, -0.132],
  [0.64, 0.105],
  [-0.536, 0.362],
  [1.304, 0.947],
  [-0.704, -1.265],
]);

/** n draws of N(mean, I) in d dimensions. */
function normal(n: number, d: number, mean: number, seed: number): Features {
  const random = new Random(seed);
  return { values: Float64Array.from({ length: n * d }, () => mean + random.normal()), n, d };
}

describe('mmdSquared', () => {
  // k(a, b) = mean over s of exp(-||a - b||^2 / (2 s^2)); with K the Gram matrices (/usr/bin/python3, numpy 1.24):
  // (Kxx.sum() - trace(Kxx)) / (n (n - 1)) + (Kyy.sum() - trace(Kyy)) / (m (m - 1)) - 2 Kxy.mean()
  it.each([
    [
      'the default bandwidths, a sample against one nearby',
      [
        [-0.235, 0.762],
        [-2.788, 0.372],
        [-1.169, -0.398],
        [-0.116, 0.226],
      ],
      undefined,
      -0.010395313255302074,
    ],
    [
      'the default bandwidths, a sample against a shifted one',
      [
        [1.765, 2.762],
        [-0.788, 2.372],
        [0.831, 1.602],
        [1.884, 2.226],
      ],
      undefined,
      0.35453993356160896,
    ],
    [
      'one bandwidth of 1',
      [
        [1.765, 2.762],
        [-0.788, 2.372],
        [0.831, 1.602],
        [1.884, 2.226],
      ],
      [1],
      0.4791017919674658,
    ],
  ])('matches numpy: %s', (_name, y, bandwidths, expected) => {
    expect(mmdSquared(X, rows(y), { bandwidths })).toBeCloseTo(expected, 12);
  });

  it('is symmetric in its two samples', () => {
    const [a, b] = [normal(50, 3, 0, 1), normal(40, 3, 0.5, 2)];
    expect(mmdSquared(a, b)).toBeCloseTo(mmdSquared(b, a), 12);
  });

  it('is near 0 for two samples of one distribution and grows with a shift of the mean', () => {
    const same = mmdSquared(normal(400, 2, 0, 3), normal(400, 2, 0, 4));
    const near = mmdSquared(normal(400, 2, 0, 3), normal(400, 2, 0.5, 4));
    const far = mmdSquared(normal(400, 2, 0, 3), normal(400, 2, 2, 4));
    expect(Math.abs(same)).toBeLessThan(0.005);
    expect(near).toBeGreaterThan(0.02);
    expect(far).toBeGreaterThan(near);
  });

  it('refuses samples of two dimensions and bad bandwidths, naming them', () => {
    expect(() => mmdSquared(X, normal(5, 3, 0, 1))).toThrow(MetricArgumentError);
    expect(() => mmdSquared(X, normal(5, 3, 0, 1))).toThrow(/one dimension, got 2 and 3/);
    expect(() => mmdSquared(X, X, { bandwidths: [1, -1] })).toThrow(/'bandwidths' must be positive/);
    expect(() => mmdSquared(X, X, { bandwidths: [] })).toThrow(/'bandwidths'/);
  });
});
