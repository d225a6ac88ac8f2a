import { describe, expect, it } from 'vitest';
import { Random } from '../engine/random.js';
import { principalComponents } from './pca.js';

// 10 points in 3-D.
const X = [
  2.5, 2.4, 0.5, 0.5, 0.7, -1.2, 2.2, 2.9, 0.3, 1.9, 2.2, 1.1, 3.1, 3.0, -0.4, 2.3, 2.7, 0.9, 2.0, 1.6, -0.3,
  1.0, 1.1, 0.2, 1.5, 1.6, -0.8, 1.1, 0.9, 0.6,
];
// p = sklearn.decomposition.PCA(n_components=2).fit(X); s = the sign of each row of p.components_'s largest-|.|
// entry; p.explained_variance_, p.explained_variance_ratio_, p.components_ * s, p.transform(X) * s.T
const VARIANCE = Float64Array.from([1.39288440846508, 0.44938285561282915]);
const RATIO = Float64Array.from([0.7371058785315295, 0.23781064858678563]);
const COMPONENTS = Float64Array.from([
  0.6325757818729915, 0.6961444288622317, 0.3394566457617987, -0.2766121526786294, -0.20631727996527144,
  0.9385727979108636,
]);
const PROJECTED = Float64Array.from([
  0.9167652843971953, 0.0928569946122168, -2.1089081062096393, -0.5987530805380311, 1.007173435114054,
  -0.1150325591490029, 0.6016649169580334, 0.8632314209589668, 1.4084864296527104, -1.0416161830939008,
  1.134876114985986, 0.46171336032270666, -0.22800346623852472, -0.3546413434049423, -1.0389231396617329,
  0.4944158482117546, -0.7140196800559198, -0.6856216660210595, -0.9791117889421604, 0.8834472081012914,
]);

describe('principalComponents', () => {
  it('matches scikit-learn PCA', () => {
    const pca = principalComponents(X, 10, 3);
    expect(pca.explainedVariance).toBeAllClose(VARIANCE, { rtol: 1e-10, atol: 0 });
    expect(pca.explainedVarianceRatio).toBeAllClose(RATIO, { rtol: 1e-10, atol: 0 });
    expect(pca.components).toBeAllClose(COMPONENTS, { rtol: 1e-10, atol: 1e-12 });
    expect(pca.projected).toBeAllClose(PROJECTED, { rtol: 1e-10, atol: 1e-12 });
    expect(pca.mean).toBeAllClose(Float64Array.from([1.81, 1.91, 0.09]), { rtol: 1e-12, atol: 1e-15 });
  });

  it('takes float32 data and k = 1 (the first component only)', () => {
    const pca = principalComponents(Float32Array.from(X), 10, 3, 1);
    expect(pca.components).toBeAllClose(COMPONENTS.slice(0, 3), { rtol: 1e-6, atol: 1e-7 });
    expect(pca.projected).toBeAllClose(
      PROJECTED.filter((_, i) => i % 2 === 0),
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  it('recovers the axes of an elongated Gaussian cloud, whatever the sign of the data', () => {
    const rng = new Random(3);
    const n = 2000;
    // z = (3 u, 0.5 v) rotated by 30 degrees.
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const data = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [u, v] = [3 * rng.normal(), 0.5 * rng.normal()];
      data.set([c * u - s * v, s * u + c * v], 2 * i);
    }
    const pca = principalComponents(data, n, 2);
    expect(pca.components).toBeAllClose(Float64Array.from([c, s, -s, c]), {
      atol: 0.02,
      rtol: 0,
    });
    expect(pca.explainedVariance).toBeAllClose(Float64Array.from([9, 0.25]), { rtol: 0.1, atol: 0 });
    // The projections are uncorrelated, with the component variances.
    let [s11, s12] = [0, 0];
    for (let i = 0; i < n; i++) {
      s11 += pca.projected[2 * i] ** 2 / (n - 1);
      s12 += (pca.projected[2 * i] * pca.projected[2 * i + 1]) / (n - 1);
    }
    expect(s11).toBeCloseTo(pca.explainedVariance[0], 10);
    expect(Math.abs(s12)).toBeLessThan(1e-10);
    const flipped = principalComponents(
      data.map((x) => -x),
      n,
      2,
    );
    expect(flipped.components).toBeAllClose(pca.components, { rtol: 1e-10, atol: 1e-12 });
  });

  it.each([
    ['one point', X.slice(0, 3), 1, 3, 2, /argument 'n' must be an integer >= 2/],
    ['k larger than d', X, 10, 3, 4, /argument 'k' must be at most d = 3/],
    ['k = 0', X, 10, 3, 0, /argument 'k' must be an integer >= 1/],
    ['a wrong length', X.slice(1), 10, 3, 2, /argument 'data' must have n \* d = 30 entries, got 29/],
    ['a NaN', [NaN, ...X.slice(1)], 10, 3, 2, /argument 'data' must be finite, got NaN at row 0, column 0/],
  ])('rejects %s, naming the argument', (_, data, n, d, k, message) => {
    expect(() => principalComponents(data, n, d, k)).toThrow(message);
  });
});
