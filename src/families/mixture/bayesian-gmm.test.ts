import { describe, expect, it } from 'vitest';
import {
  BayesianGaussianMixture,
  type BayesianCovarianceType,
  type WeightConcentrationPriorType,
} from './bayesian-gmm.js';
import { digamma, lbeta, lgamma } from './bayesian-special.js';
import { GaussianMixtureError } from './gmm.js';
import { toy2dDataset } from '../../data/toy2d.js';
import { threeClusters } from '../../../test/gmm-data.js';

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

/*
 * The same subclass and call for 'tied' and 'spherical', with the lower bound of every iteration recorded by
 *       def _compute_lower_bound(self, log_resp, log_prob_norm):
 *           b = super()._compute_lower_bound(log_resp, log_prob_norm); self.bounds_.append(b); return b
 *   m.weights_, m.means_, m.covariances_, m.bounds_, m.score(X), m.score_samples(X[:3]), m.predict_proba(X[:2])
 */
const SKLEARN_SHARED: Record<
  string,
  {
    weights: number[];
    means: number[];
    covariances: number[];
    bounds: number[];
    score: number;
    scoreSamples: number[];
    proba: number[];
  }
> = {
  'dirichlet_process/tied': {
    weights: [0.33488372756514384, 0.33409721667263903, 0.3303636205480526, 0.0006554352141646113],
    means: [
      -0.24068695749258487, -0.11179331723873542, 4.964641662248151, 5.137648982415466, -3.920080064268415,
      6.004818706193426, 0.2702704588865268, 3.678947587841049,
    ],
    covariances: [1.1047627118158183, 0.20442944272862176, 0.20442944272862223, 1.0941145571236783],
    bounds: [
      -694.8936806190694, -692.619130620714, -692.0491115434313, -692.0462800800246, -692.0462797539569,
      -692.0462797539391,
    ],
    score: -3.8318165334953527,
    scoreSamples: [-3.7105683049935174, -3.583095606640072, -3.435684679218603],
    proba: [
      0.9999963734986352, 1.6644996590199635e-7, 9.335205322276162e-10, 3.4591178783583626e-6,
      8.644173480599776e-8, 0.9999999097470279, 2.307979346439087e-18, 3.81123732845107e-9,
    ],
  },
  'dirichlet_process/spherical': {
    weights: [0.33508491947588814, 0.33389821480057486, 0.33035943065041706, 0.0006574350731198856],
    means: [
      -0.2392290826185499, -0.11042502732954561, 4.96627412241491, 5.139434888026027, -3.9201151957828917,
      6.0048187177111245, 0.27000184549400486, 3.6803216152340905,
    ],
    covariances: [1.2945525589569633, 1.1567695731975212, 0.7551550203618084, 5.706360270345528],
    bounds: [
      -682.3353857712681, -680.7643273247714, -679.7002979703965, -679.5136562602355, -679.5118620932186,
      -679.5118604376221, -679.5118604366816,
    ],
    score: -3.808392705495086,
    scoreSamples: [-3.7819269112089624, -3.6160600924150557, -3.151089137737215],
    proba: [
      0.9999975850149869, 2.2697328396827657e-8, 2.450389854766766e-11, 2.392263180849348e-6,
      7.12792214515976e-8, 0.9999993643257357, 1.0449348500609575e-23, 5.643950430644716e-7,
    ],
  },
  'dirichlet_distribution/tied': {
    weights: [0.3326128349075556, 0.3334986478641983, 0.333055764498859, 0.0008327527293872034],
    means: [
      -0.24070303595685016, -0.11180941503078488, 4.964625381681928, 5.1376313191896195, -3.9200820160321515,
      6.00481870242337, 0.2702888830802241, 3.6788300801596936,
    ],
    covariances: [1.1047635875181636, 0.20443266809421426, 0.20443266809421418, 1.0941229716895189],
    bounds: [
      -695.1934117541623, -693.1291649623543, -692.4694886886155, -692.4624578062105, -692.4624559545553,
      -692.4624559542906,
    ],
    score: -3.8318219169396746,
    scoreSamples: [-3.7172584920693357, -3.5847322166834585, -3.4273810598163004],
    proba: [
      0.9999947934778484, 1.6732341419302506e-7, 9.476622636837878e-10, 5.038251075043078e-6,
      8.600443154083651e-8, 0.9999999084733744, 2.3309617514784693e-18, 5.5221938816272295e-9,
    ],
  },
  'dirichlet_distribution/spherical': {
    weights: [0.3328148080076907, 0.3332979256345655, 0.33305100427869616, 0.000836262079047551],
    means: [
      -0.23923960573789377, -0.1104351109851444, 4.96626485675971, 5.13942440862848, -3.9201250355515254,
      6.004818689543714, 0.26990898830693766, 3.680808376262313,
    ],
    covariances: [1.2945339603132866, 1.1567928035397979, 0.7551421038166961, 5.706140761691156],
    bounds: [
      -682.5542373945968, -681.1928934161473, -680.219319991203, -679.9356660673136, -679.9280489407096,
      -679.9280299517095, -679.9280299294229, -679.928029929398,
    ],
    score: -3.8083965036913225,
    scoreSamples: [-3.7885994728063324, -3.617717789844087, -3.142766129277046],
    proba: [
      0.9999964730246446, 2.2821101333895205e-8, 2.486200119523336e-11, 3.504129392107354e-6,
      7.090145953256238e-8, 0.9999991064211141, 1.0543224111390667e-23, 8.226774266643197e-7,
    ],
  },
};

