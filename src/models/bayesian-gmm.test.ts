import { describe, expect, it } from 'vitest';
import {
  BayesianGaussianMixture,
  type BayesianCovarianceType,
  type WeightConcentrationPriorType,
} from './bayesian-gmm.js';
import { digamma, lbeta, lgamma } from './bayesian-gmm-special.js';
import { GaussianMixtureError } from './gmm.js';
import { threeClusters } from '../../test/gmm-data.js';

// The generator of gmm.test.ts, written identically in the Python that produced the references below.
const X = threeClusters();
const MEANS_INIT = [
  [1, 1],
  [4, 4],
  [-3, 5],
  [0, 6],
];
const FIRST_ROWS = { data: X.data.slice(0, 6), n: 3, d: 2 };

/*
 * /usr/bin/python3, sklearn 1.2.1 (the generator above in Python gives X; sklearn's BayesianGaussianMixture has
 * no means_init, so the subclass starts from the same hard nearest-mean labels as init: { means }):
 *   class Given(BayesianGaussianMixture):
 *       def _initialize_parameters(self, X, random_state):
 *           lab = ((X[:, None, :] - M0[None]) ** 2).sum(-1).argmin(1); self._initialize(X, np.eye(4)[lab])
 *   m = Given(n_components=4, covariance_type=t, weight_concentration_prior_type=w, tol=1e-8, max_iter=500).fit(X)
 *   m.weights_, m.means_, m.covariances_, m.lower_bound_, m.score(X), m.score_samples(X[:3]),
 *   m.predict_proba(X[:2])
 */
const SKLEARN: Record<
  string,
  {
    weights: number[];
    means: number[];
    covariances: number[];
    bound: number;
    score: number;
    scoreSamples: number[];
    proba: number[];
  }
