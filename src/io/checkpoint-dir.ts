/**
 * Checkpoints as directories (Node only): the files of `checkpoint.ts`, each written atomically, config last.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import {
  CHECKPOINT_FILES,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointContents,
  type CheckpointFiles,
  type LoadedCheckpoint,
} from './checkpoint.js';
import { CheckpointError } from './safetensors.js';

/**
 * Save a checkpoint into `dir` (created if needed): the safetensors files first, each atomically, then
 * `config.json`. A save without `optimizer` removes any `optimizer.safetensors` an earlier save left there, so stale
 * optimizer state is never paired with new weights. Everything is encoded before the directory is touched.
 *
 * @example
 * await saveCheckpoint('runs/vae/checkpoint', {
 *   config: { kind: 'vae', latent: 2 },
 *   weights: vae.parameters(),
 *   metadata: { epoch: '3', step: '1400' },
 * });
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const files = encodeCheckpoint(contents);
  await mkdir(dir, { recursive: true });
  if (!files.has(CHECKPOINT_FILES.optimizer))
    await rm(join(dir, CHECKPOINT_FILES.optimizer), { force: true });
  for (const [name, bytes] of files) await writeFileAtomic(join(dir, name), bytes);
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * Read the checkpoint in `dir` (see `decodeCheckpoint` for the checks). Problems throw a one-line
 * {@link CheckpointError} such as `no checkpoint in runs/vae: config.json is missing`.
 *
 * @example
 * const { config, weights } = await loadCheckpoint('runs/vae/checkpoint');
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new CheckpointError(`no checkpoint in ${dir}: the directory does not exist`);
  if (!info.isDirectory())
    throw new CheckpointError(`no checkpoint in ${dir}: it is a file, not a directory`);
  const files: CheckpointFiles = new Map();
  for (const name of Object.values(CHECKPOINT_FILES)) {
    const bytes = await readIfPresent(join(dir, name));
    if (bytes !== undefined) files.set(name, bytes);
  }
  return decodeCheckpoint(files, dir);
}
