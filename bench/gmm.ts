/**
 * Benchmark `gmm`: EM for a Gaussian mixture with full covariances, latentlab's `GaussianMixture` against
 * scikit-learn's (`gmm_sklearn.py`) on the very same data, in the same run.
 *
 * Data: the peer's own {@link N} x {@link D} points from a random {@link K}-component mixture (seed 0), written with
 * `--save-data` to a CSV in a temporary folder; latentlab reads it with `readTable`. Both fit {@link K} full
 * covariances (tol 1e-3, regCovar 1e-6, at most {@link MAX_ITER} iterations, one initialisation) from the same
 * initial means: the centroids of latentlab's k-means (k-means++ seeding and Lloyd iterations, seed
 * {@link MEANS_SEED}) computed once, written to a CSV and given to the peer with `--means-init` and to latentlab
 * with `init: { means }`. scikit-learn 1.2 still runs its own k-means inside `fit` to get the initial weights and
 * covariances (the means are then replaced by the given ones); latentlab takes them from the nearest-mean labels of
 * the given means. Starting from converged k-means centroids makes the two nearly the same start; the peer's time
 * includes its k-means, which it cannot skip.
 *
 * Timed on each side: `fit` alone (the peer's `g.fit(x)`; latentlab's `fit` on the table already read). Reported:
 * seconds, iterations and the mean log-likelihood of the fitted model on the data. Targets: latentlab's seconds at
 * most {@link MAX_RATIO} times the peer's, and its mean log-likelihood at least the peer's minus
 * {@link MAX_LOGLIK_DEFICIT}. The peer is timed twice, before and after latentlab, and the faster run is compared
 * (as vae-epoch does). `--steps` does not apply.
 *
 * References: A. P. Dempster, N. M. Laird and D. B. Rubin, "Maximum Likelihood from Incomplete Data via the EM
 * Algorithm", 1977; scikit-learn's `sklearn.mixture.GaussianMixture`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../src/engine/random.js';
import { readTable } from '../src/data/registry.js';
import { GaussianMixture } from '../src/families/mixture/gmm.js';
import { kmeansLabels } from '../src/families/mixture/kmeans.js';
import { ratio, type Benchmark, type BenchContext, type Target } from './harness.js';
import { peerNumber, type PeerOutput } from './peer.js';

const PEER = 'gmm_sklearn.py';
/** The peer's defaults: points, dimensions, components. */
export const N = 100_000;
export const D = 10;
export const K = 8;
/** The peer's `max_iter` (latentlab's default is 100). */
export const MAX_ITER = 200;
export const TOL = 1e-3;
/** The seed of the k-means that gives both sides their initial means. */
export const MEANS_SEED = 0;
/** latentlab's fit should take at most this many times the peer's. */
export const MAX_RATIO = 2;
/** latentlab's mean log-likelihood should be at least the peer's minus this. */
export const MAX_LOGLIK_DEFICIT = 1e-3;

/** The k x d centroids of k-means (k-means++ seeding, Lloyd iterations) on the n x d rows of `data`. */
export function initialMeans(
  data: Float64Array,
  n: number,
  d: number,
  k: number,
  seed = MEANS_SEED,
): number[][] {
  const labels = kmeansLabels(data, n, d, k, new Random(seed));
  const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    counts[labels[i]] += 1;
    for (let a = 0; a < d; a++) sums[labels[i]][a] += data[i * d + a];
  }
  return sums.map((row, j) => {
    if (counts[j] === 0) throw new Error(`gmm: k-means left cluster ${j} empty; no initial mean for it`);
    return row.map((s) => s / counts[j]);
  });
}

/** Rows as CSV, each number written so that it reads back exactly (JavaScript's shortest round-trip form). */
export function toCsv(rows: readonly (readonly number[])[]): string {
  return rows.map((row) => row.map((v) => String(v)).join(',')).join('\n') + '\n';
}

/** latentlab's fit time over the peer's, at most `max`. */
export function timeRatioTarget(latentlabSeconds: number, peerSeconds: number, max = MAX_RATIO): Target {
  const r = ratio(latentlabSeconds, peerSeconds) ?? Infinity;
  return {
    description: `fit <= ${max}x the peer (${r.toFixed(2)}x: ${latentlabSeconds.toFixed(2)} s vs ${peerSeconds.toFixed(2)} s)`,
    met: r <= max,
  };
}

/** One side's fit: mean log-likelihood and iterations. */
export interface FitSummary {
  meanLogLik: number;
  iterations: number;
}

/** latentlab's mean log-likelihood at least the peer's minus `tolerance`; both iteration counts in the text. */
export function logLikelihoodTarget(
  latentlab: FitSummary,
  peer: FitSummary,
  tolerance = MAX_LOGLIK_DEFICIT,
): Target {
  const gap = latentlab.meanLogLik - peer.meanLogLik;
  return {
    description:
      `mean log-likelihood >= the peer's - ${tolerance} (latentlab - peer = ${gap >= 0 ? '+' : ''}` +
      `${gap.toExponential(2)}: ${latentlab.meanLogLik.toFixed(5)} in ${latentlab.iterations} iterations vs ` +
      `${peer.meanLogLik.toFixed(5)} in ${peer.iterations})`,
    met: gap >= -tolerance,
  };
}