const SHARED_CASES: [WeightConcentrationPriorType, BayesianCovarianceType][] = [
  ['dirichlet_process', 'tied'],
  ['dirichlet_process', 'spherical'],
  ['dirichlet_distribution', 'tied'],
  ['dirichlet_distribution', 'spherical'],
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

describe('BayesianGaussianMixture with tied and spherical covariances against scikit-learn', () => {
  it.each(SHARED_CASES)('%s, %s', (priorType, covarianceType) => {
    const ref = SKLEARN_SHARED[`${priorType}/${covarianceType}`];
    const bgm = new BayesianGaussianMixture(4, {
      covarianceType,
      weightConcentrationPriorType: priorType,
      init: { means: MEANS_INIT },
      tol: 1e-8,
      maxIter: 500,
    }).fit(X);
    const tol = { rtol: 1e-5, atol: 1e-8 };
    expect(bgm.converged).toBe(true);
    // GaussianMixture's layouts: d*d numbers for 'tied', k for 'spherical' (here both happen to be 4).
    expect(bgm.factors.length).toBe(bgm.covariances.length);
    expect(bgm.degreesOfFreedom.length).toBe(4);
    expect(bgm.weights).toBeAllClose(ref.weights, tol);
    expect(bgm.means).toBeAllClose(ref.means, tol);
    expect(bgm.covariances).toBeAllClose(ref.covariances, tol);
    expect(bgm.nIter).toBe(ref.bounds.length);
    expect(bgm.lowerBounds).toBeAllClose(ref.bounds, tol);
    expect(bgm.score(X)).toBeAllClose(ref.score, tol);
    expect(bgm.scoreSamples(FIRST_ROWS)).toBeAllClose(ref.scoreSamples, tol);
    expect(bgm.predictProba({ data: X.data.slice(0, 4), n: 2, d: 2 })).toBeAllClose(ref.proba, tol);
  });

  /*
   * /usr/bin/python3, sklearn 1.2.1, the subclass above with weight_concentration_prior_type='dirichlet_process',
   * tol=1e-8, max_iter=500, covariance_prior=[[2, 0.3], [0.3, 1]] (tied) or 0.5 (spherical),
   * degrees_of_freedom_prior=3, mean_precision_prior=0.1, mean_prior=[1, 2], weight_concentration_prior=0.5:
   *   m.weights_, m.means_, m.covariances_, m.lower_bound_, m.n_iter_, m.score(X)
   */
  const GIVEN_PRIORS = {
    tied: {
      covariancePrior: [
        [2, 0.3],
        [0.3, 1],
      ],
      weights: [0.3348723725562615, 0.33381197696339976, 0.3302257814085593, 0.0010898690717794995],
      means: [
        -0.24355516015703332, -0.14665133575092623, 5.008702118914029, 5.150320433820414, -3.9570214422839243,
        6.024051050880354, 1.0000357828371587, 1.9999827110229684,
      ],
      covariances: [0.8155933750318999, 0.20828086015169534, 0.20828086015169497, 0.9235107402485471],
      bound: -619.4995799517757,
      nIter: 14,
      score: -3.7991449895202294,
    },
    spherical: {
      covariancePrior: 0.5,
      weights: [0.335294148987941, 0.33380940497088446, 0.3238169339210899, 0.007079512120084747],
      means: [
        -0.241980291374565, -0.14517282293763262, 5.0104784835399805, 5.152221966396649, -4.0138589777081854,
        6.024017330627652, -1.0963634952865178, 5.835971583636481,
      ],
      covariances: [1.109137905741147, 0.9304700995562575, 0.4797037265464144, 0.35436922450941244],
      bound: -605.9182644409537,
      nIter: 25,
      score: -3.764469031800547,
    },
  };
  it.each(['tied', 'spherical'] as const)('given priors, %s', (covarianceType) => {
    const ref = GIVEN_PRIORS[covarianceType];
    const bgm = new BayesianGaussianMixture(4, {
      covarianceType,
      init: { means: MEANS_INIT },
      tol: 1e-8,
      maxIter: 500,
      covariancePrior: ref.covariancePrior,
      degreesOfFreedomPrior: 3,
      meanPrecisionPrior: 0.1,
      meanPrior: [1, 2],
      weightConcentrationPrior: 0.5,
    }).fit(X);
    const tol = { rtol: 1e-5, atol: 1e-8 };
    expect(bgm.nIter).toBe(ref.nIter);
    expect(bgm.weights).toBeAllClose(ref.weights, tol);
    expect(bgm.means).toBeAllClose(ref.means, tol);
    expect(bgm.covariances).toBeAllClose(ref.covariances, tol);
    expect(bgm.lowerBounds.at(-1)).toBeAllClose(ref.bound, tol);
    expect(bgm.score(X)).toBeAllClose(ref.score, tol);
  });
});

describe('BayesianGaussianMixture on 8gaussians with k = 12 tied components', () => {
  /*
   * With a tied covariance, the surplus components sit on a cluster beside another and merge slowly: scikit-learn
   * does the same. From these means (latentlab's k-means centres of seed 0, rounded), both take 1109 iterations to
   * converge (bound -20503.1215385, 8 weights > 0.01, the other four below 4e-6); with the default max_iter = 100
   * both stop unconverged (scikit-learn with a ConvergenceWarning) with 12 weighted components, two on (-2, 2),
   * two on (0, -2.83) and three on (-2, -2), while the bound still rises by 0.011 an iteration.
   *
   * /usr/bin/python3, sklearn 1.2.1, X = the float64 values of toy2dDataset('8gaussians').train (20,000 points,
   * written to a file), M0 = MEANS_8G, the nearest-mean subclass above with np.eye(12), recording the bounds:
   *   m = Given(n_components=12, covariance_type='tied').fit(X)
   *   m.n_iter_, m.converged_, m.weights_, m.means_, m.covariances_, m.bounds_[-2:]
   */
  const MEANS_8G = [
    [2.8, 0.0],
    [-2.1, 1.7],
    [-0.3, -2.7],
    [-0.0, 2.8],
    [2.0, -2.0],
    [2.0, 2.0],
    [-1.6, -2.0],
    [-2.8, -0.0],
    [-1.9, 2.3],
    [-2.2, -2.3],
    [0.3, -2.9],
    [-2.2, -1.7],
  ];
  const REF = {
    weights: [
      0.127048561681673, 0.05959894163909041, 0.0686017895834975, 0.12363009757555436, 0.12818029489451244,
      0.12404208530780006, 0.04063743004461662, 0.12590400873291824, 0.06470459854336814,
      0.050301422813415514, 0.054621458431003675, 0.032729310752550034,
    ],
    means: [
      2.8106542207198575, 0.005206943683095663, -2.00584309780329, 1.98098219603771, -0.0552171985552841,
      -2.844453158757024, -0.0020733002041914686, 2.8121526963078, 2.0032021044549033, -1.983889432490944,
      2.0063734835546985, 1.9912381680613855, -1.989261330745479, -1.9930393414005076, -2.8172704783072517,
      -0.009412556313782627, -1.9970049527331766, 2.030888922267974, -2.012978286605476, -2.015949830334978,
      0.035329698556468454, -2.805020116625936, -1.9796269405999112, -1.9834488536015549,
    ],
    covariances: [0.12923387744415032, 0.0008786526958873667, 0.0008786526958874093, 0.12794036833067904],
    bounds: [-20678.795021248545, -20678.78434738354],
  };

  it('stops at maxIter unconverged with the duplicate components weighted, as scikit-learn does', () => {
    const { values, n } = toy2dDataset('8gaussians').train;
    const x = { data: Float64Array.from(values), n, d: 2 };
    const bgm = new BayesianGaussianMixture(12, { covarianceType: 'tied', init: { means: MEANS_8G } }).fit(x);
    const tol = { rtol: 1e-5, atol: 1e-8 };
    expect(bgm.nIter).toBe(100);
    expect(bgm.converged).toBe(false);
    expect(bgm.activeComponents.length).toBe(12);
    expect(bgm.weights).toBeAllClose(REF.weights, tol);
    expect(bgm.means).toBeAllClose(REF.means, tol);
    expect(bgm.covariances).toBeAllClose(REF.covariances, tol);
    expect(bgm.lowerBounds.slice(-2)).toBeAllClose(REF.bounds, { rtol: 1e-10 });
  }, 60_000);
});

describe('BayesianGaussianMixture.fit onIteration', () => {
  it('reports every M-step with the parameters of that iteration', () => {
    const seen: { run: number; iteration: number; lowerBound: number; means: Float64Array; same: boolean }[] =
      [];
    const bgm = new BayesianGaussianMixture(4, {
      covarianceType: 'tied',
      init: { means: MEANS_INIT },
      tol: 1e-8,
      maxIter: 500,
    });
    bgm.fit(X, {
      onIteration: ({ run, iteration, lowerBound, model }) =>
        seen.push({ run, iteration, lowerBound, means: model.means.slice(), same: model === bgm }),
    });
    expect(seen.map((s) => s.iteration)).toEqual([...Array(bgm.nIter + 1).keys()]);
    expect(seen.every((s) => s.run === 0 && s.same)).toBe(true);
    expect(seen[0].lowerBound).toBeNaN();
    expect(seen.slice(1).map((s) => s.lowerBound)).toEqual(bgm.lowerBounds);
    expect(seen.at(-1)!.means).toEqual(bgm.means);
    // /usr/bin/python3, sklearn 1.2.1: the subclass above (covariance_type='tied', dirichlet_process) after
    // m._check_parameters(X); m._initialize_parameters(X, None): m.means_
    expect(seen[0].means).toBeAllClose(
      [
        -0.23748067963804853, -0.10881027841769787, 4.985716820800768, 5.115685473650407, -3.976294669214677,
        6.005055856101191, 0.3047802452619849, 5.848534557411063,
      ],
      { rtol: 1e-10 },
    );
    // Iteration t of one fit is the end of a fit stopped after t iterations.
    const t = 2;
    const short = new BayesianGaussianMixture(4, {
      covarianceType: 'tied',
      init: { means: MEANS_INIT },
      maxIter: t,
    }).fit(X);
    expect(seen[t].means).toEqual(short.means);
    expect(seen[t].lowerBound).toBe(short.lowerBounds.at(-1));
  });
});

describe('BayesianGaussianMixture.snapshot', () => {
  it.each(CASES)(
    '%s, %s: each iteration kept by onIteration still predicts and prunes as it did then',
    (w, t) => {
      const seen: { snapshot: BayesianGaussianMixture; proba: Float64Array; active: number[] }[] = [];
      const bgm = new BayesianGaussianMixture(4, {
        covarianceType: t,
        weightConcentrationPriorType: w,
        init: { means: MEANS_INIT },
        tol: 1e-8,
        maxIter: 500,
      });
      bgm.fit(X, {
        onIteration: ({ model }) =>
          seen.push({
            snapshot: model.snapshot(),
            proba: model.predictProba(X),
            active: model.activeComponents,
          }),
      });
      expect(seen.length).toBeGreaterThan(3);
      for (const { snapshot, proba, active } of seen) {
        expect(snapshot).not.toBe(bgm);
        expect(snapshot.predictProba(X)).toEqual(proba);
        expect(snapshot.activeComponents).toEqual(active);
      }
      expect(seen[1].proba).not.toEqual(seen.at(-1)!.proba);
      expect(seen[0].snapshot.lowerBounds).toEqual([]);
      expect(seen.at(-1)!.snapshot.lowerBounds).toEqual(bgm.lowerBounds);
    },
  );
});

const ALL_CASES = [...CASES, ...SHARED_CASES];

describe('BayesianGaussianMixture.sample', () => {
  it.each(['full', 'tied', 'diag', 'spherical'] as const)(
    'draws 100k points with the mixture mean and covariance (%s)',
    (covarianceType) => {
      const bgm = new BayesianGaussianMixture(4, { covarianceType, init: { means: MEANS_INIT } }).fit(X);
      const { data, n, d, labels } = bgm.sample(100_000, { seed: 5 });
      expect([n, d, data.length]).toEqual([100_000, 2, 200_000]);
      // Mixture moments: mu = sum_j w_j m_j, Sigma = sum_j w_j (S_j + m_j m_j^T) - mu mu^T, S_j = L_j L_j^T.
      const mu = [0, 0];
      const second = [0, 0, 0, 0];
      for (let j = 0; j < 4; j++) {
        const w = bgm.weights[j];
        const m = bgm.means.subarray(2 * j, 2 * j + 2);
        const s = (a: number, b: number): number => {
          if (covarianceType === 'full') return bgm.covariances[4 * j + 2 * a + b];
          if (covarianceType === 'tied') return bgm.covariances[2 * a + b];
          if (a !== b) return 0;
          return covarianceType === 'diag' ? bgm.covariances[2 * j + a] : bgm.covariances[j];
        };
        for (let a = 0; a < 2; a++) {
          mu[a] += w * m[a];
          for (let b = 0; b < 2; b++) second[2 * a + b] += w * (s(a, b) + m[a] * m[b]);
        }
      }
      const cov = second.map((v, e) => v - mu[Math.floor(e / 2)] * mu[e % 2]);
      const sampleMean = [0, 0];
      for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) sampleMean[a] += data[2 * i + a] / n;
      const sampleCov = [0, 0, 0, 0];
      for (let i = 0; i < n; i++)
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++)
            sampleCov[2 * a + b] +=
              ((data[2 * i + a] - sampleMean[a]) * (data[2 * i + b] - sampleMean[b])) / n;
      expect(sampleMean).toBeAllClose(mu, { atol: 0.05 });
      expect(sampleCov).toBeAllClose(cov, { rtol: 0.03, atol: 0.05 });
      const counts = [0, 0, 0, 0];
      labels.forEach((j) => counts[j]++);
      expect(counts.map((c) => c / n)).toBeAllClose(bgm.weights, { atol: 0.005 });
    },
  );
});

