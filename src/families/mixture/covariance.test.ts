import { describe, expect, it } from 'vitest';
import {
  choleskyFactors,
  componentLogProb,
  estimateCovariances,
  NEGLIGIBLE_RESPONSIBILITY,
  scatterDiagonals,
  scatterMatrices,
  type CovarianceType,
} from './covariance.js';

const X = [0.5, -1.0, 2.0, 3.0, 0.25, -0.5, -2.0, 1.5, 0.0];
const MEANS = [0.0, 0.0, 1.0, 1.0, -1.0, 0.5];
const FULL = [
  [2.0, 0.3, -0.2, 0.3, 1.0, 0.1, -0.2, 0.1, 0.5],
  [1.0, -0.4, 0.0, -0.4, 0.8, 0.2, 0.0, 0.2, 1.5],
];
const COVARIANCES: Record<CovarianceType, number[]> = {
  full: FULL.flat(),
  tied: FULL[0],
  diag: [2.0, 1.0, 0.5, 0.7, 1.2, 3.0],
  spherical: [1.5, 0.6],
};

/*
 * /usr/bin/python3, scipy 1.10 (X: 3 points, MEANS: 2 components, d = 3; covariances as COVARIANCES, 'tied' uses
 * FULL[0] for both components, 'diag' np.diag(v_j), 'spherical' s_j * eye(3)):
 *   [[multivariate_normal(M[j], S_j).logpdf(x) for j in range(2)] for x in X]
 */
const SCIPY: Record<CovarianceType, number[]> = {
  full: [
    -4.910059224071592, -3.720559577753188, -6.453094331659354, -8.93455414297058, -7.649300447174657,
    -8.821103056014053,
  ],
  tied: [
    -4.910059224071592, -5.002075079111224, -6.453094331659354, -5.101169076846222, -7.649300447174657,
    -11.062380854875682,
  ],
  diag: [
    -4.3193155996140185, -3.772516478947112, -7.2880655996140185, -6.893796240851874, -5.8818155996140185,
    -12.293349812280443,
  ],
  spherical: [
    -4.115013261776264, -4.073910497298366, -7.135846595109598, -7.459327163965031, -5.781679928442931,
    -14.9072438306317,
  ],
};

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

describe('componentLogProb', () => {
  it.each(TYPES)('%s: log N(x_i | mu_j, Sigma_j) as scipy', (type) => {
    const cov = Float64Array.from(COVARIANCES[type]);
    const factors = choleskyFactors(type, cov, 2, 3);
    const out = componentLogProb(type, factors, Float64Array.from(X), Float64Array.from(MEANS), 3, 3, 2);
    expect(out).toBeAllClose(SCIPY[type], { rtol: 1e-12 });
  });
});

/** n x d points and n x k responsibilities from a fixed formula, some of them exactly 0. */
function problem(n: number, d: number, k: number) {
  const x = Float64Array.from({ length: n * d }, (_, e) => Math.sin(1.7 * e) * (1 + (e % d)));
  const resp = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += resp[i * k + j] = i % 7 === j ? 0 : 1 + Math.cos(i * (j + 1));
    for (let j = 0; j < k; j++) resp[i * k + j] /= s;
  }
  const means = Float64Array.from({ length: k * d }, (_, e) => Math.cos(e));
  return { x, resp, means };
}

/** sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T, one point at a time. */
function naiveScatter(
  x: Float64Array,
  resp: Float64Array,
  means: Float64Array,
  n: number,
  d: number,
  k: number,
) {
  const out = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++)
    for (let i = 0; i < n; i++)
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++)
          out[j * d * d + a * d + b] +=
            resp[i * k + j] * (x[i * d + a] - means[j * d + a]) * (x[i * d + b] - means[j * d + b]);
  return out;
}

describe('scatter matrices', () => {
  // 600 points span three blocks of 256, the last one partial; d = 5 has an odd row left after the pairs.
  const [n, d, k] = [600, 5, 3];
  const { x, resp, means } = problem(n, d, k);
  const expected = naiveScatter(x, resp, means, n, d, k);

  it('scatterMatrices is the weighted scatter about the means, symmetric', () => {
    expect(scatterMatrices(x, resp, means, n, d, k)).toBeAllClose(expected, { rtol: 1e-12, atol: 1e-12 });
  });

  it('scatterDiagonals is its diagonal', () => {
    const diagonals = Array.from(
      { length: k * d },
      (_, e) => expected[Math.floor(e / d) * d * d + (e % d) * (d + 1)],
    );
    expect(scatterDiagonals(x, resp, means, n, d, k)).toBeAllClose(diagonals, { rtol: 1e-12 });
  });

  it('estimateCovariances leaves out only negligible responsibilities', () => {
    // Component 1 has almost no mass (r = 1e-30 everywhere): relative to its own N_1 nothing is negligible.
    // In component 0, one point with r = 1e-30 and huge x is left out: it would add 1e-30 * 1e8 to a scatter of ~1.
    const tiny = resp.slice();
    const far = x.slice();
    for (let i = 0; i < n; i++) {
      tiny[i * k + 1] = 1e-30;
      tiny[i * k] = i === 0 ? 1e-30 : 1;
    }
    far.fill(1e4, 0, d);
    const nk = new Float64Array(k);
    for (let e = 0; e < n * k; e++) nk[e % k] += tiny[e];
    expect(1e-30).toBeLessThan((NEGLIGIBLE_RESPONSIBILITY * nk[0]) / n);
    const cov = estimateCovariances('full', far, tiny, nk, means, n, d, 0);
    const exact = naiveScatter(far, tiny, means, n, d, k).map((v, e) => v / nk[Math.floor(e / (d * d))]);
    expect(cov.subarray(d * d, 2 * d * d)).toBeAllClose(exact.subarray(d * d, 2 * d * d), { rtol: 1e-12 });
    expect(cov.subarray(0, d * d)).toBeAllClose(exact.subarray(0, d * d), { rtol: 1e-12, atol: 1e-12 });
    // The diagonal types skip the same responsibilities, and give the diagonals of the same matrices.
    const variances = estimateCovariances('diag', far, tiny, nk, means, n, d, 0);
    const diagonals = Float64Array.from(
      { length: k * d },
      (_, e) => cov[Math.floor(e / d) * d * d + (e % d) * (d + 1)],
    );
    expect(variances).toBeAllClose(diagonals, { rtol: 1e-12, atol: 1e-12 });
  });
});