/** The peer's fit seconds, mean log-likelihood and iterations, from its JSON line. */
export function peerSummary(output: PeerOutput): FitSummary & { seconds: number } {
  return {
    seconds: peerNumber(output, 'seconds', PEER),
    meanLogLik: peerNumber(output, 'mean_loglik', PEER),
    iterations: peerNumber(output, 'iterations', PEER),
  };
}

/** Fit latentlab's mixture to the CSV at `dataPath` from `means`; seconds of `fit` alone. */
export function fitLatentlab(
  dataPath: string,
  means: number[][],
  maxIter = MAX_ITER,
): FitSummary & { seconds: number; readSeconds: number; converged: boolean; lowerBounds: number[] } {
  const readStart = performance.now();
  const table = readTable(dataPath, { header: false });
  const readSeconds = (performance.now() - readStart) / 1000;
  const gmm = new GaussianMixture(means.length, {
    covarianceType: 'full',
    tol: TOL,
    maxIter,
    init: { means },
    seed: 0,
  });
  const started = performance.now();
  gmm.fit(table);
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    readSeconds,
    meanLogLik: gmm.score(table),
    iterations: gmm.nIter,
    converged: gmm.converged,
    lowerBounds: gmm.lowerBounds,
  };
}

async function runBenchmark(context: BenchContext, dir: string) {
  const { log } = context;
  const dataPath = join(dir, 'data.csv');
  const meansPath = join(dir, 'means.csv');
  const shape = ['--n', String(N), '--d', String(D), '--k', String(K), '--covariance', 'full'];
  log(`gmm: the peer's data (${N} x ${D}, ${K} components), written to CSV`);
  const generated = await context.peer(PEER, [...shape, '--save-data', dataPath]);

  const table = readTable(dataPath, { header: false });
  if (table.n !== N || table.d !== D)
    throw new Error(`gmm: ${dataPath} has ${table.n} x ${table.d} values, expected ${N} x ${D}`);
  const meansStart = performance.now();
  const means = initialMeans(table.data, table.n, table.d, K);
  const meansSeconds = (performance.now() - meansStart) / 1000;
  writeFileSync(meansPath, toCsv(means));
  const fitArgs = ['--data', dataPath, '--k', String(K), '--covariance', 'full', '--means-init', meansPath];

  log('gmm: scikit-learn, from the shared initial means');
  const first = await context.peer(PEER, fitArgs);
  const peerFirst = peerSummary(first);
  log(`gmm: latentlab, from the shared initial means`);
  const ours = fitLatentlab(dataPath, means);
  log(
    `gmm: latentlab: ${ours.seconds.toFixed(2)} s, ${ours.iterations} iterations, ` +
      `mean log-likelihood ${ours.meanLogLik.toFixed(5)}`,
  );
  log('gmm: scikit-learn again, for its timing');
  const second = await context.peer(PEER, fitArgs);
  const peerSecond = peerSummary(second);
  log(`gmm: scikit-learn: ${peerFirst.seconds.toFixed(2)} and ${peerSecond.seconds.toFixed(2)} s`);
  const peerSeconds = Math.min(peerFirst.seconds, peerSecond.seconds);

  const result = {
    unit: 's' as const,
    latentlab: ours.seconds,
    peer: peerSeconds,
    peerName: typeof first.peer === 'string' ? `scikit-learn (${first.peer})` : PEER,
    targets: [timeRatioTarget(ours.seconds, peerSeconds), logLikelihoodTarget(ours, peerFirst)],
    raw: {
      n: N,
      d: D,
      k: K,
      covariance: 'full',
      tol: TOL,
      maxIter: MAX_ITER,
      initialMeans: means,
      initialMeansSeconds: meansSeconds,
      latentlab: ours,
      peer: {
        seconds: peerSeconds,
        secondsRuns: [peerFirst.seconds, peerSecond.seconds],
        iterations: peerFirst.iterations,
        meanLogLik: peerFirst.meanLogLik,
        outputs: [first, second],
        dataGeneration: generated,
      },
      ratios: {
        seconds: ratio(ours.seconds, peerSeconds) ?? null,
        meanLogLikGap: ours.meanLogLik - peerFirst.meanLogLik,
      },
    },
  };
  return result;
}

export const gmm: Benchmark = {
  name: 'gmm',
  description:
    `EM for a ${K}-component full-covariance Gaussian mixture on ${N} x ${D} points, from shared initial ` +
    'means: scikit-learn, latentlab',
  async run(context) {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-gmm-'));
    try {
      return await runBenchmark(context, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
