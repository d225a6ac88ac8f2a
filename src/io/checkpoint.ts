/**
 * Checkpoints: a directory holding
 *
 * - `weights.safetensors`: the model's variables by name;
 * - `optimizer.safetensors` (optional): the optimizer's state, for resuming training;
 * - `config.json`: `{ format, latentlabVersion, kind, ...hyperparameters }`, enough to rebuild the model.
 *
 * Each file is written atomically, config last, and every safetensors file carries the same `__metadata__` (say
 * `{ epoch: '3', step: '1400' }`), so a reader can tell that the files belong to the same save.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { latentlabVersion } from '../engine/version.js';
import { JsonFileError, readJsonFile, writeFileAtomic, writeJsonAtomic } from './atomic.js';
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  namedArrayToTensor,
  tensorToNamedArray,
  type NamedArray,
  type SafetensorsDtype,
} from './safetensors.js';

/** The `format` written into every checkpoint's `config.json`. */
export const CHECKPOINT_FORMAT = 'latentlab-checkpoint/1';

/** The file names inside a checkpoint directory. */
export const CHECKPOINT_FILES = {
  config: 'config.json',
  weights: 'weights.safetensors',
  optimizer: 'optimizer.safetensors',
} as const;

/** A model's configuration: the model `kind` plus whatever hyperparameters rebuild it (plain JSON values). */
export interface CheckpointConfig {
  kind: string;
  [key: string]: unknown;
}

/** What {@link saveCheckpoint} stores. */
export interface CheckpointContents {
  config: CheckpointConfig;
  weights: Map<string, tf.Tensor>;
  optimizer?: Map<string, tf.Tensor>;
  metadata?: Record<string, string>;
}

/** What {@link loadCheckpoint} returns: the config as written (with `format` and `latentlabVersion`) and the arrays. */
export interface LoadedCheckpoint {
  config: CheckpointConfig & { format: string; latentlabVersion: string };
  weights: Map<string, NamedArray>;
  optimizer: Map<string, NamedArray> | null;
  metadata: Record<string, string>;
}

const toArrays = (tensors: Map<string, tf.Tensor>) =>
  new Map([...tensors].map(([name, t]) => [name, tensorToNamedArray(t)]));

/**
 * Save a checkpoint into `dir` (created if needed): the safetensors files first, each atomically, then
 * `config.json` with `format` and `latentlabVersion` added. A save without `optimizer` removes any
 * `optimizer.safetensors` an earlier save left there, so stale optimizer state is never paired with new weights.
 *
 * @example
 * await saveCheckpoint('runs/vae', {
 *   config: { kind: 'vae', latentDim: 2 },
 *   weights: model.namedVariables(),
 *   metadata: { epoch: '3', step: '1400' },
 * });
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const { config, weights, optimizer, metadata = {} } = contents;
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new TypeError('saveCheckpoint: config must be a JSON object');
  if (typeof config.kind !== 'string' || config.kind === '')
    throw new TypeError(
      `saveCheckpoint: config.kind must be a non-empty string, got ${JSON.stringify(config.kind)}`,
    );
  const { format: _format, latentlabVersion: _version, ...rest } = config;
  const written = { format: CHECKPOINT_FORMAT, latentlabVersion: latentlabVersion(), ...rest };
  // Encode everything before touching the directory, so a bad tensor name or dtype changes nothing on disk.
  const weightBytes = encodeSafetensors(toArrays(weights), metadata);
  const optimizerBytes = optimizer === undefined ? null : encodeSafetensors(toArrays(optimizer), metadata);

  await mkdir(dir, { recursive: true });
  if (optimizerBytes === null) await rm(join(dir, CHECKPOINT_FILES.optimizer), { force: true });
  await writeFileAtomic(join(dir, CHECKPOINT_FILES.weights), weightBytes);
  if (optimizerBytes !== null) await writeFileAtomic(join(dir, CHECKPOINT_FILES.optimizer), optimizerBytes);
  await writeJsonAtomic(join(dir, CHECKPOINT_FILES.config), written);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readSafetensors(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CheckpointError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return decodeSafetensors(bytes, path);
}

const sameMetadata = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Read the checkpoint in `dir`, checking each file (see {@link decodeSafetensors}) and that the optimizer state, if
 * any, carries the same metadata as the weights. Problems throw a one-line {@link CheckpointError} such as
 * `no checkpoint in runs/vae: config.json is missing`.
 *
 * @example
 * const { config, weights } = await loadCheckpoint('runs/vae');
 * assignWeights(model.namedVariables(), weights, 'runs/vae/weights.safetensors');
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const info = await stat(dir).catch(() => null);
  if (info === null) throw new CheckpointError(`no checkpoint in ${dir}: the directory does not exist`);
  if (!info.isDirectory())
    throw new CheckpointError(`no checkpoint in ${dir}: it is a file, not a directory`);
  const configPath = join(dir, CHECKPOINT_FILES.config);
  if (!(await exists(configPath)))
    throw new CheckpointError(`no checkpoint in ${dir}: ${CHECKPOINT_FILES.config} is missing`);
  const config = await readJsonFile(configPath, 'checkpoint config').catch((err: unknown) => {
    throw err instanceof JsonFileError ? new CheckpointError(err.message) : err;
  });
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new CheckpointError(`${configPath}: expected a JSON object`);
  const { format, kind } = config as Record<string, unknown>;
  if (format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(
      `${configPath}: format is ${JSON.stringify(format)}, expected "${CHECKPOINT_FORMAT}" (not a latentlab checkpoint, or a newer one)`,
    );
  if (typeof kind !== 'string') throw new CheckpointError(`${configPath}: "kind" must be a string`);

  const weightsPath = join(dir, CHECKPOINT_FILES.weights);
  if (!(await exists(weightsPath)))
    throw new CheckpointError(`incomplete checkpoint in ${dir}: ${CHECKPOINT_FILES.weights} is missing`);
  const { tensors: weights, metadata } = await readSafetensors(weightsPath);
  const optimizerPath = join(dir, CHECKPOINT_FILES.optimizer);
  let optimizer: Map<string, NamedArray> | null = null;
  if (await exists(optimizerPath)) {
    const opt = await readSafetensors(optimizerPath);
    if (!sameMetadata(metadata, opt.metadata))
      throw new CheckpointError(
        `${dir}: ${CHECKPOINT_FILES.optimizer} does not belong with ${CHECKPOINT_FILES.weights}: metadata ${JSON.stringify(opt.metadata)} differs from ${JSON.stringify(metadata)}`,
      );
    optimizer = opt.tensors;
  }
  return { config: config as LoadedCheckpoint['config'], weights, optimizer, metadata };
}

/** Which file dtypes each TensorFlow.js dtype accepts (F64 and I64 are narrowed, as Python writers often use them). */
const ACCEPTS: Partial<Record<tf.DataType, readonly SafetensorsDtype[]>> = {
  float32: ['F32', 'F64'],
  int32: ['I32', 'I64', 'U8'],
  bool: ['BOOL', 'U8'],
};

