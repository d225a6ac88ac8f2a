/**
 * Checkpoints, as files in memory: a checkpoint is
 *
 * - `weights.safetensors`: the model's variables (or float64 arrays) by name;
 * - `optimizer.safetensors` (optional): the optimizers' state, for resuming training;
 * - `config.json`: `{ format, latentlabVersion, kind, ...hyperparameters }`, enough to rebuild the model.
 *
 * This module encodes and decodes those files and assigns loaded weights to a model; it touches no file system, so
 * it runs in a browser as in Node. Every safetensors file carries the same `__metadata__` (say `{ epoch: '3', step:
 * '1400' }`), so a reader can tell that the files belong to the same save. Node's `saveCheckpoint` and
 * `loadCheckpoint` (in `checkpoint-dir.ts`) write and read them as a directory.
 */
import * as tf from '../engine/tf.js';
import { latentlabVersion } from '../engine/version.js';
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

/** Tensors to save by name: live tensors, or arrays (float64 ones keep their precision). */
export type SavedArrays = Map<string, tf.Tensor | NamedArray>;

/** What {@link encodeCheckpoint} stores. */
export interface CheckpointContents {
  config: CheckpointConfig;
  weights: SavedArrays;
  optimizer?: SavedArrays;
  metadata?: Record<string, string>;
}

/** What {@link decodeCheckpoint} returns: the config as written (with `format` and `latentlabVersion`) and the arrays. */
export interface LoadedCheckpoint {
  config: CheckpointConfig & { format: string; latentlabVersion: string };
  weights: Map<string, NamedArray>;
  optimizer: Map<string, NamedArray> | null;
  metadata: Record<string, string>;
}

/** A checkpoint's files by name (see {@link CHECKPOINT_FILES}), as bytes. */
export type CheckpointFiles = Map<string, Uint8Array>;

const toArrays = (arrays: SavedArrays) =>
  new Map([...arrays].map(([name, a]) => [name, a instanceof tf.Tensor ? tensorToNamedArray(a) : a]));

/**
 * The files of a checkpoint: the safetensors files, then `config.json` with `format` and `latentlabVersion` added
 * (in that order, so a writer that writes them in turn writes the config last). Everything is encoded before
 * anything is returned, so a bad tensor name or dtype throws before a file is touched.
 *
 * @example
 * const files = encodeCheckpoint({ config: { kind: 'vae', latent: 2 }, weights: vae.parameters() });
 * files.get('config.json'); // UTF-8 JSON bytes
 */
export function encodeCheckpoint(contents: CheckpointContents): CheckpointFiles {
  const { config, weights, optimizer, metadata = {} } = contents;
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new TypeError('saveCheckpoint: config must be a JSON object');
  if (typeof config.kind !== 'string' || config.kind === '')
    throw new TypeError(
      `saveCheckpoint: config.kind must be a non-empty string, got ${JSON.stringify(config.kind)}`,
    );
  const { format: _format, latentlabVersion: _version, ...rest } = config;
  const written = { format: CHECKPOINT_FORMAT, latentlabVersion: latentlabVersion(), ...rest };
  const files: CheckpointFiles = new Map();
  files.set(CHECKPOINT_FILES.weights, encodeSafetensors(toArrays(weights), metadata));
  if (optimizer !== undefined)
    files.set(CHECKPOINT_FILES.optimizer, encodeSafetensors(toArrays(optimizer), metadata));
  files.set(CHECKPOINT_FILES.config, new TextEncoder().encode(`${JSON.stringify(written, null, 2)}\n`));
  return files;
}

const sameMetadata = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Decode a checkpoint's files, checking each (see `decodeSafetensors`) and that the optimizer state, if any, carries
 * the same metadata as the weights. `where` names the checkpoint in errors (its directory): problems throw a one-line
 * {@link CheckpointError} such as `no checkpoint in runs/vae: config.json is missing`.
 *
 * @example
 * const { config, weights } = decodeCheckpoint(files, 'runs/vae/checkpoint');
 */
export function decodeCheckpoint(files: CheckpointFiles, where: string): LoadedCheckpoint {
  const configPath = `${where}/${CHECKPOINT_FILES.config}`;
  const configBytes = files.get(CHECKPOINT_FILES.config);
  if (configBytes === undefined)
    throw new CheckpointError(`no checkpoint in ${where}: ${CHECKPOINT_FILES.config} is missing`);
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(configBytes));
  } catch (e) {
    throw new CheckpointError(
      `checkpoint config ${configPath} is not valid JSON: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new CheckpointError(`${configPath}: expected a JSON object`);
  const { format, kind } = config as Record<string, unknown>;
  if (format !== CHECKPOINT_FORMAT)
    throw new CheckpointError(
      `${configPath}: format is ${JSON.stringify(format)}, expected "${CHECKPOINT_FORMAT}" (not a latentlab checkpoint, or a newer one)`,
    );
  if (typeof kind !== 'string') throw new CheckpointError(`${configPath}: "kind" must be a string`);

  const weightBytes = files.get(CHECKPOINT_FILES.weights);
  if (weightBytes === undefined)
    throw new CheckpointError(`incomplete checkpoint in ${where}: ${CHECKPOINT_FILES.weights} is missing`);
  const { tensors: weights, metadata } = decodeSafetensors(
    weightBytes,
    `${where}/${CHECKPOINT_FILES.weights}`,
  );
  const optimizerBytes = files.get(CHECKPOINT_FILES.optimizer);
  let optimizer: Map<string, NamedArray> | null = null;
  if (optimizerBytes !== undefined) {
    const opt = decodeSafetensors(optimizerBytes, `${where}/${CHECKPOINT_FILES.optimizer}`);
    if (!sameMetadata(metadata, opt.metadata))
      throw new CheckpointError(
        `${where}: ${CHECKPOINT_FILES.optimizer} does not belong with ${CHECKPOINT_FILES.weights}: metadata ${JSON.stringify(opt.metadata)} differs from ${JSON.stringify(metadata)}`,
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
 * const { weights } = await loadCheckpoint('runs/vae/checkpoint');
 * assignWeights(vae.parameters(), weights, 'runs/vae/checkpoint/weights.safetensors');
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
