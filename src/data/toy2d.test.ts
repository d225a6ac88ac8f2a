import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';
import { DataNotFoundError } from './dataset.js';
import {
  sampleToy2d,
  toy2dDataset,
  toy2dLogDensity,
  toy2dModes,
  TOY2D_NAMES,
  type Toy2dName,
} from './toy2d.js';

/** Sample mean and covariance [xx, xy, yx, yy] of n * 2 values, in float64. */
function moments(x: ArrayLike<number>): { mean: number[]; cov: number[] } {
  const n = x.length / 2;
  let [mx, my] = [0, 0];
  for (let i = 0; i < n; i++) [mx, my] = [mx + x[2 * i] / n, my + x[2 * i + 1] / n];
  let [sxx, sxy, syy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [dx, dy] = [x[2 * i] - mx, x[2 * i + 1] - my];
    [sxx, sxy, syy] = [sxx + (dx * dx) / (n - 1), sxy + (dx * dy) / (n - 1), syy + (dy * dy) / (n - 1)];
  }
  return { mean: [mx, my], cov: [sxx, sxy, sxy, syy] };
}

/** The midpoint-rule integral of exp(logp) over [lo, hi]^2 with `res` cells per axis. */
function integrate(logp: (p: Float64Array) => Float64Array, [lo, hi]: [number, number], res: number): number {
  const h = (hi - lo) / res;
  const points = new Float64Array(2 * res * res);
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++) points.set([lo + (i + 0.5) * h, lo + (j + 0.5) * h], 2 * (j * res + i));
  return logp(points).reduce((s, l) => s + Math.exp(l), 0) * h * h;
}

const PI = Math.PI;

// Exact moments of the definitions in sampleToy2d's docs (derived by hand; swissroll by scipy.integrate.quad of
// E[t cos t], E[(t cos t)^2], ... over t ~ U(1.5 pi, 4.5 pi), plus the noise variance 1/25). FFJORD's own generators
// (lib/toy_data.py, 1e6 draws) give the same within 0.005.
const MOMENTS: [Toy2dName, number[], number[]][] = [
  // upper moon mean (0, 2/pi), lower (1, 1/2 - 2/pi); var x = 1/2 + 1/4, cov = 1/8 - 1/pi, + 0.05^2 noise
  [
    'moons',
    [0.5, 0.25],
    [0.7525, 0.125 - 1 / PI, 0.125 - 1 / PI, 0.5 - 4 / PI ** 2 + (4 / PI - 0.5) ** 2 / 4 + 0.0025],
  ],
  ['8gaussians', [0, 0], [4.125, 0, 0, 4.125]], // 0.5^2/2 + (8/2)/2
  ['25gaussians', [0, 0], [1 + 1 / 3200, 0, 0, 1 + 1 / 3200]],
  ['checkerboard', [0, 0], [16 / 3, 1, 1, 16 / 3]], // U(-4, 4) marginals, E[xy] = 4 * mean of the squares' centres
  [
    'swissroll',
    [0.4, 0.04244131815783852],
    [1.7945728582124254, 0.17151903195225165, 0.17151903195225165, 1.9727715927254492],
  ],
  ['circles', [0, 0], [(4.5 + 1.125) / 2 + 0.0576, 0, 0, (4.5 + 1.125) / 2 + 0.0576]],
  ['pinwheel', [0, 0], [2.2, 0, 0, 2.2]], // E|x|^2 = 4 (1 + 0.09 + 0.01), isotropic by the 5-fold symmetry
];

