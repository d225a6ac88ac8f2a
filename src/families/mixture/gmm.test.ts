import { describe, expect, it } from 'vitest';
import { threeClusters } from '../../../test/gmm-data.js';
import { GaussianMixture, GaussianMixtureError, type CovarianceType, type MatrixInput } from './gmm.js';

const X = threeClusters();
const MEANS_INIT = [
  [1, 1],
  [4, 4],
  [-3, 5],
];

/*
 * /usr/bin/python3, sklearn 1.2 (the generator above in Python gives X):
 *   labels = argmin_j |x - M0_j|^2; resp = eye(3)[labels]
 *   w, _, cov = _estimate_gaussian_parameters(X, resp, 1e-6, t); w /= 300
 *   prec = inv(cov) (full, tied) or 1 / cov (diag, spherical)
 *   g = GaussianMixture(3, covariance_type=t, weights_init=w, means_init=M0, precisions_init=prec, tol=1e-8).fit(X)
 *   g.weights_, g.means_, g.covariances_, g.score(X), g.bic(X), g.aic(X), g.n_iter_, g.lower_bound_
 */
const SKLEARN = {
  full: {
    weights: [0.33334345892368833, 0.3333232077429369, 0.33333333333337484],
    means: [
      -0.24242853393538236, -0.14656401857550902, 5.015278042049467, 5.1562162200234605, -3.961978458805146,
      6.028075102543079,
    ],
    covariances: [
      1.0936443694086007, 0.7776998167547575, 0.7776998167547575, 1.1785239903336069, 0.38993204595234604,
      -0.17789637695540245, -0.17789637695540245, 1.4867360478073188, 0.9377622158279849, 0.04076967838863996,
      0.04076967838863996, 0.1426174382711874,
    ],
    score: -3.43550513214834,
    bic: 2158.2673813581596,
    aic: 2095.303079289004,
    nIter: 5,
    lowerBound: -3.43550513214834,
  },
  tied: {
    weights: [0.3330239967713693, 0.33364267049627555, 0.33333333273235527],
    means: [
      -0.2448450430271184, -0.1488422210255988, 5.012655816870685, 5.15341279920077, -3.9619784645869807,
      6.0280751020357695,
    ],
    covariances: [0.807484485934616, 0.21418006761654815, 0.2141800676165473, 0.9368883999388173],
    score: -3.7646490242601334,
    bic: 2321.531021777298,
    aic: 2280.78941455608,
    nIter: 4,
    lowerBound: -3.764649024263641,
  },
  diag: {
    weights: [0.3333315688888417, 0.33333512723740927, 0.33333330387374915],
    means: [
      -0.24257065595118407, -0.14670215980677426, 5.015232093430431, 5.156165281952591, -3.961978725018403,
      6.028075107716564,
    ],
    covariances: [
      1.0931017914807235, 1.1780084922702858, 0.3899944201181487, 1.4867784232599621, 0.9377614687684347,
      0.14261744896014047,
    ],
    score: -3.552466665386033,
    bic: 2211.3329538768066,
    aic: 2159.47999923162,
    nIter: 4,
    lowerBound: -3.552466665386037,
  },
  spherical: {
    weights: [0.3332460277907896, 0.33342230415472457, 0.33333166805448594],
    means: [
      -0.2432101326941055, -0.14728394072065032, 5.014494073633284, 5.155390479748855, -3.961994529004931,
      6.028075184810121,
    ],
    covariances: [1.1344363481693158, 0.9403422025443688, 0.5401666483449156],
    score: -3.752286350023229,
    bic: 2314.1134172351553,
    aic: 2273.371810013937,
    nIter: 5,
    lowerBound: -3.7522863500232795,
  },
};

const TYPES: CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];
const TOL = { rtol: 1e-6, atol: 1e-9 };

/** The evidence lower bound (1/n) sum_i sum_j r_ij (log pi_j N(x_i | j) - log r_ij) for responsibilities r. */
function elbo(gmm: GaussianMixture, x: MatrixInput, logResp: Float64Array): number {
  const weighted = gmm.weightedLogProb(x);
  let s = 0;
  logResp.forEach((lr, e) => {
    if (lr > -Infinity) s += Math.exp(lr) * (weighted[e] - lr);
  });
  return s / (logResp.length / gmm.k);
}

