/**
 * A complete VAE training run, as `latentlab train vae|cvae|beta-vae|iwae` performs it: load the data, build the
 * model, train with an atomic checkpoint and `metrics.jsonl` every epoch, evaluate, draw the pictures and write
 * `summary.json`. `resumeVaeRun` continues a run from its last checkpoint.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { engineInfo } from '../engine/backend.js';
import { loadDataset } from '../data/registry.js';
import { head, type DataSplit } from '../data/dataset.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { linearWarmup } from '../inference/annealing.js';
import { earlyStopping, progressCallback, type ProgressOptions } from '../train/callbacks.js';
import { fit, type Callback, type TrainResult } from '../train/trainer.js';
import { checkFreshOutDir, definedOnly, type TrainingState } from '../train/run-checkpoint.js';
import { ConfigError, resolveVaeConfig, type VaeConfig, type VaeKind } from './vae-config.js';
import { evaluateVae, type VaeEvaluation } from './vae-evaluate.js';
import { loadVae } from './vae-io.js';
import { writeVaePictures } from './vae-pictures.js';
import { VAE } from './vae.js';

/** How a run is trained: what `state.json` keeps so that `--resume` can continue it. */
export interface VaeRunOptions {
  /** `mnist`, `fashion-mnist` or `idx:DIR`. */
  data: string;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Train on the first `limit` training examples only. */
  limit?: number;
  /** Stop when the test ELBO has not improved for this many epochs. */
  patience?: number;
  /** K of the importance-sampled test log-likelihood computed at the end (0: none). */
  iwSamples?: number;
}

export interface VaeRunResult {
  outDir: string;
  summary: Record<string, unknown>;
  pictures: string[];
  training: TrainResult;
}

export interface RunIO {
  /** Progress display options (stream, bar or lines). */
  progress?: ProgressOptions;
  /** Skip the pictures (tests that only check training). */
  pictures?: boolean;
  /** Extra callbacks (tests watch the tensor count with one). */
  callbacks?: Callback[];
}

/**
 * Train a new model of `kind` on `run.data` into `outDir`.
 *
 * @example
 * const { summary } = await trainVaeRun('vae', { latent: 2 }, { data: 'mnist', epochs: 5, batchSize: 128, seed: 0 }, 'runs/vae');
 */
export async function trainVaeRun(
  kind: VaeKind,
  model: Partial<VaeConfig>,
  run: VaeRunOptions,
  outDir: string,
  io: RunIO = {},
): Promise<VaeRunResult> {
  const split = loadDataset(run.data);
  const { height, width, channels } = split.train;
  if (kind === 'cvae' && split.train.labels === null)
    throw new ConfigError(`a conditional VAE needs labels, and the data set ${run.data} has none`);
  const config = resolveVaeConfig(kind, {
    ...model,
    inputShape: [height, width, channels],
    ...(kind === 'cvae' ? { numClasses: split.train.numClasses } : {}),
    seed: run.seed,
  });
  await checkFreshOutDir(outDir);
  await mkdir(outDir, { recursive: true });
  await writeJsonAtomic(join(outDir, 'config.json'), config);
  const vae = new VAE(config);
  try {
    return await runTraining(vae, split, run, outDir, null, io);
  } finally {
    vae.dispose();
  }
}

/**
 * Continue the run in `dir` from its last checkpoint: same data, batch order and random streams, so the result is
 * the one an uninterrupted run would have given. `epochs` may raise the number of epochs.
 */
export async function resumeVaeRun(
  dir: string,
  overrides: { epochs?: number } = {},
  io: RunIO = {},
): Promise<VaeRunResult> {
  const { model, state } = await loadVae(dir);
  try {
    if (state === null)
      throw new ConfigError(`${dir} holds a checkpoint without training state; it cannot be resumed`);
    const run = { ...(state.options as unknown as VaeRunOptions), ...definedOnly(overrides) };
    const split = loadDataset(run.data);
    return await runTraining(model, split, run, dir, state, io);
  } finally {
    model.dispose();
  }
}

async function runTraining(
  vae: VAE,
  split: DataSplit,
  run: VaeRunOptions,
  outDir: string,
  resumeFrom: TrainingState | null,
  io: RunIO,
): Promise<VaeRunResult> {
  const train = head(split.train, run.limit);
  const schedule = linearWarmup(vae.config.beta, vae.config.warmup);
  const started = performance.now();
  const callbacks: Callback[] = [
    progressCallback({ label: vae.kind, ...io.progress }),
    ...(io.callbacks ?? []),
  ];
  if (run.patience !== undefined)
    callbacks.push(earlyStopping({ monitor: 'test_elbo', patience: run.patience }));
  const training = await fit(
    vae,
    train,
    (batch, ctx) =>
      vae.trainStep(batch, { seed: ctx.seed, beta: schedule(ctx.progress), datasetSize: train.n }),
    {
      epochs: run.epochs,
      batchSize: run.batchSize,
      seed: run.seed,
      outDir,
      callbacks,
      resumeFrom: resumeFrom ?? undefined,
      runOptions: run as unknown as Record<string, unknown>,
      evaluate: (epoch) => {
        const e = evaluateVae(vae, split.test, { seed: run.seed + 1 });
        return {
          test_elbo: e.elbo,
          test_reconstruction: e.reconstruction,
          test_kl: e.kl,
          beta: schedule(epoch),
        };
      },
    },
  );
  if (training.stoppedEarly)
    io.progress?.stream?.write(`${vae.kind}: stopped early: ${training.stoppedEarly}\n`);
  const final = evaluateVae(vae, split.test, { seed: run.seed + 1, iwSamples: run.iwSamples ?? 0 });
  const pictures =
    io.pictures === false ? [] : await writeVaePictures(vae, split.test, training.history, outDir, run.seed);
  const summary = {
    kind: vae.kind,
    data: run.data,
    train_n: train.n,
    test_n: split.test.n,
    epochs: training.epochs,
    steps: training.steps,
    stopped_early: training.stoppedEarly,
    seconds_this_session: (performance.now() - started) / 1000,
    ...evaluationRecord(final),
    backend: tf.getBackend(),
    engine: engineInfo()?.backend ?? tf.getBackend(),
    pictures: pictures.map((p) => p.slice(outDir.length + 1)),
  };
  await writeJsonAtomic(join(outDir, 'summary.json'), summary);
  return { outDir, summary, pictures, training };
}

/** The evaluation as the CLI and summary.json report it (snake_case keys). */
export function evaluationRecord(e: VaeEvaluation): Record<string, unknown> {
  return {
    test_elbo: e.elbo,
    test_reconstruction: e.reconstruction,
    test_kl: e.kl,
    ...(e.iwLogLikelihood !== undefined
      ? { test_iw_loglik: e.iwLogLikelihood, iw_samples: e.iwSamples }
      : {}),
    active_units: e.activeUnits,
    kl_per_dim: e.klPerDimension,
    unit_activity: e.unitActivity,
    test_n: e.n,
  };
}