describe('sampleToy2d', () => {
  it.each(MOMENTS)('%s: the mean and covariance of 100k draws match the exact ones', (name, mean, cov) => {
    const got = moments(sampleToy2d(name, 100_000, 7));
    const scale = Math.max(cov[0], cov[3]);
    // About 5 standard errors of the mean and of a covariance entry (heavier-tailed mixtures: 4 var sqrt(2/n)).
    expect(got.mean).toBeAllClose(mean, { rtol: 0, atol: 5 * Math.sqrt(scale / 100_000) });
    expect(got.cov).toBeAllClose(cov, { rtol: 0, atol: 4 * scale * Math.sqrt(2 / 100_000) });
  });

  it('moons match the peer generator (flow2d_torch.py) in distribution', () => {
    // /usr/bin/python3: x = moons(4_000_000, np.random.default_rng(0)) (from /work/shared/peers/flow2d_torch.py);
    // x.mean(0), np.cov(x.T).ravel()
    const peerMean = [0.49974736266925407, 0.25003869080561264];
    const peerCov = [0.7527296402667604, -0.19325348710534473, -0.19325348710534473, 0.2465751444413503];
    const got = moments(sampleToy2d('moons', 400_000, 3));
    expect(got.mean).toBeAllClose(peerMean, { rtol: 0, atol: 0.005 });
    expect(got.cov).toBeAllClose(peerCov, { rtol: 0, atol: 0.005 });
  });

  it('is the same for the same seed and different for another', () => {
    expect(sampleToy2d('pinwheel', 50, 1)).toEqual(sampleToy2d('pinwheel', 50, 1));
    expect(sampleToy2d('pinwheel', 50, 1)).not.toEqual(sampleToy2d('pinwheel', 50, 2));
    expect(sampleToy2d('moons', 0, 1)).toEqual(new Float32Array(0));
  });

  it('puts checkerboard points only on its squares', () => {
    const logp = toy2dLogDensity('checkerboard')!;
    const x = sampleToy2d('checkerboard', 10_000, 5);
    expect(logp(Float64Array.from(x)).every((l) => l === -Math.log(32))).toBe(true);
  });

  it.each([
    ['an unknown name', () => sampleToy2d('foo', 10, 0)],
    ['an unknown name (density)', () => toy2dLogDensity('foo')],
    ['an unknown name (data set)', () => toy2dDataset('foo')],
  ])('rejects %s with a DataNotFoundError listing the names', (_, f) => {
    expect(f).toThrow(DataNotFoundError);
    expect(f).toThrow(
      "unknown 2-D data set 'foo' (expected moons, 8gaussians, 25gaussians, checkerboard, swissroll, circles, pinwheel, ring8 or grid25)",
    );
  });

  it.each([
    [
      'a negative n',
      () => sampleToy2d('moons', -1, 0),
      "sampleToy2d: argument 'n' must be an integer >= 0, got -1",
    ],
    ['a fractional n', () => sampleToy2d('moons', 2.5, 0), "argument 'n' must be an integer >= 0, got 2.5"],
    [
      'a bad trainSize',
      () => toy2dDataset('moons', { trainSize: -3 }),
      "option 'trainSize' must be an integer",
    ],
    [
      'an odd number of coordinates',
      () => toy2dLogDensity('moons')!(new Float64Array(3)),
      "'points' must hold n * 2",
    ],
  ])('rejects %s, naming the argument', (_, f, message) => {
    expect(f).toThrow(message);
  });
});

