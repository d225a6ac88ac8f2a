import { describe, expect, it } from 'vitest';
import { lcgFeatures } from '../../test/lcg-features.js';
import { MetricArgumentError } from './errors.js';
import type { Features } from './features.js';
import { frechetDistance, frechetDistanceFromStatistics, gaussianStatistics } from './frechet.js';

// The inputs, and the Python that reproduces them, are in test/lcg-features.ts.

/** `f` with `v` added to every row (or with every value times `c`). */
function shifted({ values, n, d }: Features, v: number[]): Features {
  return { values: values.map((x, i) => x + v[i % d]), n, d };
}
function scaled({ values, n, d }: Features, c: number): Features {
  return { values: values.map((x) => x * c), n, d };
}

describe('gaussianStatistics', () => {
  it('gives the mean and the unbiased covariance, as numpy', () => {
    // x = feats(1, 6, 3); np.mean(x, axis=0), np.cov(x, rowvar=False)   (/usr/bin/python3, numpy 1.24.2)
    const { mean, cov } = gaussianStatistics(lcgFeatures(1, 6, 3));
    expect(mean).toBeAllClose([0.040677379602881786, 0.03779081070692781, 0.03355696744606379], {
      rtol: 1e-14,
      atol: 0,
    });
    expect(cov).toBeAllClose(
      [
        [0.0919661030972157, 0.061979413867444016, -0.031174576955462798],
        [0.061979413867444016, 0.15983393324810757, 0.0038873329011953487],
        [-0.031174576955462798, 0.0038873329011953487, 0.08264531410355425],
      ],
      { rtol: 1e-13, atol: 0 },
    );
  });

  it('loses nothing to cancellation for features far from the origin', () => {
    // Shifting by 1e6 leaves the covariance unchanged up to the rounding of the shifted values themselves (1e-10).
    const x = lcgFeatures(9, 50, 4);
    const far = shifted(x, [1e6, -1e6, 1e6, 3e5]);
    expect(gaussianStatistics(far).cov).toBeAllClose(gaussianStatistics(x).cov, { rtol: 0, atol: 1e-9 });
  });

  it('rejects features it cannot score', () => {
    const f = () => gaussianStatistics({ values: new Float32Array(3), n: 1, d: 3 });
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow("gaussianStatistics: argument 'features.n' must be an integer >= 2");
  });
});

