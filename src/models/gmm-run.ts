/**
 * A Gaussian mixture fit as the command line runs it (`latentlab fit gmm`): load the points, fit by EM (or by
 * variational Bayes), then write the checkpoint, `summary.json` and the pictures into a fresh run directory.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPoints, type PointSet } from '../data/points.js';
import { readTable } from '../data/table.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { checkFreshOutDir } from '../train/run-checkpoint.js';
import { BayesianGaussianMixture, type WeightConcentrationPriorType } from './bayesian-gmm.js';
import { GaussianMixture } from './gmm.js';
import type { CovarianceType } from './gmm-covariance.js';
import { saveMixture, type Mixture } from './gmm-io.js';
import {
  planeProjection,
  projectComponents,
  writeMixturePictures,
  type FitFrame,
  type Projection,
} from './gmm-pictures.js';

/** Options that do not fit together, or data that cannot be fitted: the message names the flag. */
export class MixtureRunError extends Error {
  override name = 'MixtureRunError';
}

/** What to fit: the flags of `latentlab fit gmm`. */
export interface MixtureRunOptions {
  /** A table file (CSV, TSV, JSON) or a data set name (see `loadPoints`). */
  data: string;
  k: number;
  covariance: CovarianceType;
  /** Variational Bayes (`BayesianGaussianMixture`) instead of EM. */
  bayesian: boolean;
  seed: number;
  maxIter?: number;
  tol?: number;
  regCovar?: number;
  /** EM only: initialisations, the best kept. */
  nInit?: number;
  /** EM only: 'random' responsibilities instead of k-means. */
  init?: 'kmeans' | 'random';
  /** A table file of k initial means (one row each), instead of k-means. */
  means?: string;
  /** Fit the first `limit` rows only. */
  limit?: number;
  /** Variational Bayes: the prior on the weights. */
  weightPrior?: WeightConcentrationPriorType;
  /** Variational Bayes: its concentration (default 1 / k). */
  weightConcentration?: number;
}

/** Where progress goes (a stream's `write`). */
export interface MixtureRunIO {
  progress?: { write(text: string): unknown };
  /** Write the PNG pictures. Default true. */
  pictures?: boolean;
}

/** What a run returns: its summary (as in `summary.json`), the picture paths and the model. */
export interface MixtureRunResult {
  summary: Record<string, unknown>;
  pictures: string[];
  outDir: string;
  model: Mixture;
}

function buildModel(o: MixtureRunOptions, means: number[][] | undefined): Mixture {
  const common = {
    covarianceType: o.covariance,
    tol: o.tol,
    regCovar: o.regCovar,
    maxIter: o.maxIter,
    seed: o.seed,
  };
  const defined = Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined));
  if (o.bayesian) {
    if (o.nInit !== undefined && o.nInit !== 1)
      throw new MixtureRunError(`--n-init applies to EM only, not to --bayesian`);
    if (o.init === 'random') throw new MixtureRunError(`--init random applies to EM only, not to --bayesian`);
    return new BayesianGaussianMixture(o.k, {
      ...defined,
      ...(means ? { init: { means } } : {}),
      ...(o.weightPrior ? { weightConcentrationPriorType: o.weightPrior } : {}),
      ...(o.weightConcentration !== undefined ? { weightConcentrationPrior: o.weightConcentration } : {}),
    });
  }
  if (o.weightPrior !== undefined || o.weightConcentration !== undefined)
    throw new MixtureRunError(`--weight-prior and --weight-concentration need --bayesian`);
  return new GaussianMixture(o.k, {
    ...defined,
    ...(o.nInit !== undefined ? { nInit: o.nInit } : {}),
    init: means ? { means } : (o.init ?? 'kmeans'),
  });
}

function rowsOf(table: PointSet): number[][] {
  return Array.from({ length: table.n }, (_, i) =>
    Array.from(table.data.subarray(i * table.d, (i + 1) * table.d)),
  );
}

/**
 * Fit a mixture to `options.data` and write into `outDir` (which must be new or empty): `checkpoint/` (see
 * `saveMixture`), `summary.json` (`mean_loglik`, `bic`, `aic`, `iterations`, `converged`, `weights`, `seconds`,
 * and `test_mean_loglik` when the data set has a test part) and the pictures (see `writeMixturePictures`).
 * Nothing is written when the data or the options are bad.
 *
 * @example
 * const { summary } = await fitMixtureRun(
 *   { data: '8gaussians', k: 8, covariance: 'full', bayesian: false, seed: 0 },
 *   'runs/gmm',
 * );
 */