describe('GaussianMixture against scikit-learn', () => {
  it.each(TYPES)('%s: weights, means, covariances, score, bic, aic and iterations', (covarianceType) => {
    const ref = SKLEARN[covarianceType];
    const gmm = new GaussianMixture(3, { covarianceType, init: { means: MEANS_INIT }, tol: 1e-8 }).fit(X);
    expect(gmm.weights).toBeAllClose(ref.weights, TOL);
    expect(gmm.means).toBeAllClose(ref.means, TOL);
    expect(gmm.covariances).toBeAllClose(ref.covariances, TOL);
    expect(gmm.score(X)).toBeAllClose(ref.score, TOL);
    expect(gmm.bic(X)).toBeAllClose(ref.bic, TOL);
    expect(gmm.aic(X)).toBeAllClose(ref.aic, TOL);
    expect(gmm.nIter).toBe(ref.nIter);
    expect(gmm.converged).toBe(true);
    expect(gmm.lowerBounds.at(-1)).toBeAllClose(ref.lowerBound, TOL);
  });

  it('accepts rows as number[][] with the same result', () => {
    const rows = Array.from({ length: X.n }, (_, i) => [X.data[2 * i], X.data[2 * i + 1]]);
    const gmm = new GaussianMixture(3, { init: { means: MEANS_INIT }, tol: 1e-8 }).fit(rows);
    expect(gmm.score(rows)).toBeAllClose(SKLEARN.full.score, TOL);
  });
});

describe('EM is variational inference', () => {
  it.each(TYPES)('%s: the bound is tight after each E-step and never decreases', (covarianceType) => {
    const gmm = new GaussianMixture(3, { covarianceType, init: 'random', maxIter: 1, seed: 3 }).fit(X);
    let previous = -Infinity;
    for (let step = 0; step < 15; step++) {
      const { logResp, logProbNorm } = gmm.eStep(X);
      const logLik = logProbNorm.reduce((s, v) => s + v, 0) / X.n;
      const bound = elbo(gmm, X, logResp);
      expect(Math.abs(bound - logLik)).toBeLessThan(1e-12);
      expect(logLik).toBeGreaterThanOrEqual(previous - 1e-12);
      gmm.mStep(X, logResp);
      // The M-step raises the bound with q held fixed; the next E-step closes the gap again.
      expect(elbo(gmm, X, logResp)).toBeGreaterThanOrEqual(bound - 1e-12);
      previous = logLik;
    }
  });

  it.each(TYPES)('%s: fit records non-decreasing lower bounds', (covarianceType) => {
    const gmm = new GaussianMixture(3, { covarianceType, init: 'random', tol: 0, maxIter: 40, seed: 1 }).fit(
      X,
    );
    expect(gmm.lowerBounds).toHaveLength(40);
    expect(gmm.converged).toBe(false);
    gmm.lowerBounds.slice(1).forEach((b, i) => expect(b).toBeGreaterThanOrEqual(gmm.lowerBounds[i] - 1e-12));
  });
});

describe('fit with onIteration', () => {
  it.each(TYPES)('%s: called after every M-step with the bounds and parameters of that iteration', (type) => {
    const calls: { run: number; iteration: number; lowerBound: number; means: Float64Array }[] = [];
    const gmm = new GaussianMixture(3, { covarianceType: type, init: { means: MEANS_INIT }, tol: 1e-8 });
    gmm.fit(X, {
      onIteration: ({ run, iteration, lowerBound, model }) => {
        expect(model).toBe(gmm);
        expect(model.nIter).toBe(iteration);
        // The arrays are kept without copying: later M-steps must not write into them.
        calls.push({ run, iteration, lowerBound, means: model.means });
      },
    });
    expect(calls.map((c) => c.iteration)).toEqual(Array.from({ length: gmm.nIter + 1 }, (_, t) => t));
    expect(calls.every((c) => c.run === 0)).toBe(true);
    expect(calls[0].lowerBound).toBeNaN();
    expect(calls.slice(1).map((c) => c.lowerBound)).toEqual(gmm.lowerBounds);
    expect(Array.from(calls[0].means)).toEqual(MEANS_INIT.flat());
    expect(calls.at(-1)!.means).toBe(gmm.means);
    for (const t of [1, 2]) {
      const stopped = new GaussianMixture(3, {
        covarianceType: type,
        init: { means: MEANS_INIT },
        maxIter: t,
      });
      expect(calls[t].means).toEqual(stopped.fit(X).means);
    }
  });

  it('starts every run of nInit at iteration 0 and keeps the bounds of the best run', () => {
    const bounds: number[][] = [];
    const gmm = new GaussianMixture(3, { init: 'random', nInit: 3, seed: 5, maxIter: 4 });
    gmm.fit(X, {
      onIteration: ({ run, iteration, lowerBound }) => {
        if (iteration === 0) expect(bounds).toHaveLength(run);
        else (bounds[run] ??= []).push(lowerBound);
      },
    });
    expect(bounds).toHaveLength(3);
    const best = bounds.reduce((a, b) => (b.at(-1)! > a.at(-1)! ? b : a));
    expect(gmm.lowerBounds).toEqual(best);
  });
});

