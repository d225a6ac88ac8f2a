/**
 * A complete flow training run, as `latentlab train flow` performs it: load the data (a 2-D density or images),
 * build the flow, train by maximum likelihood with checkpoints and `metrics.jsonl`, evaluate, draw the pictures and
 * write `summary.json`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { loadDataset } from '../data/registry.js';
import { numBatches } from '../data/batches.js';
import { head, type DataSplit } from '../data/dataset.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { progressCallback } from '../train/callbacks.js';
import { fit, type Callback, type TrainResult } from '../train/trainer.js';
import { checkFreshOutDir, definedOnly, type TrainingState } from '../train/run-checkpoint.js';
import { evaluateFlow } from './flow-evaluate.js';
import { loadFlow } from './flow-io.js';
import { writeFlowPictures } from './flow-pictures.js';
import { FlowConfigError, FlowModel, resolveFlowConfig, type FlowArch, type FlowConfig } from './flows.js';
import type { RunIO } from './vae-run.js';

export interface FlowRunOptions {
  data: string;
  /** Epochs, or (when `steps` is given) the most epochs. */
  epochs: number;
  /** Stop after this many optimisation steps in all (the PyTorch peer counts steps). */
  steps?: number;
  batchSize: number;
  seed: number;
  limit?: number;
  /** Condition the flow on the data set's labels (its coupling networks read a one-hot label). */
  conditional?: boolean;
}

export interface FlowRunResult {
  outDir: string;
  summary: Record<string, unknown>;
  pictures: string[];
  training: TrainResult;
}

/** The example shape a data set implies: `[d]` for 2-D densities (height 1), `[h, w, c]` for images. */
function inputShapeOf(split: DataSplit): number[] {
  const { height, width, channels } = split.train;
  return height === 1 && channels === 1 ? [width] : [height, width, channels];
}

/** The epochs that `steps` steps take (the trainer stops at exactly `steps`). */
function epochsFor(run: FlowRunOptions, n: number): number {
  return run.steps === undefined ? run.epochs : Math.ceil(run.steps / numBatches(n, run.batchSize));
}

/**
 * Train a new flow of `arch` on `run.data` into `outDir`.
 *
 * @example
 * await trainFlowRun('realnvp', { layers: 8 }, { data: 'moons', epochs: 1, steps: 1500, batchSize: 256, seed: 0 }, 'runs/moons');
 */
export async function trainFlowRun(
  arch: FlowArch,
  model: Partial<FlowConfig>,
  run: FlowRunOptions,
  outDir: string,
  io: RunIO = {},
): Promise<FlowRunResult> {
  const split = loadDataset(run.data);
  if (run.conditional && split.train.labels === null)
    throw new FlowConfigError(`a conditional flow needs labels, and the data set ${run.data} has none`);
  const config = resolveFlowConfig(arch, {
    ...model,
    inputShape: inputShapeOf(split),
    seed: run.seed,
    numClasses: run.conditional ? split.train.numClasses : 0,
  });
  await checkFreshOutDir(outDir);
  await mkdir(outDir, { recursive: true });
  await writeJsonAtomic(join(outDir, 'config.json'), config);
  const flow = new FlowModel(config);
  try {
    return await runTraining(flow, split, run, outDir, null, io);
  } finally {
    flow.dispose();
  }
}

/** Continue the flow run in `dir` from its last checkpoint. */
export async function resumeFlowRun(
  dir: string,
  overrides: { epochs?: number; steps?: number } = {},
  io: RunIO = {},
) {
  const { model, state } = await loadFlow(dir);
  try {
    if (state === null)
      throw new FlowConfigError(`${dir} holds a checkpoint without training state; it cannot be resumed`);
    const run = { ...(state.options as unknown as FlowRunOptions), ...definedOnly(overrides) };
    return await runTraining(model, loadDataset(run.data), run, dir, state, io);
  } finally {
    model.dispose();
  }
}

async function runTraining(
  flow: FlowModel,
  split: DataSplit,
  run: FlowRunOptions,
  outDir: string,
  resumeFrom: TrainingState | null,
  io: RunIO,
): Promise<FlowRunResult> {
  const train = head(split.train, run.limit);
  const started = performance.now();
  const callbacks: Callback[] = [
    progressCallback({ label: `flow ${flow.config.arch}`, ...io.progress }),
    ...(io.callbacks ?? []),
  ];
  const training = await fit(flow, train, (batch, ctx) => flow.trainStep(batch, { seed: ctx.seed }), {
    epochs: epochsFor(run, train.n),
    maxSteps: run.steps,
    batchSize: run.batchSize,
    seed: run.seed,
    outDir,
    callbacks,
    resumeFrom: resumeFrom ?? undefined,
    runOptions: run as unknown as Record<string, unknown>,
    evaluate: (): Record<string, number> => {
      const e = evaluateFlow(flow, split.test, { seed: run.seed + 1 });
      return e.bitsPerDim === undefined
        ? { test_loglik: e.loglik }
        : { test_loglik: e.loglik, test_bits_per_dim: e.bitsPerDim };
    },
  });
  const final = evaluateFlow(flow, split.test, { seed: run.seed + 1 });
  const pictures =
    io.pictures === false ? [] : await writeFlowPictures(flow, run.data, training.history, outDir, run.seed);
  const summary = {
    kind: 'flow',
    arch: flow.config.arch,
    data: run.data,
    train_n: train.n,
    test_n: split.test.n,
    epochs: training.epochs,
    steps: training.steps,
    parameters: flow.numParameters(),
    seconds_this_session: (performance.now() - started) / 1000,
    test_loglik: final.loglik,
    ...(final.bitsPerDim === undefined ? {} : { bits_per_dim: final.bitsPerDim }),
    backend: tf.getBackend(),
    pictures: pictures.map((p) => p.slice(outDir.length + 1)),
  };
  await writeJsonAtomic(join(outDir, 'summary.json'), summary);
  return { outDir, summary, pictures, training };
}