const COVARIANCE_PRIOR_CASES: [string, BayesianCovarianceType, number[][] | number[] | number][] = [
  ['spherical given an array', 'spherical', [1, 1]],
  ['spherical given 0', 'spherical', 0],
  ['tied given a flat array', 'tied', [1, 0, 0, 1]],
  [
    'tied given 3 x 3',
    'tied',
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  ],
  [
    'tied not positive definite',
    'tied',
    [
      [1, 2],
      [2, 1],
    ],
  ],
  [
    'tied not symmetric',
    'tied',
    [
      [1, 0.5],
      [0, 1],
    ],
  ],
  ['full given d variances', 'full', [1, 1]],
  ['full given a number', 'full', 1],
  [
    'diag given a matrix',
    'diag',
    [
      [1, 0],
      [0, 1],
    ],
  ],
  ['diag given 3 variances', 'diag', [1, 1, 1]],
  ['diag given a negative variance', 'diag', [1, -1]],
];

describe('BayesianGaussianMixture', () => {
  it.each(ALL_CASES)('never decreases the lower bound (%s, %s)', (priorType, covarianceType) => {
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

  it.each(ALL_CASES)(
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
      () => new BayesianGaussianMixture(2, { covarianceType: 'banana' as 'full' }),
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
    ['unfitted sample', () => new BayesianGaussianMixture(2).sample(5), /not fitted/],
    ...COVARIANCE_PRIOR_CASES.map(
      ([name, covarianceType, covariancePrior]): [string, () => unknown, RegExp] => [
        `covariancePrior (${name})`,
        () => new BayesianGaussianMixture(2, { covarianceType, covariancePrior }).fit(X),
        /option 'covariancePrior'/,
      ],
    ),
  ];
  it.each(bad)('rejects a bad %s with a GaussianMixtureError naming it', (_, make, message) => {
    expect(make).toThrow(GaussianMixtureError);
    expect(make).toThrow(message);
  });
});