describe('snapshot', () => {
  it.each(TYPES)('%s: each iteration kept by onIteration still predicts as it did then', (type) => {
    const seen: { snapshot: GaussianMixture; proba: Float64Array; bounds: number }[] = [];
    const gmm = new GaussianMixture(3, { covarianceType: type, init: 'random', seed: 2, tol: 1e-8 });
    gmm.fit(X, {
      onIteration: ({ model }) =>
        seen.push({
          snapshot: model.snapshot(),
          proba: model.predictProba(X),
          bounds: model.lowerBounds.length,
        }),
    });
    expect(seen.length).toBeGreaterThan(3);
    for (const { snapshot, proba, bounds } of seen) {
      expect(snapshot).not.toBe(gmm);
      expect(snapshot).toBeInstanceOf(GaussianMixture);
      expect(snapshot.predictProba(X)).toEqual(proba);
      expect(snapshot.lowerBounds).toHaveLength(bounds);
    }
    // The iterations differ, so equal predictions above are not one shared state.
    expect(seen[1].proba).not.toEqual(seen.at(-1)!.proba);
    expect(seen.at(-1)!.snapshot.means).toEqual(gmm.means);
  });

  it('is not moved by later partialFit steps', () => {
    const gmm = new GaussianMixture(3, { init: { means: MEANS_INIT } }).partialFit(X);
    const kept = gmm.snapshot();
    const proba = gmm.predictProba(X);
    gmm.partialFit({ data: X.data.slice(0, 60), n: 30, d: 2 });
    expect(gmm.predictProba(X)).not.toEqual(proba);
    expect(kept.predictProba(X)).toEqual(proba);
  });
});

describe('initialisation, prediction and sampling', () => {
  it.each(['kmeans', 'random'] as const)('%s init (nInit 3) finds the three clusters', (init) => {
    const gmm = new GaussianMixture(3, { init, nInit: 3, seed: 7, tol: 1e-8, maxIter: 300 }).fit(X);
    expect(gmm.score(X)).toBeAllClose(SKLEARN.full.score, { rtol: 1e-6 });
    const labels = gmm.predict(X);
    for (let c = 0; c < 3; c++) {
      const group = new Set(Array.from({ length: 100 }, (_, i) => labels[3 * i + c]));
      expect(group.size).toBe(1);
    }
  });

  it('keeps the best of nInit runs', () => {
    const one = new GaussianMixture(3, { init: 'random', seed: 5, maxIter: 2 }).fit(X);
    const many = new GaussianMixture(3, { init: 'random', nInit: 4, seed: 5, maxIter: 2 }).fit(X);
    expect(many.lowerBounds.at(-1)!).toBeGreaterThanOrEqual(one.lowerBounds.at(-1)!);
  });

  it('predictProba rows sum to one and predict is their argmax', () => {
    const gmm = new GaussianMixture(3, { init: { means: MEANS_INIT } }).fit(X);
    const proba = gmm.predictProba(X);
    const labels = gmm.predict(X);
    for (let i = 0; i < X.n; i++) {
      const row = Array.from(proba.subarray(3 * i, 3 * i + 3));
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(row.indexOf(Math.max(...row))).toBe(labels[i]);
    }
  });

  it('scoreSamples is the log of the mixture density', () => {
    const gmm = new GaussianMixture(2, { covarianceType: 'diag', init: 'kmeans' }).fit(X);
    const [x0, x1] = [X.data[0], X.data[1]];
    let p = 0;
    for (let j = 0; j < 2; j++) {
      const [m0, m1] = [gmm.means[2 * j], gmm.means[2 * j + 1]];
      const [v0, v1] = [gmm.covariances[2 * j], gmm.covariances[2 * j + 1]];
      const q = (x0 - m0) ** 2 / v0 + (x1 - m1) ** 2 / v1;
      p += (gmm.weights[j] * Math.exp(-q / 2)) / (2 * Math.PI * Math.sqrt(v0 * v1));
    }
    expect(gmm.scoreSamples({ data: X.data.slice(0, 2), n: 1, d: 2 })[0]).toBeAllClose(Math.log(p), {
      rtol: 1e-12,
    });
  });

  it('sample draws the mixture: weights, means and covariance from 60k draws', () => {
    const gmm = new GaussianMixture(3, { init: { means: MEANS_INIT } }).fit(X);
    const { data, n, labels } = gmm.sample(60_000, { seed: 11 });
    const counts = [0, 0, 0];
    const sums = [0, 0, 0, 0, 0, 0];
    const cross = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const j = labels[i];
      counts[j] += 1;
      sums[2 * j] += data[2 * i];
      sums[2 * j + 1] += data[2 * i + 1];
    }
    for (let i = 0; i < n; i++) {
      const j = labels[i];
      cross[j] += (data[2 * i] - sums[2 * j] / counts[j]) * (data[2 * i + 1] - sums[2 * j + 1] / counts[j]);
    }
    expect(counts.map((c) => c / n)).toBeAllClose(gmm.weights, { atol: 0.01 });
    expect(sums.map((s, e) => s / counts[Math.floor(e / 2)])).toBeAllClose(gmm.means, { atol: 0.03 });
    // Off-diagonal covariance entries: 0.78, -0.18, 0.04.
    const offDiagonal = [1, 5, 9].map((e) => gmm.covariances[e]);
    expect(cross.map((c, j) => c / counts[j])).toBeAllClose(offDiagonal, { atol: 0.03 });
  });
});

