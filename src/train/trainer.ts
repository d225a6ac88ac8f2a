/**
 * The training loop shared by every family trained by gradient steps: seeded epochs of mini-batches of a data set
 * of any shape, a step function that may update any number of optimizers and returns its losses, a held-out
 * evaluation after each epoch, callbacks (progress, early stopping), a hook after each epoch (where the run
 * lifecycle writes its checkpoint), a guard that stops on any non-finite loss, and resuming from a saved position so
 * that a killed run continues exactly where its last checkpoint left it.
 *
 * The loop touches no file: it runs in a browser as in Node.
 */
import * as tf from '../engine/tf.js';
import { deriveSeed } from '../engine/random.js';
import { batches, numBatches } from '../data/batches.js';
import type { Batch } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';

/** What one training step returns: the loss and its parts, as numbers; every one must be finite. */
export type StepResult = Record<string, number>;

/** Where the trainer is, given to each step. */
export interface StepContext {
  epoch: number;
  /** The batch's number within the epoch. */
  batch: number;
  /** Steps taken before this one. */
  step: number;
  /** Training progress in epochs: epoch + batch / batchesPerEpoch (a KL warm-up reads it). */
  progress: number;
  /** This step's seed: a function of the run's seed and `step` alone, so a resumed run repeats it. */
  seed: number;
  batchesPerEpoch: number;
  /** The number of training examples (for N/M minibatch scaling). */
  datasetSize: number;
}

/** One optimisation step on a batch; returns the losses and their parts, every one finite. */
export type StepFn = (batch: Batch, context: StepContext) => StepResult;

/** Where a run stands after a completed epoch: what resuming needs besides the weights and optimizers. */
export interface TrainingProgress {
  /** Epochs completed. */
  epoch: number;
  /** Optimisation steps taken. */
  step: number;
  /** One record per completed epoch (what `metrics.jsonl` holds). */
  history: Array<Record<string, number>>;
}

/** Hooks into the loop. */
export interface Callback {
  onTrainBegin?(info: { epochs: number; startEpoch: number; batchesPerEpoch: number; n: number }): void;
  onBatchEnd?(context: StepContext, parts: StepResult): void;
  /** After the epoch's record (training means, test metrics) is complete; return a reason to stop early. */
  onEpochEnd?(record: Record<string, number>): string | void | Promise<string | void>;
  onTrainEnd?(result: TrainResult): void;
}

/** Options of {@link trainSteps}. */
export interface TrainOptions {
  /** Epochs to train; with `steps`, training stops at whichever comes first. */
  epochs?: number;
  /** Optimisation steps to take in all (the last epoch may then be a partial one, recorded as an epoch). */
  steps?: number;
  batchSize: number;
  /** Decides the batch order and each step's seed. */
  seed: number;
  callbacks?: Callback[];
  /** Continue from this position (the model's weights and optimizers already restored). */
  resumeFrom?: TrainingProgress;
  /** Held-out metrics after epoch `epoch` (1-based), added to its record. */
  evaluate?: (epoch: number) => Record<string, number>;
  /** After each epoch, once its record is complete: where a checkpoint is written. */
  onEpoch?: (progress: TrainingProgress) => void | Promise<void>;
}

/** What {@link trainSteps} returns. */
export interface TrainResult {
  history: Array<Record<string, number>>;
  /** Epochs completed. */
  epochs: number;
  steps: number;
  /** Why training stopped before its length, if it did. */
  stoppedEarly: string | null;
}

/**
 * A step returned a NaN or infinite loss. Nothing was saved after it: the state after epoch `lastGoodEpoch` (0: none)
 * is the last good one.
 */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    message: string,
    readonly lastGoodEpoch: number,
  ) {
    super(message);
  }
}

/** A bad argument to the trainer: the message names it. */
export class TrainerError extends Error {
  override name = 'TrainerError';
}

/** The seed of step `step` of a run seeded with `seed`. */
export function stepSeed(seed: number, step: number): number {
  return deriveSeed(seed, 'step', step);
}