describe('frechetDistance', () => {
  // pytorch-fid 0.3.0's calculate_frechet_distance (its scipy.linalg.sqrtm formula, /usr/bin/python3, scipy 1.10.1):
  //   x, y = feats(...), feats(...)
  //   mu1, s1, mu2, s2 = x.mean(0), np.cov(x, rowvar=False), y.mean(0), np.cov(y, rowvar=False)
  //   covmean = scipy.linalg.sqrtm(s1.dot(s2), disp=False)[0].real
  //   (mu1 - mu2).dot(mu1 - mu2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)
  // The first two agree with the same formula in 50-digit mpmath (eigenvalues of S_a S_b) to 1e-16.
  it.each([
    ['5-D, 40 vs 40 rows', lcgFeatures(1, 40, 5), lcgFeatures(2, 40, 5, { skew: true }), 0.4256570708834162],
    [
      '16-D, 300 vs 250 rows',
      lcgFeatures(3, 300, 16),
      lcgFeatures(4, 250, 16, { skew: true }),
      12.757355981035518,
    ],
    [
      '64-D, 200 vs 200 rows',
      lcgFeatures(7, 200, 64),
      lcgFeatures(8, 200, 64, { skew: true }),
      864.8875993963865,
    ],
  ])("%s: matches pytorch-fid's calculate_frechet_distance", (_, a, b, want) => {
    expect(frechetDistance(a, b)).toBeAllClose(want, { rtol: 1e-10, atol: 0 });
  });

  it('stays exact where both covariances are singular (fewer rows than dimensions)', () => {
    // feats(5, 4, 6) against feats(6, 5, 6, scale=2.0, shift=0.5): ranks 3 and 4 in 6-D. The formula above in
    // mpmath with mp.dps = 50 (means and covariances of the same float64 values, summed with mpmath.fsum, and
    // tr sqrt(S_a S_b) = sum of sqrt(max(re(e), 0)) over mpmath.eig(c1 * c2)) gives 3.0512174287249001507;
    // pytorch-fid's scipy.linalg.sqrtm formula gives 3.0512174185206273, 3e-9 off.
    const got = frechetDistance(lcgFeatures(5, 4, 6), lcgFeatures(6, 5, 6, { scale: 2, shift: 0.5 }));
    expect(got).toBeAllClose(3.0512174287249003, { rtol: 1e-13, atol: 0 });
  });

  it('in 1-D is (mu_a - mu_b)^2 + (sigma_a - sigma_b)^2', () => {
    // a: mean 1, variance 2; b: mean 3, variance 4 (divided by n - 1).
    const got = frechetDistance(
      { values: Float64Array.of(0, 2), n: 2, d: 1 },
      { values: Float64Array.of(1, 5, 3), n: 3, d: 1 },
    );
    expect(got).toBeAllClose(4 + (Math.SQRT2 - 2) ** 2, { rtol: 1e-14, atol: 0 });
  });

  const a = lcgFeatures(21, 60, 8);
  const b = lcgFeatures(22, 45, 8, { skew: true });
  const v = [0.3, -1, 2, 0, 0.5, -0.25, 1, 4];
  const vv = v.reduce((s, x) => s + x * x, 0);

  it('is symmetric', () => {
    expect(frechetDistance(b, a)).toBeAllClose(frechetDistance(a, b), { rtol: 1e-12, atol: 0 });
  });

  it('is 0 between a set and itself or its rows in another order, and ||v||^2 to the set shifted by v', () => {
    expect(frechetDistance(a, a)).toBeAllClose(0, { rtol: 0, atol: 1e-13 });
    const reversed = new Float64Array(a.values.length);
    for (let i = 0; i < a.n; i++)
      reversed.set(a.values.subarray(i * a.d, (i + 1) * a.d), (a.n - 1 - i) * a.d);
    expect(frechetDistance(a, { ...a, values: reversed })).toBeAllClose(0, { rtol: 0, atol: 1e-13 });
    expect(frechetDistance(a, shifted(a, v))).toBeAllClose(vv, { rtol: 1e-12, atol: 0 });
  });

  it('changes with a shift only through the means: d(a, b + v) = d(a, b) + ||v||^2 + 2 v . (mu_b - mu_a)', () => {
    const [ma, mb] = [gaussianStatistics(a).mean, gaussianStatistics(b).mean];
    const cross = v.reduce((s, x, j) => s + 2 * x * (mb[j] - ma[j]), 0);
    expect(frechetDistance(a, shifted(b, v))).toBeAllClose(frechetDistance(a, b) + vv + cross, {
      rtol: 1e-12,
      atol: 0,
    });
    expect(frechetDistance(shifted(a, v), shifted(b, v))).toBeAllClose(frechetDistance(a, b), {
      rtol: 1e-12,
      atol: 0,
    });
  });

  it('scales as the square of the features and is positive between different sets', () => {
    expect(frechetDistance(scaled(a, 3), scaled(b, 3))).toBeAllClose(9 * frechetDistance(a, b), {
      rtol: 1e-12,
      atol: 0,
    });
    expect(frechetDistance(a, b)).toBeGreaterThan(0);
    expect(frechetDistance(a, lcgFeatures(23, 45, 8))).toBeGreaterThan(0);
  });

  it('reads a Float32Array as the float64 values it holds', () => {
    const a32 = { ...a, values: Float32Array.from(a.values) };
    const b32 = { ...b, values: Float32Array.from(b.values) };
    const want = frechetDistance(
      { ...a32, values: Float64Array.from(a32.values) },
      { ...b32, values: Float64Array.from(b32.values) },
    );
    expect(frechetDistance(a32, b32)).toBe(want);
  });

  it('rejects sets of different dimensions, naming them a and b', () => {
    const f = () => frechetDistance(a, lcgFeatures(1, 10, 7));
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow("frechetDistance: arguments 'a' and 'b' must have the same dimension d, got 8 and 7");
    expect(() => frechetDistance(a, { values: new Float32Array(5), n: 2, d: 8 })).toThrow(
      "argument 'b.values'",
    );
  });
});