export async function fitMixtureRun(
  options: MixtureRunOptions,
  outDir: string,
  { progress, pictures = true }: MixtureRunIO = {},
): Promise<MixtureRunResult> {
  await checkFreshOutDir(outDir);
  const source = loadPoints(options.data, { limit: options.limit });
  const { train, test } = source;
  if (train.n < options.k)
    throw new MixtureRunError(
      `--data ${options.data} has ${train.n} points, fewer than the ${options.k} components of --k`,
    );
  const means = options.means === undefined ? undefined : rowsOf(readTable(options.means));
  if (means !== undefined && means.length > 0 && means[0].length !== train.d)
    throw new MixtureRunError(
      `--means ${options.means} has rows of ${means[0].length} values, but the points of --data have ${train.d}`,
    );
  const model = buildModel(options, means);
  const projection: Projection | null = train.d >= 2 ? planeProjection(train) : null;
  const framesByRun: FitFrame[][] = [];
  const lastBoundByRun: number[] = [];
  // EM's bound is the mean log-likelihood; sklearn's (and so latentlab's) variational bound is a total over the
  // points, up to a constant: shown per point.
  const what = options.bayesian ? 'lower bound per point' : 'mean log-likelihood';
  const perPoint = (bound: number) => (options.bayesian ? bound / train.n : bound);
  let lastPrint = 0;
  const started = performance.now();
  const onIteration = ({
    run,
    iteration,
    lowerBound,
  }: {
    run: number;
    iteration: number;
    lowerBound: number;
  }) => {
    lastBoundByRun[run] = lowerBound;
    if (projection !== null)
      (framesByRun[run] ??= []).push({ iteration, components: projectComponents(model, projection) });
    const now = performance.now();
    if (iteration > 0 && now - lastPrint > 500) {
      lastPrint = now;
      const runText = (options.nInit ?? 1) > 1 ? `run ${run + 1}/${options.nInit} ` : '';
      progress?.write(
        `${runText}iteration ${iteration}: ${what} ${perPoint(lowerBound).toFixed(5)} ` +
          `(${((now - started) / 1000).toFixed(1)} s)\n`,
      );
    }
  };
  if (model instanceof BayesianGaussianMixture) model.fit(train, { onIteration });
  else model.fit(train, { onIteration });
  const seconds = (performance.now() - started) / 1000;
  progress?.write(
    `${model.converged ? 'converged' : 'stopped without converging'} after ${model.nIter} iterations in ` +
      `${seconds.toFixed(2)} s\n`,
  );
  // The kept run is the one whose bounds the model reports (fit keeps the best of nInit runs).
  const keptRun = lastBoundByRun.findIndex(
    (bound, run) => bound === model.lowerBounds.at(-1) && framesByRun[run]?.length === model.nIter + 1,
  );
  const frames = framesByRun[Math.max(0, keptRun)] ?? [];

  const meanLoglik = model.score(train);
  const isEm = model instanceof GaussianMixture;
  const summary: Record<string, unknown> = {
    model: options.bayesian ? 'bayesian-gmm' : 'gmm',
    data: options.data,
    n: train.n,
    d: train.d,
    k: options.k,
    covariance: options.covariance,
    mean_loglik: meanLoglik,
    ...(test ? { test_mean_loglik: model.score(test), test_n: test.n } : {}),
    bic: isEm ? model.bic(train) : null,
    aic: isEm ? model.aic(train) : null,
    iterations: model.nIter,
    converged: model.converged,
    weights: Array.from(model.weights),
    ...(model instanceof BayesianGaussianMixture ? { active_components: model.activeComponents } : {}),
    lower_bounds: model.lowerBounds,
    seconds,
    seed: options.seed,
  };
  await mkdir(outDir, { recursive: true });
  await saveMixture(outDir, model, { run: { ...options } });
  await writeJsonAtomic(join(outDir, 'summary.json'), summary);
  const written =
    pictures && projection !== null
      ? await writeMixturePictures(outDir, {
          model,
          points: train,
          projection,
          frames,
          lowerBounds: model.lowerBounds.map(perPoint),
          title:
            `${options.bayesian ? 'Bayesian ' : ''}${options.k}-component ${options.covariance} mixture, ` +
            source.name,
        })
      : [];
  return { summary, pictures: written, outDir, model };
}