function checkCount(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
    throw new TrainerError(`trainSteps: '${name}' must be a positive integer, got ${value}`);
}

/** The number of epochs a run of `epochs` and/or `steps` over `batchesPerEpoch` batches takes. */
export function epochsFor(
  { epochs, steps }: { epochs?: number; steps?: number },
  batchesPerEpoch: number,
): number {
  const bySteps = steps === undefined ? Infinity : Math.ceil(steps / batchesPerEpoch);
  return Math.min(epochs ?? Infinity, bySteps);
}

/**
 * Train on `data` with `step`, for `epochs` epochs and/or `steps` steps (or until a callback stops it).
 *
 * @example
 * const vae = new VAE(resolveVaeConfig('vae', { inputShape: [28, 28, 1] }));
 * await trainSteps(train, (batch, ctx) => vae.trainStep(batch, { seed: ctx.seed }), {
 *   epochs: 10, batchSize: 128, seed: 0,
 * });
 */
export async function trainSteps(data: Dataset, step: StepFn, options: TrainOptions): Promise<TrainResult> {
  const { batchSize, seed, callbacks = [], resumeFrom, evaluate, onEpoch } = options;
  checkCount(options.epochs, 'epochs');
  checkCount(options.steps, 'steps');
  checkCount(batchSize, 'batchSize');
  if (options.epochs === undefined && options.steps === undefined)
    throw new TrainerError(`trainSteps: give 'epochs', 'steps' or both`);
  if (data.n === 0) throw new TrainerError(`trainSteps: the training set ${data.name} is empty`);
  const batchesPerEpoch = numBatches(data.n, batchSize);
  const epochs = epochsFor(options, batchesPerEpoch);
  const maxSteps = options.steps ?? Infinity;
  const history = resumeFrom ? [...resumeFrom.history] : [];
  let stepCount = resumeFrom?.step ?? 0;
  const startEpoch = resumeFrom?.epoch ?? 0;
  let stoppedEarly: string | null = null;
  for (const c of callbacks) c.onTrainBegin?.({ epochs, startEpoch, batchesPerEpoch, n: data.n });

  let epoch = startEpoch;
  for (; epoch < epochs && stoppedEarly === null && stepCount < maxSteps; epoch++) {
    const started = performance.now();
    // Sums and weights per part: a step may report a part only sometimes (a generator loss every k steps).
    const sums: Record<string, number> = {};
    const weights: Record<string, number> = {};
    for (const batch of batches(data, { batchSize, seed, epoch })) {
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
        datasetSize: data.n,
      };
      let parts: StepResult;
      try {
        parts = step(batch, context);
      } finally {
        tf.dispose([batch.x, batch.labels ?? []]);
      }
      const bad = Object.entries(parts).find(([, v]) => !Number.isFinite(v));
      if (bad !== undefined)
        throw new NonFiniteLossError(
          `the loss '${bad[0]}' became ${bad[1]} at epoch ${epoch + 1}, batch ${batch.index + 1} ` +
            `(step ${stepCount + 1})`,
          history.length,
        );
      stepCount++;
      for (const [k, v] of Object.entries(parts)) {
        sums[k] = (sums[k] ?? 0) + v * m;
        weights[k] = (weights[k] ?? 0) + m;
      }
      for (const c of callbacks) c.onBatchEnd?.(context, parts);
    }
    const record: Record<string, number> = { epoch: epoch + 1, step: stepCount };
    for (const [k, v] of Object.entries(sums)) record[k] = v / weights[k];
    record.seconds = (performance.now() - started) / 1000;
    Object.assign(record, evaluate?.(epoch + 1));
    history.push(record);
    await onEpoch?.({ epoch: epoch + 1, step: stepCount, history });
    for (const c of callbacks) {
      const reason = await c.onEpochEnd?.(record);
      if (reason && stoppedEarly === null) stoppedEarly = reason;
    }
  }
  const result: TrainResult = { history, epochs: epoch, steps: stepCount, stoppedEarly };
  for (const c of callbacks) c.onTrainEnd?.(result);
  return result;
}
