/**
 * A run's checkpoint, replaced as a whole (Node only), the same for every family: `DIR/checkpoint/` holds
 * `config.json`, `weights.safetensors`, `optimizer.safetensors` (the named optimizers' states, where the family has
 * any) and `state.json` (the run's kind, options and position). A new checkpoint is written completely into
 * `DIR/checkpoint.tmp/` and then swapped in:
 *
 *   1. if a crash left `checkpoint.prev/` but no `checkpoint/`, put it back;
 *   2. write `checkpoint.tmp/` in full;
 *   3. remove a stale `checkpoint.prev/` (`checkpoint/` is complete beside it);
 *   4. rename `checkpoint/` to `checkpoint.prev/`;
 *   5. rename `checkpoint.tmp/` to `checkpoint/`;
 *   6. remove `checkpoint.prev/`.
 *
 * At every instant `checkpoint/` or `checkpoint.prev/` holds a complete checkpoint, so a crash at any step never
 * loses the last good one, and the reader ({@link findCheckpointDir}) looks in both.
 */
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { CHECKPOINT_FILES, type CheckpointContents, type CheckpointFiles } from '../io/checkpoint.js';
import { loadCheckpoint } from '../io/checkpoint-dir.js';
import { CheckpointError } from '../io/safetensors.js';
import {
  decodeRunState,
  encodeRunCheckpoint,
  RUN_CHECKPOINT_FOLDERS,
  RUN_FILES,
  type LoadedRunCheckpoint,
  type RunState,
} from './run-files.js';

export type { LoadedRunCheckpoint, RunState } from './run-files.js';

export const RUN_CHECKPOINT = RUN_FILES.checkpoint;
const TEMPORARY = RUN_FILES.temporaryCheckpoint;
const PREVIOUS = RUN_FILES.previousCheckpoint;
const STATE = RUN_FILES.state;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Write the run's checkpoint into `runDir/checkpoint/`, replacing the previous one by the swap described above. */
export async function saveRunCheckpoint(
  runDir: string,
  contents: CheckpointContents & { state: RunState },
): Promise<void> {
  await writeRunCheckpoint(runDir, encodeRunCheckpoint(contents));
}

/**
 * Write a run checkpoint's encoded files (see `encodeRunCheckpoint`, `encodeModelCheckpoint`) into
 * `runDir/checkpoint/`, each atomically and in their order (the state last), by the swap described above.
 */
export async function writeRunCheckpoint(runDir: string, files: CheckpointFiles): Promise<void> {
  const current = join(runDir, RUN_CHECKPOINT);
  const previous = join(runDir, PREVIOUS);
  const tmp = join(runDir, TEMPORARY);
  if (!(await exists(current)) && (await exists(previous))) await rename(previous, current);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, bytes] of files) await writeFileAtomic(join(tmp, name), bytes);
  await rm(previous, { recursive: true, force: true });
  if (await exists(current)) await rename(current, previous);
  await rename(tmp, current);
  await rm(previous, { recursive: true, force: true });
}

/** Whether `dir` holds a checkpoint's own files (a bare checkpoint rather than a run directory). */
async function isCheckpoint(dir: string): Promise<boolean> {
  return (
    (await exists(join(dir, CHECKPOINT_FILES.weights))) && (await exists(join(dir, CHECKPOINT_FILES.config)))
  );
}

/**
 * The checkpoint directory of `dir`: `dir` itself when it holds a checkpoint's files, else its `checkpoint/` (or
 * `checkpoint.prev/`, left by a crash in the middle of a swap; never `checkpoint.tmp/`), by the rule that
 * `decodeRunFiles` follows in memory ({@link RUN_CHECKPOINT_FOLDERS}).
 */
export async function findCheckpointDir(dir: string): Promise<string> {
  if (await isCheckpoint(dir)) return dir;
  for (const name of RUN_CHECKPOINT_FOLDERS) if (await isCheckpoint(join(dir, name))) return join(dir, name);
  if (!(await exists(dir)))
    throw new CheckpointError(`no checkpoint in ${dir}: the directory does not exist`);
  throw new CheckpointError(
    `no checkpoint in ${dir}: expected ${CHECKPOINT_FILES.weights} there or in ${join(dir, RUN_CHECKPOINT)}`,
  );
}

/** Whether `dir` holds a run that can be continued: a checkpoint with its run state. */
export async function isResumable(dir: string): Promise<boolean> {
  try {
    return (await exists(join(await findCheckpointDir(dir), STATE))) === true;
  } catch {
    return false;
  }
}

/** Load a run's checkpoint and its run state. */
export async function loadRunCheckpoint(dir: string): Promise<LoadedRunCheckpoint> {
  const path = await findCheckpointDir(dir);
  const checkpoint = await loadCheckpoint(path);
  const statePath = join(path, STATE);
  let state: RunState | null = null;
  if (await exists(statePath)) {
    const bytes = await readFile(statePath).catch((e: Error) => {
      throw new CheckpointError(`cannot read run state ${statePath}: ${e.message}`);
    });
    state = decodeRunState(bytes, checkpoint, statePath);
  }
  return { ...checkpoint, state, path };
}
