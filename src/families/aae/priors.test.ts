import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { OptionError } from '../../train/options.js';
import { createAaePrior, PRIOR_COMPONENTS, SWISS_ROLL_PRIOR } from './priors.js';

/** `n` draws as rows of numbers, the tensor freed. */
function draws(tensor: tf.Tensor2D): number[][] {
  const rows = tensor.arraySync();
  tensor.dispose();
  return rows;
}

/** Mean vector and covariance matrix of rows (float64, divided by n - 1). */
function moments(rows: number[][]): { mean: number[]; cov: number[][] } {
  const n = rows.length;
  const d = rows[0].length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from(
      { length: d },
      (_, b) => rows.reduce((s, r) => s + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / (n - 1),
    ),
  );
  return { mean, cov };
}

const N = 100_000;

describe('the AAE priors', () => {
  it('normal: N(0, I) in any dimension, at temperature T N(0, T^2 I)', () => {
    const prior = createAaePrior('normal', 3);
    expect(prior.components).toBe(0);
    const { mean, cov } = moments(draws(prior.sample(N, 1)));
    // Standard errors: 1 / sqrt(N) = 0.003 for the means, sqrt(2 / N) = 0.0045 for the variances.
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(mean[j])).toBeLessThan(0.015);
      expect(cov[j][j]).toBeCloseTo(1, 1);
      expect(Math.abs(cov[j][j] - 1)).toBeLessThan(0.02);
      for (let k = 0; k < j; k++) expect(Math.abs(cov[j][k])).toBeLessThan(0.015);
    }
    const hot = moments(draws(prior.sample(N, 2, { temperature: 2 })));
    expect(Math.abs(hot.cov[1][1] - 4)).toBeLessThan(0.08);
  });

  // Reference means and covariances R diag(0.5^2, 0.05^2) R^T, R the rotation by 2 pi k / 10:
  // /usr/bin/python3 -c "import numpy as np; t=2*np.pi*k/10; R=np.array([[np.cos(t),-np.sin(t)],
  //   [np.sin(t),np.cos(t)]]); print(R@[1.4,0], R@np.diag([0.5**2,0.05**2])@R.T)"
  it.each([
    {
      k: 0,
      mean: [1.4, 0],
      cov: [
        [0.25, 0],
        [0, 0.0025],
      ],
    },
    {
      k: 3,
      mean: [-0.43262379212492635, 1.3314791228132152],
      cov: [
        [0.026134146946100254, -0.07273842497119355],
        [-0.07273842497119355, 0.22636585305389983],
      ],
    },
    {
      k: 7,
      mean: [-0.43262379212492663, -1.3314791228132148],
      cov: [
        [0.02613414694610029, 0.0727384249711936],
        [0.0727384249711936, 0.22636585305389972],
      ],
    },
  ])('mixture: component $k has its stated centre and its radial elongation', ({ k, mean, cov }) => {
    const prior = createAaePrior('mixture', 2);
    expect(prior.centre(k)).toBeAllClose(mean, { atol: 1e-12 });
    const m = moments(draws(prior.sample(N, k, { components: new Array<number>(N).fill(k) })));
    // Standard errors of the means: at most 0.5 / sqrt(N) = 0.0016.
    expect(m.mean).toBeAllClose(mean, { atol: 0.008, rtol: 0 });
    expect(m.cov).toBeAllClose(cov, { atol: 0.006, rtol: 0.03 });
    // At temperature 1/2 the spread halves, the centre stays.
    const cold = moments(
      draws(prior.sample(N, 9, { components: new Array<number>(N).fill(k), temperature: 0.5 })),
    );
    expect(cold.mean).toBeAllClose(mean, { atol: 0.008, rtol: 0 });
    expect(cold.cov).toBeAllClose(
      cov.map((row) => row.map((v) => v / 4)),
      { atol: 0.002, rtol: 0.03 },
    );
  });

  it('mixture: without components every component is drawn, about as often', () => {
    const prior = createAaePrior('mixture', 2);
    const rows = draws(prior.sample(20_000, 4));
    const counts = new Array<number>(PRIOR_COMPONENTS).fill(0);
    // Each draw's component is the one whose centre's angle is nearest to its own (petals are 0.05 wide).
    for (const [x, y] of rows) {
      const angle = (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
      counts[Math.round(angle / ((2 * Math.PI) / PRIOR_COMPONENTS)) % PRIOR_COMPONENTS]++;
    }
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200); // sd sqrt(2000 * 0.9) = 42
  });

  // E[r] of segment k, r = 3 sqrt(u), u ~ U(a, b): 3 (2/3) (b^1.5 - a^1.5) / (b - a), with a = k/10, b = (k+1)/10:
  // /usr/bin/python3 -c "a,b=k/10,(k+1)/10; print(3*(2/3)*(b**1.5-a**1.5)/(b-a))"
  it.each([
    { k: 0, meanRadius: 0.6324555320336759 },
    { k: 4, meanRadius: 2.0114235555960684 },
    { k: 9, meanRadius: 2.9237006350907517 },
  ])('swiss roll: segment $k lies on the spiral, in its ring, at its mean radius', ({ k, meanRadius }) => {
    const prior = createAaePrior('swiss-roll', 2);
    const rows = draws(prior.sample(20_000, k, { components: new Array<number>(20_000).fill(k) }));
    const { radius, turns } = SWISS_ROLL_PRIOR;
    const [lo, hi] = [radius * Math.sqrt(k / 10), radius * Math.sqrt((k + 1) / 10)];
    const radii = rows.map(([x, y]) => Math.hypot(x, y));
    expect(Math.min(...radii)).toBeGreaterThanOrEqual(lo - 1e-5);
    expect(Math.max(...radii)).toBeLessThanOrEqual(hi + 1e-5);
    // On the curve: the angle is turns 2 pi r / radius.
    const offCurve = rows.map(([x, y], i) => {
      const phi = (2 * Math.PI * turns * radii[i]) / radius;
      return Math.hypot(x - radii[i] * Math.cos(phi), y - radii[i] * Math.sin(phi));
    });
    expect(Math.max(...offCurve)).toBeLessThan(1e-4);
    expect(radii.reduce((a, b) => a + b, 0) / radii.length).toBeCloseTo(meanRadius, 2);
    const c = prior.centre(k);
    expect(Math.hypot(c[0], c[1])).toBeCloseTo(radius * Math.sqrt((k + 0.5) / 10), 10);
  });

  it('swiss roll: the segments run outwards in the order of k, and temperature narrows them along the curve', () => {
    const prior = createAaePrior('swiss-roll', 2);
    const meanRadius = (components: number[], t = 1) =>
      draws(prior.sample(components.length, 3, { components, temperature: t })).map(([x, y]) =>
        Math.hypot(x, y),
      );
    const means = Array.from({ length: PRIOR_COMPONENTS }, (_, k) => {
      const r = meanRadius(new Array<number>(500).fill(k));
      return r.reduce((a, b) => a + b, 0) / r.length;
    });
    for (let k = 1; k < PRIOR_COMPONENTS; k++) expect(means[k]).toBeGreaterThan(means[k - 1]);
    const spread = (r: number[]) => Math.max(...r) - Math.min(...r);
    const full = spread(meanRadius(new Array<number>(2000).fill(5)));
    const narrow = spread(meanRadius(new Array<number>(2000).fill(5), 0.25));
    expect(narrow).toBeLessThan(0.3 * full);
    expect(narrow).toBeGreaterThan(0.2 * full);
  });

  it('draws the same points for the same seed and others for another', () => {
    for (const kind of ['normal', 'mixture', 'swiss-roll'] as const) {
      const prior = createAaePrior(kind, 2);
      const a = draws(prior.sample(50, 11));
      expect(draws(prior.sample(50, 11))).toEqual(a);
      expect(draws(prior.sample(50, 12))).not.toEqual(a);
    }
  });

  it('refuses what does not fit, naming the option', () => {
    expect(() => createAaePrior('mixture', 3)).toThrow(OptionError);
    expect(() => createAaePrior('swiss-roll', 1)).toThrow(/'latent' must be 2 for the swiss-roll prior/);
    const normal = createAaePrior('normal', 2);
    expect(() => normal.sample(2, 0, { components: [0, 1] })).toThrow(
      /'labels' cannot be given: a normal prior/,
    );
    const mixture = createAaePrior('mixture', 2);
    expect(() => mixture.sample(2, 0, { components: [0] })).toThrow(
      /'labels' must hold one label per draw \(2\)/,
    );
    expect(() => mixture.sample(2, 0, { components: [0, 10] })).toThrow(
      /integers in \[0, 10\), got 10 at index 1/,
    );
    expect(() => mixture.sample(2, 0, { temperature: 0 })).toThrow(/'temperature' must be a positive number/);
    expect(() => mixture.sample(0, 0)).toThrow(/'n' must be a positive integer/);
  });
});
