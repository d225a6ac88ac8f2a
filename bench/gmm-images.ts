/**
 * Benchmark `gmm-images`: a Gaussian mixture of images, latentlab's `GaussianMixture` against scikit-learn's
 * (`gmm_sklearn.py --idx DIR`) on the same {@link LIMIT} Fashion-MNIST training images, in the same run: {@link K}
 * diagonal covariances, regCovar {@link REG_COVAR}, tol 1e-3, at most 200 iterations, one initialisation.
 *
 * Each side starts from its own k-means (k-means++ seeding and Lloyd iterations: latentlab's with seed 0, the peer's
 * with `random_state=0`), and the time is the whole `fit`, k-means included, since that start is a large part of the
 * work on 784 dimensions. The two starts differ, so the iteration counts and final log-likelihoods differ a little;
 * both are reported. As in `gmm`, the peer is timed before and after latentlab and its faster run is compared.
 * Target: latentlab's fit at most {@link MAX_RATIO} times the peer's. Needs Debian's `dataset-fashion-mnist`.
 *
 *   npm run bench -- --only gmm-images
 *
 * References: scikit-learn's `sklearn.mixture.GaussianMixture` and `sklearn.cluster.KMeans`.
 */
import { FASHION_MNIST_SYSTEM_DIR } from '../src/data/fashion-mnist.js';
import { loadDataset } from '../src/data/registry.js';
import { GaussianMixture } from '../src/families/mixture/gmm.js';
import { peerSummary, timeRatioTarget } from './gmm.js';
import type { Benchmark } from './harness.js';

const PEER = 'gmm_sklearn.py';
export const LIMIT = 10_000;
export const K = 10;
export const REG_COVAR = 0.01;
/** The peer's `max_iter`. */
export const MAX_ITER = 200;
export const MAX_RATIO = 1.5;

/** The first {@link LIMIT} Fashion-MNIST training images as float64 rows, as the peer reads them. */
function images(): { data: Float64Array; n: number; d: number } {
  const { train } = loadDataset('fashion-mnist');
  const d = train.values.length / train.n;
  return { data: Float64Array.from(train.values.subarray(0, LIMIT * d)), n: LIMIT, d };
}

export const gmmImages: Benchmark = {
  name: 'gmm-images',
  description:
    `EM for a ${K}-component diagonal Gaussian mixture of ${LIMIT.toLocaleString('en-US')} Fashion-MNIST images, ` +
    'each side from its own k-means: scikit-learn, latentlab',
  async run({ peer, log }) {
    const args = [
      '--idx',
      FASHION_MNIST_SYSTEM_DIR,
      '--limit',
      String(LIMIT),
      '--k',
      String(K),
      '--covariance',
      'diag',
      '--reg-covar',
      String(REG_COVAR),
    ];
    log('gmm-images: scikit-learn');
    const first = peerSummary(await peer(PEER, args));
    log(`gmm-images: latentlab`);
    const matrix = images();
    const gmm = new GaussianMixture(K, {
      covarianceType: 'diag',
      regCovar: REG_COVAR,
      tol: 1e-3,
      maxIter: MAX_ITER,
      init: 'kmeans',
      seed: 0,
    });
    const started = performance.now();
    gmm.fit(matrix);
    const seconds = (performance.now() - started) / 1000;
    const ours = { seconds, iterations: gmm.nIter, meanLogLik: gmm.score(matrix), converged: gmm.converged };
    log(`gmm-images: latentlab ${seconds.toFixed(2)} s, ${ours.iterations} iterations`);
    log('gmm-images: scikit-learn again, for its timing');
    const second = peerSummary(await peer(PEER, args));
    const peerSeconds = Math.min(first.seconds, second.seconds);
    return {
      unit: 's',
      latentlab: seconds,
      peer: peerSeconds,
      peerName: 'scikit-learn',
      columns: [
        { label: 'iterations', value: ours.iterations, unit: '' },
        { label: 'peer iterations', value: first.iterations, unit: '' },
        { label: 'mean log-likelihood', value: ours.meanLogLik, unit: '' },
        { label: 'peer mean log-likelihood', value: first.meanLogLik, unit: '' },
      ],
      targets: [timeRatioTarget(seconds, peerSeconds, MAX_RATIO)],
      raw: {
        n: LIMIT,
        d: matrix.d,
        k: K,
        covariance: 'diag',
        regCovar: REG_COVAR,
        latentlab: ours,
        peer: { ...first, seconds: peerSeconds, secondsRuns: [first.seconds, second.seconds] },
      },
    };
  },
};