> = {
  'dirichlet_process/full': {
    weights: [0.3353265556033839, 0.333655673048323, 0.33036274110465946, 0.0006550302436335417],
    means: [
      -0.2373984531899518, -0.10874189006366705, 4.968222165692322, 5.141526161742922, -3.9200767374539667,
      6.004818785439874, 0.270460480109884, 3.679086005659665,
    ],
    covariances: [
      1.216085001877646, 0.7803196510221159, 0.7803196510221159, 1.3798287212107403, 0.7423859285617626,
      -0.10724612247715488, -0.10724612247715488, 1.5613601935877293, 1.2345924835350341,
      -0.05760980408379649, -0.05760980408379649, 0.27581957011276426, 7.209296419873273,
      -0.055361479497848726, -0.055361479497848726, 4.204894513133388,
    ],
    bound: -622.1208236121545,
    score: -3.5492891176711754,
    scoreSamples: [-3.721401785074866, -3.424761907391396, -2.9381982030981004],
    proba: [
      0.9999981364868904, 3.1736340242652475e-11, 1.5893207784606322e-20, 1.863481373348226e-6,
      2.0475936107306044e-5, 0.9999788287135543, 8.374801267807139e-16, 6.953503375434063e-7,
    ],
  },
  'dirichlet_process/diag': {
    weights: [0.33520256781010555, 0.333779074046381, 0.33036294939529814, 0.0006554087482152539],
    means: [
      -0.23837167605608117, -0.10963456336604781, 4.967271536768525, 5.140481967878089, -3.920077836176625,
      6.004818818536158, 0.27074291600376654, 3.6788350769018248,
    ],
    covariances: [
      1.213880610961314, 1.3781018758323051, 0.7446596177189602, 1.5638185996695688, 1.2345897166544129,
      0.27581966933292495, 7.20906671569778, 4.204933155416214,
    ],
    bound: -646.0788834967364,
    score: -3.6491615964182955,
    scoreSamples: [-3.746341712847801, -3.418024739083666, -2.9908748277322976],
    proba: [
      0.9999980800388195, 2.989317546491055e-10, 1.0915024307543182e-21, 1.9196622485856224e-6,
      4.5103451536468627e-8, 0.9999992599614979, 6.459809052733592e-17, 6.949350508601579e-7,
    ],
  },
  'dirichlet_distribution/full': {
    weights: [0.3330581208087278, 0.3330537287591157, 0.33305610513084744, 0.0008320453013090757],
    means: [
      -0.2374000101234079, -0.10874362929654403, 4.968221781099176, 5.141525710729089, -3.920077344873052,
      6.004818778296597, 0.27056339202558666, 3.6790346710491404,
    ],
    covariances: [
      1.216080795695617, 0.7803159995742645, 0.7803159995742643, 1.3798251738796223, 0.7423867816491994,
      -0.10724470022499505, -0.10724470022499508, 1.5613606706395238, 1.2345910214501423, -0.0576098573833125,
      -0.05760985738331248, 0.2758196236474182, 7.209369495283683, -0.05538877440178925, -0.05538877440178925,
      4.2050274502721905,
    ],
    bound: -622.5377329512844,
    score: -3.5492940160082087,
    scoreSamples: [-3.72806053995392, -3.426427187412856, -2.929887970791637],
    proba: [
      0.9999972892443034, 3.1897139110246164e-11, 1.61329808549412e-20, 2.7107237993636323e-6,
      2.037296576418641e-5, 0.9999786205520768, 8.458457745263044e-16, 1.0064821580266874e-6,
    ],
  },
  'dirichlet_distribution/diag': {
    weights: [0.3329333137110803, 0.3331779893957153, 0.3330559846289883, 0.0008327122642159414],
    means: [
      -0.23837805576554316, -0.10964063494807043, 4.967266714328272, 5.140476732068189, -3.9200784046307815,
      6.004818814828694, 0.2709746196112586, 3.67866912686582,
    ],
    covariances: [
      1.213868805450574, 1.3780924830212162, 0.7446716620277855, 1.5638308580221987, 1.234588360360734,
      0.2758197213397116, 7.20903499811474, 4.205084110595895,
    ],
    bound: -646.4955447373189,
    score: -3.649167475115317,
    scoreSamples: [-3.753007046856398, -3.4196912640517305, -2.982565617521922],
    proba: [
      0.9999972038065407, 3.0053843013391244e-10, 1.1079700838404992e-21, 2.7958929209402057e-6,
      4.487025986177398e-8, 0.9999989480285545, 6.524328501621691e-17, 1.0071011857454777e-6,
    ],
  },
};

const CASES: [WeightConcentrationPriorType, BayesianCovarianceType][] = [
  ['dirichlet_process', 'full'],
  ['dirichlet_process', 'diag'],
  ['dirichlet_distribution', 'full'],
  ['dirichlet_distribution', 'diag'],
];

describe('BayesianGaussianMixture against scikit-learn', () => {
  it.each(CASES)('%s, %s', (priorType, covarianceType) => {
    const ref = SKLEARN[`${priorType}/${covarianceType}`];
    const bgm = new BayesianGaussianMixture(4, {
      covarianceType,
      weightConcentrationPriorType: priorType,
      init: { means: MEANS_INIT },
      tol: 1e-8,
      maxIter: 500,
    }).fit(X);
    const tol = { rtol: 1e-5, atol: 1e-8 };
    expect(bgm.converged).toBe(true);
    expect(bgm.weights).toBeAllClose(ref.weights, tol);
    expect(bgm.means).toBeAllClose(ref.means, tol);
    expect(bgm.covariances).toBeAllClose(ref.covariances, tol);
    expect(bgm.lowerBounds.at(-1)).toBeAllClose(ref.bound, tol);
    expect(bgm.score(X)).toBeAllClose(ref.score, tol);
    expect(bgm.scoreSamples(FIRST_ROWS)).toBeAllClose(ref.scoreSamples, tol);
    expect(bgm.predictProba({ data: X.data.slice(0, 4), n: 2, d: 2 })).toBeAllClose(ref.proba, tol);
  });
});