describe('toy2dLogDensity', () => {
  // /usr/bin/python3, scipy 1.10: log of the mixture of integrate.quad(lambda t: multivariate_normal.pdf(x, c(t),
  // sigma^2 I) / L, lo, hi, epsrel=1e-10) over the curves (moons: c(a) = (cos a, sin a) and (1 - cos a, 0.5 - sin a)
  // on [0, pi], sigma 0.05; swissroll: (t cos t, t sin t) / 5 on [1.5 pi, 4.5 pi], sigma 0.2; circles: radius 3 and
  // 1.5 on [0, 2 pi], sigma 0.24); Gaussian mixtures: logsumexp of multivariate_normal.logpdf - log m.
  it.each([
    [
      'moons',
      [0, 1, 1, -0.5, 0.5, 0.25, -1.02, 0.05, 2, 0.5, 0.3, 0.9],
      [
        0.2392295655862118, 0.23922956558621217, -37.66979042021449, -0.037156623045326284,
        -0.45391761497373384, -0.2610941377929942,
      ],
    ],
    [
      'swissroll',
      [0, 0, 2, -1, -1.5, 1, 2.6, 0.4, 0, -2.7],
      [-13.556670877657423, -2.8212928028178585, -2.152510611137147, -2.5993367496330912, -5.563242091077846],
    ],
    [
      'circles',
      [0, 0, 1.5, 0, 2, 2, 0.3, -3.1, -2.2, 0.1],
      [-19.208041535689006, -2.4250694319610937, -3.346692816352161, -3.2531801280394768, -6.713762535998056],
    ],
    [
      '8gaussians',
      [0, 0, 2.8284, 0, 2, 2, -1, 3, 6, -6],
      [-31.75843552472951, -1.837877054891766, -1.8378770519513576, -5.935231078943657, -129.83787706640933],
    ],
    [
      '25gaussians',
      [0, 0, 0.7071, -1.4142, 0.02, 0.01, 0.35, 0.35, 3, 3],
      [3.014153197510271, 3.014152829634343, 2.2141531975102713, -388.98520254942935, -8044.085449239066],
    ],
    [
      'checkerboard',
      [0.5, 0.5, -3, -3, 3, -1, 2.5, 0.5, 4.5, 0],
      [-Math.log(32), -Math.log(32), -Math.log(32), -Infinity, -Infinity],
    ],
  ] as [Toy2dName, number[], number[]][])(
    '%s matches an independent scipy computation',
    (name, points, expected) => {
      // Within 1e-4 in log (the midpoint rule near a curve's ends), finite far into the tails.
      expect(toy2dLogDensity(name)!(Float64Array.from(points))).toBeAllClose(expected, {
        rtol: 1e-6,
        atol: 1e-4,
      });
    },
  );

  it.each([
    ['moons', [-1.6, 2.6], 150],
    ['8gaussians', [-5.5, 5.5], 120],
    ['25gaussians', [-2, 2], 240],
    ['checkerboard', [-4.5, 4.5], 90],
    ['swissroll', [-3.6, 3.6], 130],
    ['circles', [-4.6, 4.6], 110],
    ['pinwheel', [-6, 6], 120],
  ] as [Toy2dName, [number, number], number][])('%s integrates to 1 over a grid', (name, range, res) => {
    expect(integrate(toy2dLogDensity(name)!, range, res)).toBeAllClose(1, { rtol: 0, atol: 0.01 });
  });

  it.each([
    ['moons', 0.1, [-1.3, 2.3, -0.8, 1.3]],
    ['pinwheel', 0.25, [-5, 5, -5, 5]],
    ['swissroll', 0.2, [-3.4, 3.4, -3.4, 3.4]],
  ] as [Toy2dName, number, number[]][])(
    '%s agrees with a histogram of 200k draws',
    (name, width, [x0, x1, y0, y1]) => {
      const n = 200_000;
      const x = sampleToy2d(name, n, 11);
      const [nx, ny] = [Math.round((x1 - x0) / width), Math.round((y1 - y0) / width)];
      const counts = new Float64Array(nx * ny);
      for (let i = 0; i < n; i++) {
        const [bx, by] = [Math.floor((x[2 * i] - x0) / width), Math.floor((x[2 * i + 1] - y0) / width)];
        if (bx >= 0 && bx < nx && by >= 0 && by < ny) counts[by * nx + bx]++;
      }
      // Expected counts: n times the density's integral over each bin, by a 4 x 4 midpoint rule inside it.
      const sub = 4;
      const points = new Float64Array(2 * nx * ny * sub * sub);
      for (let b = 0, p = 0; b < nx * ny; b++)
        for (let s = 0; s < sub * sub; s++, p += 2) {
          points[p] = x0 + ((b % nx) + ((s % sub) + 0.5) / sub) * width;
          points[p + 1] = y0 + (Math.floor(b / nx) + (Math.floor(s / sub) + 0.5) / sub) * width;
        }
      const logp = toy2dLogDensity(name)!(points);
      let checked = 0;
      let chi2 = 0;
      for (let b = 0; b < nx * ny; b++) {
        let mass = 0;
        for (let s = 0; s < sub * sub; s++) mass += Math.exp(logp[b * sub * sub + s]);
        const expected = (n * mass * width * width) / (sub * sub);
        // 5 Poisson standard deviations plus 3% for the coarse midpoint rule inside the bin.
        expect(Math.abs(counts[b] - expected)).toBeLessThanOrEqual(
          5 * Math.sqrt(expected) + 0.03 * expected + 1,
        );
        if (expected > 50) {
          chi2 += (counts[b] - expected) ** 2 / expected;
          checked++;
        }
      }
      // Pearson's statistic over the bins with enough points: about 1 per bin (sd sqrt(2 / bins) < 0.1) when the
      // density is right; leaving out the pinwheel's Jacobian gives 3.7.
      expect(checked).toBeGreaterThan(200);
      expect(chi2 / checked).toBeLessThan(1.4);
    },
  );

  it('gives NaN for NaN coordinates and -Infinity at infinity', () => {
    for (const name of TOY2D_NAMES) {
      const got = toy2dLogDensity(name)!(Float64Array.from([NaN, 0, Infinity, 0, 0, -Infinity]));
      expect(Array.from(got)).toEqual([NaN, -Infinity, -Infinity]);
    }
  });
});

