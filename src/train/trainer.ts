/**
 * The training loop shared by every model family: seeded epochs of minibatches, a step function that returns the
 * loss and its parts, evaluation after each epoch, callbacks (progress, early stopping), an atomic checkpoint every
 * epoch, `metrics.jsonl`, a guard that stops on a non-finite loss with the last good checkpoint kept, and resuming
 * from a checkpoint so that a killed run continues exactly where its last checkpoint left it.
 */
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { Random } from '../engine/random.js';
import { batches, numBatches, type Batch } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { writeFileAtomic } from '../io/atomic.js';
import { RUN_CHECKPOINT, saveRunCheckpoint, type TrainingState } from './run-checkpoint.js';

/** What the trainer needs of a model: its configuration, named parameters and optimizer state. */
export interface TrainableModel {
  readonly config: object & { kind: string };
  parameters(): Map<string, tf.Variable>;
  readonly optimizer: { state(): Map<string, tf.Tensor> };
}

/** Where the loop is, given to the step function and the callbacks. */
export interface StepContext {
  epoch: number;
  /** Batch number within the epoch. */
  batch: number;
  /** Steps taken before this one. */
  step: number;
  /** Training progress in epochs: epoch + batch / batchesPerEpoch. */
  progress: number;
  /** A seed for this step's randomness, a function of the run's seed and `step` only (so resuming repeats it). */
  seed: number;
  batchesPerEpoch: number;
}

/** One optimisation step on a batch; returns the loss and its named parts (`loss` is required). */
export type StepFn = (batch: Batch, context: StepContext) => Record<string, number>;
/** Held-out metrics after an epoch, e.g. `{ test_elbo: -100.2 }`. */
export type EvaluateFn = (epoch: number) => Record<string, number>;

export interface Callback {
  onTrainBegin?(info: { epochs: number; startEpoch: number; batchesPerEpoch: number; n: number }): void;
  onBatchEnd?(context: StepContext, parts: Record<string, number>): void;
  /** After the epoch's record (training means, test metrics) is complete; return a reason to stop early. */
  onEpochEnd?(record: Record<string, number>): string | void | Promise<string | void>;
  onTrainEnd?(result: TrainResult): void;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed?: number;
  /** Where to write the checkpoint and metrics.jsonl each epoch; nothing is written without it. */
  outDir?: string;
  callbacks?: Callback[];
  /** Continue from this state (weights and optimizer already restored into the model). */
  resumeFrom?: TrainingState;
  /** Stored in the checkpoint's state, for resuming: the options the run was started with. */
  runOptions?: Record<string, unknown>;
  evaluate?: EvaluateFn;
  /** Stop after this many steps in all (within an epoch if need be; that epoch is then recorded as the last). */
  maxSteps?: number;
}

export interface TrainResult {
  history: Array<Record<string, number>>;
  epochs: number;
  steps: number;
  /** Why training stopped before `epochs`, if it did. */
  stoppedEarly: string | null;
}

/** Training produced a NaN or infinite loss; the last good checkpoint (if any) was left untouched. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

/** The seed of step `step` of a run seeded with `seed`. */
export function stepSeed(seed: number, step: number): number {
  return (
    new Random((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0).nextUint32() >>>
      1 || 1
  );
}

/**
 * Train `model` on `train` with `step` for `options.epochs` epochs (or until a callback stops it).
 *
 * @example
 * await fit(vae, split.train, (batch, ctx) => vae.trainStep(batch, { seed: ctx.seed }), { epochs: 10, batchSize: 128 });
 */
export async function fit(
  model: TrainableModel,
  train: ImageDataset,
  step: StepFn,
  options: FitOptions,
): Promise<TrainResult> {
  const {
    epochs,
    batchSize,
    seed = 0,
    outDir,
    callbacks = [],
    resumeFrom,
    runOptions = {},
    evaluate,
    maxSteps = Infinity,
  } = options;
  if (!(maxSteps >= 1))
    throw new Error(`fit: argument 'maxSteps' must be a positive integer, got ${maxSteps}`);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error(`fit: argument 'epochs' must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`fit: argument 'batchSize' must be a positive integer, got ${batchSize}`);
  const batchesPerEpoch = numBatches(train.n, batchSize);
  const history = resumeFrom ? [...resumeFrom.history] : [];
  let stepCount = resumeFrom?.step ?? 0;
  const startEpoch = resumeFrom?.epoch ?? 0;
  let stoppedEarly: string | null = null;
  for (const c of callbacks) c.onTrainBegin?.({ epochs, startEpoch, batchesPerEpoch, n: train.n });

  let epoch = startEpoch;
  for (; epoch < epochs && stoppedEarly === null && stepCount < maxSteps; epoch++) {
    const started = performance.now();
    const sums: Record<string, number> = {};
    let seen = 0;
    for (const batch of batches(train, { batchSize, seed, epoch })) {
      if (stepCount >= maxSteps) {
        tf.dispose([batch.x, batch.labels ?? []]);
        break;
      }
      const m = batch.x.shape[0];
      const context: StepContext = {
        epoch,
        batch: batch.index,
        step: stepCount,
        progress: epoch + batch.index / batchesPerEpoch,
        seed: stepSeed(seed, stepCount),
        batchesPerEpoch,
      };
      let parts: Record<string, number>;
      try {
        parts = step(batch, context);
      } finally {
        tf.dispose([batch.x, batch.labels ?? []]);
      }
      if (!Number.isFinite(parts.loss))
        throw new NonFiniteLossError(
          `the loss became ${parts.loss} at epoch ${epoch + 1}, batch ${batch.index + 1} (step ${stepCount + 1}); ` +
            (outDir && history.length > 0
              ? `the last good checkpoint (epoch ${history.length}) is kept in ${join(outDir, RUN_CHECKPOINT)}; ` +
                `resume with --resume ${outDir}, perhaps with a lower --lr`
              : `no checkpoint was written before it; try a lower --lr`),
        );
      stepCount++;
      seen += m;
      for (const [k, v] of Object.entries(parts)) sums[k] = (sums[k] ?? 0) + v * m;
      for (const c of callbacks) c.onBatchEnd?.(context, parts);
    }
    const record: Record<string, number> = { epoch: epoch + 1, step: stepCount };
    for (const [k, v] of Object.entries(sums)) record[k] = v / seen;
    record.seconds = (performance.now() - started) / 1000;
    Object.assign(record, evaluate?.(epoch + 1));
    history.push(record);
    if (outDir)
      await writeCheckpoint(model, outDir, {
        epoch: epoch + 1,
        step: stepCount,
        history,
        options: runOptions,
      });
    for (const c of callbacks) {
      const reason = await c.onEpochEnd?.(record);
      if (reason && stoppedEarly === null) stoppedEarly = reason;
    }
  }
  const result: TrainResult = { history, epochs: epoch, steps: stepCount, stoppedEarly };
  for (const c of callbacks) c.onTrainEnd?.(result);
  return result;
}

async function writeCheckpoint(model: TrainableModel, outDir: string, state: TrainingState): Promise<void> {
  const optimizer = model.optimizer.state();
  try {
    await saveRunCheckpoint(outDir, {
      config: model.config,
      weights: model.parameters(),
      optimizer,
      state,
    });
  } finally {
    tf.dispose([...optimizer.values()]);
  }
  const lines = state.history.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'metrics.jsonl'), lines);
}