describe('BayesianGaussianMixture', () => {
  it.each(CASES)('never decreases the lower bound (%s, %s)', (priorType, covarianceType) => {
    const bgm = new BayesianGaussianMixture(8, {
      covarianceType,
      weightConcentrationPriorType: priorType,
      tol: 1e-10,
      maxIter: 300,
      seed: 3,
    }).fit(X);
    expect(bgm.lowerBounds.length).toBeGreaterThan(2);
    for (let t = 1; t < bgm.lowerBounds.length; t++)
      expect(bgm.lowerBounds[t]).toBeGreaterThanOrEqual(
        bgm.lowerBounds[t - 1] - 1e-8 * Math.abs(bgm.lowerBounds[t]),
      );
  });

  it.each(CASES)(
    'prunes superfluous components with k = 8 on 3 clusters (%s, %s)',
    (priorType, covarianceType) => {
      const bgm = new BayesianGaussianMixture(8, {
        covarianceType,
        weightConcentrationPriorType: priorType,
        maxIter: 500,
        seed: 1,
      }).fit(X);
      expect(bgm.activeComponents.length).toBeGreaterThanOrEqual(3);
      expect(bgm.activeComponents.length).toBeLessThanOrEqual(4);
      expect(bgm.activeComponents.length + bgm.prunedComponents.length).toBe(8);
      expect(bgm.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      const labels = bgm.predict(X);
      expect(new Set(labels).size).toBeLessThanOrEqual(bgm.activeComponents.length);
      const proba = bgm.predictProba(X);
      for (let i = 0; i < X.n; i++) {
        const row = proba.subarray(i * 8, (i + 1) * 8);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        expect(row[labels[i]]).toBe(Math.max(...row));
      }
    },
  );

  it('special functions match scipy', () => {
    // /usr/bin/python3: scipy.special.gammaln([0.1, 0.5, 3.7, 150.25]), digamma([0.1, 0.5, 3.7, 150.25]),
    // betaln(2.5, 40.125)
    expect([0.1, 0.5, 3.7, 150.25].map(lgamma)).toBeAllClose(
      [2.252712651734206, 0.5723649429247, 1.428072326665388, 601.2615040324997],
      { rtol: 1e-13 },
    );
    expect([0.1, 0.5, 3.7, 150.25].map(digamma)).toBeAllClose(
      [-10.423754940411076, -1.9635100260214235, 1.1671535393615113, 5.008969095021217],
      { rtol: 1e-13 },
    );
    expect(lbeta(2.5, 40.125)).toBeAllClose(-8.991286325012169, { rtol: 1e-13 });
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['k', () => new BayesianGaussianMixture(0), /argument 'k'/],
    [
      'covarianceType',
      () => new BayesianGaussianMixture(2, { covarianceType: 'tied' as 'full' }),
      /'covarianceType'/,
    ],
    [
      'weightConcentrationPriorType',
      () => new BayesianGaussianMixture(2, { weightConcentrationPriorType: 'x' as 'dirichlet_process' }),
      /'weightConcentrationPriorType'/,
    ],
    [
      'weightConcentrationPrior',
      () => new BayesianGaussianMixture(2, { weightConcentrationPrior: 0 }),
      /'weightConcentrationPrior'/,
    ],
    ['init.means', () => new BayesianGaussianMixture(2, { init: { means: [[0, 0]] } }), /'init.means'/],
    [
      'degreesOfFreedomPrior',
      () => new BayesianGaussianMixture(2, { degreesOfFreedomPrior: 0.5 }).fit(X),
      /'degreesOfFreedomPrior'/,
    ],
    ['meanPrior', () => new BayesianGaussianMixture(2, { meanPrior: [0] }).fit(X), /'meanPrior'/],
    [
      'covariancePrior',
      () => new BayesianGaussianMixture(2, { covariancePrior: [1, 1] }).fit(X),
      /'covariancePrior'/,
    ],
    ['unfitted', () => new BayesianGaussianMixture(2).predict(X), /not fitted/],
  ];
  it.each(bad)('rejects a bad %s with a GaussianMixtureError naming it', (_, make, message) => {
    expect(make).toThrow(GaussianMixtureError);
    expect(make).toThrow(message);
  });
});