/** `names` as `a, b, c (+N more)`, showing at most `max`. */
function listSome(names: string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} (+${names.length - max} more)` : shown;
}

/**
 * Copy `weights` into `variables`, after checking that the names match exactly and every shape and dtype fits; if
 * anything does not, it throws a {@link CheckpointError} naming `source` and assigns nothing. For example
 * `weights.safetensors: encoder.hidden0.kernel has shape [784,400] but the model expects [784,200]`.
 *
 * @example
 * assignWeights(new Map([['w', tf.variable(tf.zeros([2]))]]), loaded.weights, 'runs/vae/weights.safetensors');
 */
export function assignWeights(
  variables: Map<string, tf.Variable>,
  weights: Map<string, NamedArray>,
  source: string,
): void {
  const missing = [...variables.keys()].filter((name) => !weights.has(name));
  const unexpected = [...weights.keys()].filter((name) => !variables.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing ${listSome(missing)}`);
    if (unexpected.length > 0) parts.push(`unexpected ${listSome(unexpected)}`);
    throw new CheckpointError(`${source}: tensor names do not match the model: ${parts.join('; ')}`);
  }
  const problems: string[] = [];
  for (const [name, v] of variables) {
    const a = weights.get(name) as NamedArray;
    if (a.shape.length !== v.shape.length || a.shape.some((d, i) => d !== v.shape[i]))
      problems.push(`${name} has shape [${a.shape.join(',')}] but the model expects [${v.shape.join(',')}]`);
    else if (!(ACCEPTS[v.dtype] ?? []).includes(a.dtype))
      problems.push(`${name} has dtype ${a.dtype} but the model expects ${v.dtype}`);
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more mismatches)` : '';
    throw new CheckpointError(`${source}: ${problems[0]}${more}`);
  }
  // Convert everything first: a conversion error (an I64 out of int32 range) must not leave the model half-assigned.
  const values: tf.Tensor[] = [];
  for (const name of variables.keys()) {
    try {
      values.push(namedArrayToTensor(weights.get(name) as NamedArray));
    } catch (err) {
      tf.dispose(values);
      throw new CheckpointError(`${source}: ${name}: ${(err as Error).message}`);
    }
  }
  [...variables.values()].forEach((v, i) => v.assign(values[i]));
  tf.dispose(values);
}
