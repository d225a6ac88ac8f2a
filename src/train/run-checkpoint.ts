/**
 * A training run's checkpoint, replaced as a whole: `DIR/checkpoint/` holds `config.json`, `weights.safetensors`,
 * `optimizer.safetensors` and `state.json` (epoch, step, metric history). A new one is written completely into
 * `DIR/checkpoint.tmp/`, then swapped in by two renames; at every instant either `checkpoint/` or, during the swap,
 * `checkpoint.prev/` holds a complete checkpoint, so a crash never loses the last good one.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '../engine/tf.js';
import { readJsonFile, writeJsonAtomic } from '../io/atomic.js';
import {
  assignWeights,
  CHECKPOINT_FILES,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointConfig,
  type LoadedCheckpoint,
} from '../io/checkpoint.js';
import { asFloat32Arrays, CheckpointError } from '../io/safetensors.js';

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

/** A run directory that cannot be used: the message names it and says what to do. */
export class RunDirectoryError extends Error {
  override name = 'RunDirectoryError';
}

/**
 * Refuse an `--out` that already holds something, so that no earlier run is overwritten; a missing directory is
 * fine (the run creates it).
 */
export async function checkFreshOutDir(outDir: string): Promise<void> {
  const info = await stat(outDir).catch(() => null);
  if (info === null) return;
  if (!info.isDirectory()) throw new RunDirectoryError(`--out ${outDir} is a file, not a directory`);
  if ((await readdir(outDir)).length > 0)
    throw new RunDirectoryError(
      `--out ${outDir} is not empty; continue that run with --resume ${outDir} or pick another --out`,
    );
}

/**
 * Copy a loaded checkpoint's weights (and optimizer state, when saved) into a freshly built model, after checking
 * names and shapes; errors name the file. The model is disposed when anything fails.
 */
export function restoreModel(
  model: {
    parameters(): Map<string, tf.Variable>;
    optimizer: {
      loadState(
        state: Map<string, { shape: number[]; data: Float32Array }>,
        params?: Map<string, tf.Variable>,
      ): void;
    };
    dispose(): void;
  },
  checkpoint: LoadedCheckpoint,
  path: string,
): void {
  try {
    assignWeights(model.parameters(), checkpoint.weights, `${path}/${CHECKPOINT_FILES.weights}`);
    if (checkpoint.optimizer)
      try {
        model.optimizer.loadState(asFloat32Arrays(checkpoint.optimizer), model.parameters());
      } catch (e) {
        throw new CheckpointError(`${path}/${CHECKPOINT_FILES.optimizer}: ${(e as Error).message}`);
      }
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * `o` without its undefined entries, so that spreading it over defaults (a run's saved options, a config file)
 * overrides only what was given.
 */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
