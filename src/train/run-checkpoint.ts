/**
 * A training run's checkpoint, replaced as a whole: `DIR/checkpoint/` holds `config.json`, `weights.safetensors`,
 * `optimizer.safetensors` and `state.json` (epoch, step, metric history). A new one is written completely into
 * `DIR/checkpoint.tmp/`, then swapped in by two renames; at every instant either `checkpoint/` or, during the swap,
 * `checkpoint.prev/` holds a complete checkpoint, so a crash never loses the last good one.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '../engine/tf.js';
import { readJsonFile, writeJsonAtomic } from '../io/atomic.js';
import {
  CHECKPOINT_FILES,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointConfig,
  type LoadedCheckpoint,
} from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';

export const RUN_CHECKPOINT = 'checkpoint';
const TEMPORARY = 'checkpoint.tmp';
const PREVIOUS = 'checkpoint.prev';
const STATE = 'state.json';

/** Where a run stands: what resuming needs besides the weights and the optimizer. */
export interface TrainingState {
  /** Epochs completed. */
  epoch: number;
  /** Optimisation steps taken. */
  step: number;
  /** One record per completed epoch (what metrics.jsonl holds). */
  history: Array<Record<string, number>>;
  /** The options the run was started with (data, batch size, seed, epochs, ...). */
  options: Record<string, unknown>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Write the run's checkpoint into `runDir/checkpoint/`, replacing the previous one atomically. */
export async function saveRunCheckpoint(
  runDir: string,
  contents: {
    config: CheckpointConfig;
    weights: Map<string, tf.Tensor>;
    optimizer: Map<string, tf.Tensor>;
    state: TrainingState;
  },
): Promise<void> {
  const tmp = join(runDir, TEMPORARY);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const metadata = { epoch: String(contents.state.epoch), step: String(contents.state.step) };
  await saveCheckpoint(tmp, { ...contents, metadata });
  await writeJsonAtomic(join(tmp, STATE), contents.state);
  const current = join(runDir, RUN_CHECKPOINT);
  const previous = join(runDir, PREVIOUS);
  await rm(previous, { recursive: true, force: true });
  if (await exists(current)) await rename(current, previous);
  await rename(tmp, current);
  await rm(previous, { recursive: true, force: true });
}

/**
 * The checkpoint directory of `dir`: `dir` itself when it holds a checkpoint's `config.json` and weights, else its
 * `checkpoint/` (or `checkpoint.prev/`, left by a crash in the middle of a swap).
 */
export async function findCheckpointDir(dir: string): Promise<string> {
  if (
    (await exists(join(dir, CHECKPOINT_FILES.weights))) &&
    (await exists(join(dir, CHECKPOINT_FILES.config)))
  )
    return dir;
  for (const name of [RUN_CHECKPOINT, PREVIOUS])
    if (await exists(join(dir, name, CHECKPOINT_FILES.weights))) return join(dir, name);
  if (!(await exists(dir)))
    throw new CheckpointError(`no checkpoint in ${dir}: the directory does not exist`);
  throw new CheckpointError(
    `no checkpoint in ${dir}: expected ${CHECKPOINT_FILES.weights} there or in ${join(dir, RUN_CHECKPOINT)}`,
  );
}

/** Load a run's checkpoint and its training state (null for a bare checkpoint without one). */
export async function loadRunCheckpoint(
  dir: string,
): Promise<LoadedCheckpoint & { state: TrainingState | null; path: string }> {
  const path = await findCheckpointDir(dir);
  const checkpoint = await loadCheckpoint(path);
  const statePath = join(path, STATE);
  let state: TrainingState | null = null;
  if (await exists(statePath)) {
    state = (await readJsonFile(statePath, 'training state')) as TrainingState;
    if (checkpoint.metadata.epoch !== undefined && String(state.epoch) !== checkpoint.metadata.epoch)
      throw new CheckpointError(
        `${statePath}: epoch ${state.epoch} does not match the weights' epoch ${checkpoint.metadata.epoch}`,
      );
  }
  return { ...checkpoint, state, path };
}