describe('toy2dDataset', () => {
  it('is a split of unlabelled 1 x 2 x 1 "images", independent draws, decided by the seed', () => {
    const split = toy2dDataset('8gaussians', { trainSize: 500, testSize: 300, seed: 4 });
    expect(split.name).toBe('8gaussians');
    expect(split.train).toMatchObject({ name: '8gaussians-train', n: 500, kind: 'vector', shape: [2] });
    expect(split.test).toMatchObject({ name: '8gaussians-test', n: 300, labels: null, numClasses: 0 });
    expect(split.train.values).toHaveLength(1000);
    expect(split.test.values).toHaveLength(600);
    expect(split.train.values.subarray(0, 600)).not.toEqual(split.test.values);
    expect(toy2dDataset('8gaussians', { trainSize: 500, testSize: 300, seed: 4 })).toEqual(split);
    // Values are raw coordinates, not in [0, 1].
    expect(split.train.values.some((v) => v < 0)).toBe(true);
  });

  it('defaults to 20,000 training and 10,000 test points, and batches as [m, 2]', () => {
    const { train, test } = toy2dDataset('moons');
    expect([train.n, test.n]).toEqual([20000, 10000]);
    const first = batches(train, { batchSize: 256, seed: 1 }).next();
    if (first.done === true) throw new Error('no batch');
    expect(first.value.x.shape).toEqual([256, 2]);
    expect(first.value.labels).toBeNull();
    tf.dispose(first.value.x);
  });
});

