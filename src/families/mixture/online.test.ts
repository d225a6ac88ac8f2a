import { describe, expect, it } from 'vitest';
import { GaussianMixture, GaussianMixtureError, type CovarianceType } from './gmm.js';
import { batchStatistics, blendStatistics, copyStatistics, onlineStepSize } from './online.js';

type Matrix = { data: Float64Array; n: number; d: number };

const CENTRES = [
  [0, 0],
  [8, 8],
  [-8, 8],
];

/** n points from 3 well-separated 2-D Gaussians, point i from component i % 3 (Park-Miller + Box-Muller). */
function threeClusters(n: number, seed: number): Matrix {
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const a = [
    [1, 0, 0.5, 0.8],
    [0.6, 0, -0.3, 1.2],
    [0.9, 0, 0, 0.4],
  ];
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const z = [normal(), normal()];
    data[2 * i] = CENTRES[c][0] + a[c][0] * z[0] + a[c][1] * z[1];
    data[2 * i + 1] = CENTRES[c][1] + a[c][2] * z[0] + a[c][3] * z[1];
  }
  return { data, n, d: 2 };
}

const rows = (m: Matrix, start: number, count: number): Matrix => ({
  data: m.data.slice(start * m.d, (start + count) * m.d),
  n: count,
  d: m.d,
});

const TRAIN = threeClusters(10_000, 12345);
const HELD_OUT = threeClusters(3_000, 777);
const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

/** Component means sorted by their nearest true centre, so that runs with different labellings compare. */
function sortedMeans(gmm: GaussianMixture): number[] {
  return CENTRES.flatMap((c) => {
    let best = 0;
    for (let j = 1; j < gmm.k; j++) {
      const dist = (i: number) => (gmm.means[2 * i] - c[0]) ** 2 + (gmm.means[2 * i + 1] - c[1]) ** 2;
      if (dist(j) < dist(best)) best = j;
    }
    return [gmm.means[2 * best], gmm.means[2 * best + 1]];
  });
}

describe('step size schedule', () => {
  // /usr/bin/python3: 2**-0.6, 3**-0.6, 21**-0.6, 2**-1.0, 3**-0.75
  it.each([
    [0, 0.6, 0.6597539553864471],
    [1, 0.6, 0.5172818579717866],
    [19, 0.6, 0.16094164024930613],
    [0, 1, 0.5],
    [1, 0.75, 0.4386913376508308],
  ])('gamma_%i with alpha %f', (t, alpha, expected) => {
    expect(onlineStepSize(t, alpha)).toBeAllClose(expected, { rtol: 1e-12 });
  });

  it('defaults to alpha = 0.6', () => {
    expect(onlineStepSize(3)).toBe(5 ** -0.6);
  });

  it('partialFit uses gamma_t with t the minibatches seen before', () => {
    const b = [0, 500, 1000].map((s) => rows(TRAIN, s, 500));
    const scheduled = new GaussianMixture(3, { stepDecay: 0.75 });
    const explicit = new GaussianMixture(3, { stepDecay: 0.75 });
    scheduled.partialFit(b[0]).partialFit(b[1]).partialFit(b[2]);
    explicit
      .partialFit(b[0])
      .partialFit(b[1], { stepSize: onlineStepSize(1, 0.75) })
      .partialFit(b[2], { stepSize: onlineStepSize(2, 0.75) });
    expect(scheduled.nBatchesSeen).toBe(3);
    expect(scheduled.means).toBeAllClose(explicit.means, { rtol: 1e-14 });
    expect(scheduled.covariances).toBeAllClose(explicit.covariances, { rtol: 1e-14 });
    const other = new GaussianMixture(3, { stepDecay: 0.75 });
    other
      .partialFit(b[0])
      .partialFit(b[1], { stepSize: onlineStepSize(2, 0.75) })
      .partialFit(b[2]);
    expect(Math.abs(other.means[0] - scheduled.means[0])).toBeGreaterThan(1e-9);
  });
});

