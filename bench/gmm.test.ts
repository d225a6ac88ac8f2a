// The gmm benchmark without its timing: the shared initial means, their CSV, the fit from them, the targets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../src/data/registry.js';
import { BENCHMARKS } from './registry.js';
import { fitLatentlab, gmm, initialMeans, logLikelihoodTarget, timeRatioTarget, toCsv } from './gmm.js';

// Two well-separated clusters of 4 points each in 2-d.
const POINTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [10, 10],
  [10, 11],
  [11, 10],
  [11, 11],
];

describe('initial means', () => {
  it('are the k-means centroids, the same for the same seed', () => {
    const data = Float64Array.from(POINTS.flat());
    const means = initialMeans(data, 8, 2, 2, 0);
    const sorted = [...means].sort((p, q) => p[0] - q[0]);
    expect(sorted).toEqual([
      [0.5, 0.5],
      [10.5, 10.5],
    ]);
    expect(initialMeans(data, 8, 2, 2, 0)).toEqual(means);
  });

  it('read back exactly from their CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-gmm-test-'));
    try {
      const rows = [
        [0.1, -1 / 3, 1e-17],
        [Math.PI, 2 ** 40 + 0.5, -2.5e-300],
      ];
      writeFileSync(join(dir, 'm.csv'), toCsv(rows));
      const table = readTable(join(dir, 'm.csv'), { header: false });
      expect([table.n, table.d]).toEqual([2, 3]);
      expect(Array.from(table.data)).toEqual(rows.flat());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fitLatentlab', () => {
  it('fits the CSV from the given means and reports iterations and the mean log-likelihood', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-gmm-test-'));
    try {
      const path = join(dir, 'x.csv');
      writeFileSync(path, toCsv(POINTS));
      const fitted = fitLatentlab(path, [
        [0, 0],
        [10, 10],
      ]);
      expect(fitted.iterations).toBeGreaterThanOrEqual(1);
      expect(fitted.iterations).toBe(fitted.lowerBounds.length);
      expect(fitted.converged).toBe(true);
      // Each cluster: mean (0.5, 0.5), covariance 0.25 I (+1e-6); weights 1/2. log p(x) = log 1/2 + log N.
      const logN = -Math.log(2 * Math.PI) - Math.log(0.25 + 1e-6) - (0.5 * 0.5) / (0.25 + 1e-6);
      expect(fitted.meanLogLik).toBeCloseTo(Math.log(0.5) + logN, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('targets', () => {
  it.each([
    ['at the limit', 2, 1, true],
    ['over the limit', 2.01, 1, false],
    ['faster than the peer', 0.5, 1, true],
  ])('time ratio %s', (_, ours, peer, met) => {
    expect(timeRatioTarget(ours, peer).met).toBe(met);
  });

  it.each([
    ['higher than the peer', -9.7, true],
    ['within 1e-3 below', -9.7 - 9e-4, true],
    ['more than 1e-3 below', -9.7 - 1.1e-3, false],
  ])('log-likelihood %s', (_, ours, met) => {
    const target = logLikelihoodTarget(
      { meanLogLik: ours, iterations: 8 },
      { meanLogLik: -9.7, iterations: 9 },
    );
    expect(target.met).toBe(met);
    expect(target.description).toContain('in 8 iterations vs -9.70000 in 9');
  });
});

it('is registered', () => {
  expect(BENCHMARKS).toContain(gmm);
});