describe('errors', () => {
  const fitWith =
    (k: number, x: MatrixInput, options = {}) =>
    () =>
      new GaussianMixture(k, options).fit(x);
  it.each([
    ['k below 1', fitWith(0, X), /argument 'k' must be an integer >= 1, got 0/],
    ['fewer rows than k', fitWith(4, [[0], [1], [2]]), /argument 'x' must have at least k = 4 rows, got 3/],
    [
      'a NaN in x',
      fitWith(1, [
        [0, 1],
        [NaN, 2],
      ]),
      /argument 'x' must be finite: entry \[1\]\[0\] is NaN/,
    ],
    ['ragged rows', fitWith(1, [[0, 1], [2]]), /argument 'x' must be rectangular: row 1 has 1 entries/],
    [
      'flat data of the wrong length',
      fitWith(1, { data: new Float64Array(5), n: 3, d: 2 }),
      /not n \* d = 3 \* 2/,
    ],
    [
      'means of the wrong width',
      fitWith(1, X, { init: { means: [[0, 0, 0]] } }),
      /'init.means' must have d = 2/,
    ],
    [
      'too few means',
      fitWith(3, X, { init: { means: [[0, 0]] } }),
      /'init.means' must have k = 3 rows, got 1/,
    ],
    ['a bad covariance type', fitWith(1, X, { covarianceType: 'banded' }), /'covarianceType' must be one of/],
    ['a negative regCovar', fitWith(1, X, { regCovar: -1 }), /option 'regCovar' must be >= 0, got -1/],
    ['an unfitted model', () => new GaussianMixture(2).score(X), /not fitted yet: call fit\(x\) first/],
    [
      'a wrong width after fit',
      () => new GaussianMixture(1).fit(X).score([[1, 2, 3]]),
      /must have d = 2 columns/,
    ],
  ])('%s', (_name, run, message) => {
    expect(run).toThrow(GaussianMixtureError);
    expect(run).toThrow(message);
  });

  it.each(TYPES)(
    '%s: a collapsed covariance asks for a larger regCovar instead of giving NaN',
    (covarianceType) => {
      const same = Array.from({ length: 10 }, () => [1, 2]);
      expect(fitWith(2, same, { covarianceType, regCovar: 0 })).toThrow(
        /not positive definite.*increase regCovar/,
      );
      const gmm = new GaussianMixture(2, { covarianceType }).fit(same);
      expect(Number.isFinite(gmm.score(same))).toBe(true);
    },
  );
});
