/**
 * Gaussian mixtures on disk: a checkpoint directory like every latentlab model's (`config.json` with
 * `kind: 'gmm'` or `'bayesian-gmm'`, and `weights.safetensors`), with the parameters stored as float64 arrays so
 * a loaded mixture gives the very same log-likelihoods as the one that was saved.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { latentlabVersion } from '../engine/version.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { CHECKPOINT_FILES, CHECKPOINT_FORMAT } from '../io/checkpoint.js';
import { CheckpointError, encodeSafetensors, type NamedArray } from '../io/safetensors.js';
import { loadRunCheckpoint, RUN_CHECKPOINT } from '../train/run-checkpoint.js';
import { BayesianGaussianMixture, type BayesianGaussianMixtureOptions } from './bayesian-gmm.js';
import { GaussianMixture, type GaussianMixtureOptions } from './gmm.js';

/** The checkpoint kinds of the two mixtures. */
export const MIXTURE_KINDS = ['gmm', 'bayesian-gmm'] as const;
export type MixtureKind = (typeof MIXTURE_KINDS)[number];

/** Either fitted mixture. */
export type Mixture = GaussianMixture | BayesianGaussianMixture;

/** Whether a checkpoint's `kind` is a mixture's. */
export function isMixtureKind(kind: string): kind is MixtureKind {
  return (MIXTURE_KINDS as readonly string[]).includes(kind);
}

/** The arrays that define a fitted mixture (the Bayesian one adds its variational and prior parameters). */
function mixtureArrays(model: Mixture): Record<string, Float64Array> {
  const arrays: Record<string, Float64Array> = {
    weights: model.weights,
    means: model.means,
    covariances: model.covariances,
    factors: model.factors,
  };
  if (model instanceof BayesianGaussianMixture)
    Object.assign(arrays, {
      weight_concentration_0: model.weightConcentration[0],
      weight_concentration_1: model.weightConcentration[1],
      mean_precision: model.meanPrecision,
      degrees_of_freedom: model.degreesOfFreedom,
      prior_mean: model.priors.mean,
      prior_covariance: model.priors.covariance,
    });
  return arrays;
}

function constructorOptions(model: Mixture): GaussianMixtureOptions | BayesianGaussianMixtureOptions {
  if (model instanceof BayesianGaussianMixture) return model.options;
  const { covarianceType, tol, regCovar, maxIter, nInit, init, seed, stepDecay } = model;
  return { covarianceType, tol, regCovar, maxIter, nInit, init, seed, stepDecay };
}

/**
 * Save a fitted mixture as the checkpoint `runDir/checkpoint/`, written in full to `checkpoint.tmp/` first and
 * then renamed into place, so a crash never leaves half a checkpoint. `extra` goes into `config.json` (the run's
 * data set, for `latentlab eval`).
 *
 * @example
 * await saveMixture('runs/gmm', new GaussianMixture(3).fit(points), { data: 'points.csv' });
 */
export async function saveMixture(
  runDir: string,
  model: Mixture,
  extra: Record<string, unknown> = {},
): Promise<string> {
  if (model.factors.length === 0) throw new TypeError('saveMixture: the model is not fitted yet');
  const kind: MixtureKind = model instanceof BayesianGaussianMixture ? 'bayesian-gmm' : 'gmm';
  const tensors = new Map<string, NamedArray>(
    Object.entries(mixtureArrays(model)).map(([name, data]) => [
      name,
      { dtype: 'F64', shape: [data.length], data },
    ]),
  );
  const scalars =
    model instanceof BayesianGaussianMixture
      ? {
          priors: {
            weightConcentration: model.priors.weightConcentration,
            meanPrecision: model.priors.meanPrecision,
            degreesOfFreedom: model.priors.degreesOfFreedom,
          },
        }
      : {};
  const config = {
    format: CHECKPOINT_FORMAT,
    latentlabVersion: latentlabVersion(),
    kind,
    k: model.k,
    d: model.d,
    options: constructorOptions(model),
    lowerBounds: model.lowerBounds,
    converged: model.converged,
    nIter: model.nIter,
    ...scalars,
    ...extra,
  };
  const tmp = join(runDir, `${RUN_CHECKPOINT}.tmp`);
  const final = join(runDir, RUN_CHECKPOINT);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFileAtomic(join(tmp, CHECKPOINT_FILES.weights), encodeSafetensors(tensors, { kind }));
  await writeJsonAtomic(join(tmp, CHECKPOINT_FILES.config), config);
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return final;
}

/** What {@link loadMixture} returns: the model and its checkpoint's config (with the run's extra entries). */
export interface LoadedMixture {
  model: Mixture;
  config: Record<string, unknown> & { kind: MixtureKind; k: number; d: number };
  path: string;
}

/**
 * Load a mixture saved by {@link saveMixture} from a run directory or its checkpoint directory. Errors name the
 * file and what is wrong with it.
 *
 * @example
 * const { model } = await loadMixture('runs/gmm');
 * model.score(newPoints);
 */
export async function loadMixture(dir: string): Promise<LoadedMixture> {
  const { config, weights, path } = await loadRunCheckpoint(dir);
  const where = join(path, CHECKPOINT_FILES.config);
  if (!isMixtureKind(config.kind))
    throw new CheckpointError(`${where}: kind '${config.kind}' is not a Gaussian mixture`);
  const { k: rawK, d: rawD, options } = config as Record<string, unknown>;
  if (!Number.isInteger(rawK) || !Number.isInteger(rawD) || typeof options !== 'object' || options === null)
    throw new CheckpointError(`${where}: expected integer "k" and "d" and an "options" object`);
  const k = rawK as number;
  const d = rawD as number;
  const model =
    config.kind === 'gmm' ? new GaussianMixture(k, options) : new BayesianGaussianMixture(k, options);
  const arrays = mixtureArrays(model);
  const loaded: Record<string, Float64Array> = {};
  for (const name of Object.keys(arrays)) {
    const a = weights.get(name);
    if (a === undefined || a.dtype !== 'F64')
      throw new CheckpointError(
        `${join(path, CHECKPOINT_FILES.weights)}: expected a float64 array '${name}' for a ${config.kind}`,
      );
    loaded[name] = a.data as Float64Array;
  }
  model.d = d;
  model.weights = loaded.weights;
  model.means = loaded.means;
  model.covariances = loaded.covariances;
  model.factors = loaded.factors;
  model.lowerBounds = (config.lowerBounds as number[] | undefined) ?? [];
  model.converged = config.converged === true;
  model.nIter = (config.nIter as number | undefined) ?? 0;
  if (model.weights.length !== k || model.means.length !== k * d)
    throw new CheckpointError(
      `${join(path, CHECKPOINT_FILES.weights)}: weights and means do not have k = ${k}, d = ${d} entries`,
    );
  if (model instanceof BayesianGaussianMixture) {
    const priors = config.priors as Record<string, number>;
    model.weightConcentration = [loaded.weight_concentration_0, loaded.weight_concentration_1];
    model.meanPrecision = loaded.mean_precision;
    model.degreesOfFreedom = loaded.degrees_of_freedom;
    model.priors = {
      weightConcentration: priors.weightConcentration,
      meanPrecision: priors.meanPrecision,
      mean: loaded.prior_mean,
      degreesOfFreedom: priors.degreesOfFreedom,
      covariance: loaded.prior_covariance,
    };
  }
  return { model, config: config as unknown as LoadedMixture['config'], path };
}