describe('sufficient statistics', () => {
  it.each(TYPES)(
    '%s: blending two batches with gamma = n2 / (n1 + n2) gives the statistics of both',
    (type) => {
      const gmm = new GaussianMixture(3, { covarianceType: type }).fit(rows(TRAIN, 0, 300));
      const [a, b] = [rows(TRAIN, 300, 200), rows(TRAIN, 500, 600)];
      const stats = (m: Matrix) => batchStatistics(type, m.data, gmm.predictProba(m), m.n, 2, 3);
      const both = stats(rows(TRAIN, 300, 800));
      const blended = blendStatistics(copyStatistics(stats(a)), stats(b), 600 / 800);
      expect(blended.resp).toBeAllClose(both.resp, { rtol: 1e-12 });
      expect(blended.sx).toBeAllClose(both.sx, { rtol: 1e-12 });
      expect(blended.sxx).toBeAllClose(both.sxx, { rtol: 1e-12 });
      expect(both.resp.reduce((s, v) => s + v, 0)).toBeAllClose(1, { rtol: 1e-12 });
    },
  );

  it.each(TYPES)(
    '%s: with step size 1, partialFit on a fitted model is one batch EM step',
    (covarianceType) => {
      const batch = rows(TRAIN, 0, 600);
      const online = new GaussianMixture(3, { covarianceType, maxIter: 2 }).fit(batch);
      const reference = new GaussianMixture(3, { covarianceType, maxIter: 2 }).fit(batch);
      for (const m of [batch, rows(TRAIN, 600, 400)]) {
        online.partialFit(m, { stepSize: 1 });
        reference.mStep(m, reference.eStep(m).logResp);
        expect(online.weights).toBeAllClose(reference.weights, { rtol: 1e-9 });
        expect(online.means).toBeAllClose(reference.means, { rtol: 1e-9 });
        expect(online.covariances).toBeAllClose(reference.covariances, { rtol: 1e-9 });
      }
    },
  );
});

describe('online EM on a stream', () => {
  it.each(TYPES)(
    '%s: 20 minibatches of 500 reach batch EM held-out log-likelihood within 0.02 nats',
    (covarianceType) => {
      const batchEm = new GaussianMixture(3, { covarianceType, tol: 1e-8, maxIter: 500 }).fit(TRAIN);
      const online = new GaussianMixture(3, { covarianceType });
      for (let b = 0; b < 20; b++) online.partialFit(rows(TRAIN, 500 * b, 500));
      expect(online.nBatchesSeen).toBe(20);
      const gap = batchEm.score(HELD_OUT) - online.score(HELD_OUT);
      expect(Math.abs(gap)).toBeLessThan(0.02);
      expect(sortedMeans(online)).toBeAllClose(sortedMeans(batchEm), { atol: 0.05 });
      expect(sortedMeans(online)).toBeAllClose(CENTRES.flat(), { atol: 0.1 });
    },
  );

  it('initialises from the configured means on the first batch', () => {
    const means = [
      [-7, 7],
      [1, 1],
      [7, 7],
    ];
    const gmm = new GaussianMixture(3, { init: { means } }).partialFit(rows(TRAIN, 0, 500));
    expect(Array.from(gmm.means)).toBeAllClose([-8, 8, 0, 0, 8, 8], { atol: 0.3 });
  });

  it('restarts its statistics after fit', () => {
    const gmm = new GaussianMixture(3).partialFit(rows(TRAIN, 0, 500)).partialFit(rows(TRAIN, 500, 500));
    gmm.fit(rows(TRAIN, 1000, 500)).partialFit(rows(TRAIN, 1500, 500));
    expect(gmm.nBatchesSeen).toBe(1);
  });
});

describe('errors', () => {
  const fitted = () => new GaussianMixture(3).partialFit(rows(TRAIN, 0, 500));
  it.each([
    ['a batch of the wrong width', () => fitted().partialFit([[1, 2, 3]]), /must have d = 2 columns/],
    [
      'a NaN in the batch',
      () =>
        fitted().partialFit([
          [0, 1],
          [2, NaN],
        ]),
      /argument 'x' must be finite: entry \[1\]\[1\] is NaN/,
    ],
    [
      'a first batch smaller than k',
      () => new GaussianMixture(3).partialFit([[0], [1]]),
      /at least k = 3 rows/,
    ],
    [
      'a step size of 0',
      () => fitted().partialFit([[0, 1]], { stepSize: 0 }),
      /'stepSize' must be in \(0, 1\]/,
    ],
    ['a step size above 1', () => fitted().partialFit([[0, 1]], { stepSize: 1.5 }), /got 1.5/],
    [
      'a step decay of 0.5',
      () => new GaussianMixture(3, { stepDecay: 0.5 }),
      /'stepDecay' must be in \(0.5, 1\]/,
    ],
  ])('%s', (_name, run, message) => {
    expect(run).toThrow(GaussianMixtureError);
    expect(run).toThrow(message);
  });

  it('a rejected batch leaves the model unchanged', () => {
    const gmm = fitted();
    const means = gmm.means.slice();
    expect(() => gmm.partialFit([[NaN, 0]])).toThrow(GaussianMixtureError);
    expect(gmm.means).toEqual(means);
    expect(gmm.nBatchesSeen).toBe(1);
  });
});