describe('frechetDistanceFromStatistics', () => {
  it('equals frechetDistance on the statistics of the two sets', () => {
    const [a, b] = [lcgFeatures(1, 40, 5), lcgFeatures(2, 40, 5, { skew: true })];
    expect(frechetDistanceFromStatistics(gaussianStatistics(a), gaussianStatistics(b))).toBe(
      frechetDistance(a, b),
    );
  });

  it('for diagonal covariances is ||mu_a - mu_b||^2 + sum (sigma_a - sigma_b)^2', () => {
    const got = frechetDistanceFromStatistics(
      { mean: [0, 0], cov: [1, 0, 0, 1] },
      { mean: [3, 4], cov: [4, 0, 0, 9] },
    );
    expect(got).toBeAllClose(25 + 1 + 4, { rtol: 1e-14, atol: 0 });
  });

  it('for commuting covariances is ||mu_a - mu_b||^2 + ||S_a^{1/2} - S_b^{1/2}||_F^2', () => {
    // S_a = R diag(4, 1) R^T and S_b = R diag(1, 9) R^T with R the rotation by 30 degrees.
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const rotate = (l1: number, l2: number) => [
      l1 * c * c + l2 * s * s,
      (l1 - l2) * c * s,
      (l1 - l2) * c * s,
      l1 * s * s + l2 * c * c,
    ];
    const got = frechetDistanceFromStatistics(
      { mean: [1, 1], cov: rotate(4, 1) },
      { mean: [1, 2], cov: rotate(1, 9) },
    );
    expect(got).toBeAllClose(1 + (2 - 1) ** 2 + (1 - 3) ** 2, { rtol: 1e-13, atol: 0 });
  });

  it.each([
    [
      'means of different lengths',
      () => frechetDistanceFromStatistics({ mean: [0, 0], cov: [1, 0, 0, 1] }, { mean: [0], cov: [1] }),
      "arguments 'a.mean' and 'b.mean' must have the same length d, got 2 and 1",
    ],
    [
      'an empty mean',
      () => frechetDistanceFromStatistics({ mean: [], cov: [] }, { mean: [], cov: [] }),
      "argument 'a.mean' must hold at least one value",
    ],
    [
      'a covariance of the wrong size',
      () =>
        frechetDistanceFromStatistics({ mean: [0, 0], cov: [1, 0, 0, 1] }, { mean: [0, 0], cov: [1, 0, 1] }),
      "argument 'b.cov' must hold d * d = 4 values (d = 2), got 3",
    ],
    [
      'an asymmetric covariance',
      () =>
        frechetDistanceFromStatistics(
          { mean: [0, 0], cov: [1, 0.5, 0, 1] },
          { mean: [0, 0], cov: [1, 0, 0, 1] },
        ),
      "argument 'a.cov' must be symmetric, but cov[1][0] = 0 and cov[0][1] = 0.5",
    ],
    [
      'a NaN mean',
      () =>
        frechetDistanceFromStatistics(
          { mean: [0, 0], cov: [1, 0, 0, 1] },
          { mean: [0, NaN], cov: [1, 0, 0, 1] },
        ),
      "argument 'b.mean' must be finite, got NaN at 1",
    ],
    [
      'an infinite covariance',
      () =>
        frechetDistanceFromStatistics(
          { mean: [0, 0], cov: [1, 0, 0, Infinity] },
          { mean: [0, 0], cov: [1, 0, 0, 1] },
        ),
      "argument 'a.cov' must be finite, got Infinity at row 1, column 1",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(`frechetDistanceFromStatistics: ${message}`);
  });
});