describe('ring8 and grid25 (the mode-collapse mixtures of the peer gan2d_torch.py)', () => {
  it.each([
    // (radius^2 / 2 + std^2) I for 8 centres on a circle of radius 2, std 0.02.
    ['ring8', [0, 0], [2 + 0.0004, 0, 0, 2 + 0.0004]],
    // (mean of {-4, -2, 0, 2, 4}^2 = 8) + std^2 per axis, std 0.05.
    ['grid25', [0, 0], [8 + 0.0025, 0, 0, 8 + 0.0025]],
  ] as [Toy2dName, number[], number[]][])(
    '%s: the mean and covariance of 100k draws match the exact ones',
    (name, mean, cov) => {
      const got = moments(sampleToy2d(name, 100_000, 7));
      const scale = cov[0];
      expect(got.mean).toBeAllClose(mean, { rtol: 0, atol: 5 * Math.sqrt(scale / 100_000) });
      expect(got.cov).toBeAllClose(cov, { rtol: 0, atol: 4 * scale * Math.sqrt(2 / 100_000) });
    },
  );

  it.each([
    // Cells of side std (0.02 and 0.05): the midpoint rule is exact to about e^(-2 pi^2) per Gaussian.
    ['ring8', [-2.5, 2.5], 250],
    ['grid25', [-5, 5], 200],
  ] as [Toy2dName, [number, number], number][])('%s integrates to 1 over a grid', (name, range, res) => {
    expect(integrate(toy2dLogDensity(name)!, range, res)).toBeAllClose(1, { rtol: 0, atol: 1e-6 });
  });

  // /usr/bin/python3, scipy 1.10: logsumexp([multivariate_normal(c_k, std^2 I).logpdf(x) for c_k in centres])
  // - log K, with the peer's mixture(name) centres (ring8's in float64: 2 (cos, sin)(2 pi k / 8)).
  it.each([
    [
      'ring8',
      [2, 0, Math.SQRT2 + 0.01, Math.SQRT2 - 0.02, 1.99, 0.03, 0, 0],
      [3.906727402767111, 3.2817274027671153, 2.656727402767111, -4994.013831055553],
    ],
    [
      'grid25',
      [0, 0, 2.03, -1.96, 1, 1, 4.1, 3.95],
      [0.9347116558304358, 0.4347116558304376, -397.6789939830496, -1.5652883441695464],
    ],
  ] as [Toy2dName, number[], number[]][])(
    '%s matches an independent scipy computation',
    (name, points, expected) => {
      expect(toy2dLogDensity(name)!(Float64Array.from(points))).toBeAllClose(expected, {
        rtol: 1e-10,
        atol: 1e-10,
      });
    },
  );

  it.each([
    ['ring8', 0.02, 8],
    ['grid25', 0.05, 25],
  ] as const)(
    '%s: the log-density at a centre is -log K - log(2 pi std^2), the other modes out of reach',
    (name, std, m) => {
      const { centres } = toy2dModes(name)!;
      const expected = -Math.log(m) - Math.log(2 * Math.PI * std * std);
      expect(toy2dLogDensity(name)!(centres)).toBeAllClose(expected, { rtol: 1e-12, atol: 0 });
    },
  );

  it.each([
    // The peer's mixture(name) centres, .double().numpy().ravel().tolist() (/usr/bin/python3, torch 1.13); ring8's
    // are rounded to float32 there, hence the 1e-7.
    [
      'ring8',
      0.02,
      [
        2.0, 0.0, 1.4142135381698608, 1.4142135381698608, 1.2246468525851679e-16, 2.0, -1.4142135381698608,
        1.4142135381698608, -2.0, 2.4492937051703357e-16, -1.4142135381698608, -1.4142135381698608,
        -3.6739402930577075e-16, -2.0, 1.4142135381698608, -1.4142135381698608,
      ],
    ],
    [
      'grid25',
      0.05,
      [
        -4, -4, -4, -2, -4, 0, -4, 2, -4, 4, -2, -4, -2, -2, -2, 0, -2, 2, -2, 4, 0, -4, 0, -2, 0, 0, 0, 2, 0,
        4, 2, -4, 2, -2, 2, 0, 2, 2, 2, 4, 4, -4, 4, -2, 4, 0, 4, 2, 4, 4,
      ],
    ],
  ] as [Toy2dName, number, number[]][])(
    "%s: toy2dModes gives the peer's centres in the peer's order",
    (name, std, centres) => {
      const modes = toy2dModes(name)!;
      expect(modes.std).toBe(std);
      expect(modes.centres).toBeAllClose(centres, { rtol: 0, atol: 1e-7 });
    },
  );

  it('draws only near the centres of ring8 and grid25', () => {
    for (const name of ['ring8', 'grid25'] as const) {
      const { centres, std } = toy2dModes(name)!;
      const x = sampleToy2d(name, 5000, 2);
      for (let i = 0; i < 5000; i++) {
        let best = Infinity;
        for (let k = 0; k < centres.length / 2; k++)
          best = Math.min(best, Math.hypot(x[2 * i] - centres[2 * k], x[2 * i + 1] - centres[2 * k + 1]));
        // P(|e| > 6 std) = e^-18 for a 2-D standard normal: none in 5,000.
        expect(best).toBeLessThan(6 * std);
      }
    }
  });
});
