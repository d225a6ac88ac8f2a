/**
 * A run's files in memory, for every family (runs in a browser): the run directory `latentlab train` writes, made
 * from a model and its run state and read back into one, so that a run trained elsewhere (the studio) is a run that
 * `latentlab eval` evaluates and `latentlab train --resume` continues, and the reverse. The layout:
 *
 *     config.json           the model's configuration
 *     checkpoint/           config.json, weights.safetensors, optimizer.safetensors (see io/checkpoint.ts) and
 *                           state.json (the run's kind, options and position)
 *     metrics.jsonl         one record per evaluation
 *     summary.json          the run's family, kind, data, size and held-out metrics
 *
 * Node's run lifecycle (`run.ts`) writes these same files into a directory, the checkpoint through the crash-safe
 * swap of `run-checkpoint.ts`.
 */
import * as tf from '../engine/tf.js';
import type { Dataset } from '../data/dataset.js';
import { FAMILIES, familyOfKind } from '../families/index.js';
import type { Family, FamilyModel, Metrics } from '../families/family.js';
import {
  CHECKPOINT_FILES,
  decodeCheckpoint,
  encodeCheckpoint,
  type CheckpointContents,
  type CheckpointFiles,
  type LoadedCheckpoint,
} from '../io/checkpoint.js';
import { CheckpointError } from '../io/safetensors.js';
import { optimizerStates, restoreOptimizers } from './optimizers.js';
import { OptionError, type OptionValues } from './options.js';
import type { TrainingProgress, TrainResult } from './trainer.js';

/** The names in a run directory. */
export const RUN_FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint',
  /** A complete checkpoint kept while the next one is swapped in (see `run-checkpoint.ts`). */
  previousCheckpoint: 'checkpoint.prev',
  /** The next checkpoint while it is written, before the swap: never read, as a crash may have cut it short. */
  temporaryCheckpoint: 'checkpoint.tmp',
  state: 'state.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
} as const;

/**
 * The folders of a run directory that hold its checkpoint, the one to read first: `checkpoint/`, else the
 * `checkpoint.prev/` that a crash in the middle of a swap left. Never `checkpoint.tmp/` (see
 * {@link RUN_FILES}). Both readers follow it: `findCheckpointDir` on disk, {@link decodeRunFiles} in memory.
 */
export const RUN_CHECKPOINT_FOLDERS: readonly string[] = [RUN_FILES.checkpoint, RUN_FILES.previousCheckpoint];

/**
 * Where a run stands, in `state.json`: its kind and every option it was started with (what `--resume` restores
 * and checks flags against), its position, and its training time. A fit counts as one epoch of `step` iterations.
 */
export interface RunState extends TrainingProgress {
  kind: string;
  options: OptionValues;
  /** The shape of one training example, which the data the run is evaluated on must have. */
  shape: number[];
  /** Seconds of training over every session of the run. */
  seconds: number;
}

/** A loaded run checkpoint: the checkpoint, its run state (null for a bare checkpoint), and where it was read. */
export type LoadedRunCheckpoint = LoadedCheckpoint & { state: RunState | null; path: string };

/** `value` as the run directory's JSON files hold it: 2-space indented, with a final newline. */
const jsonBytes = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The files of a run's checkpoint folder: the checkpoint's, every safetensors file carrying the run's epoch and step
 * as metadata, then `state.json`.
 */
export function encodeRunCheckpoint(contents: CheckpointContents & { state: RunState }): CheckpointFiles {
  const { state } = contents;
  const metadata = { ...contents.metadata, epoch: String(state.epoch), step: String(state.step) };
  const files = encodeCheckpoint({ ...contents, metadata });
  files.set(RUN_FILES.state, jsonBytes(state));
  return files;
}

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isSeconds = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * A run state from the bytes of its `state.json` (at `path`, which errors name), checked against the checkpoint it
 * belongs to: the same kind, and the epoch the weights were saved at.
 */
export function decodeRunState(bytes: Uint8Array, checkpoint: LoadedCheckpoint, path: string): RunState {
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new CheckpointError(`run state ${path} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const s = state as Partial<RunState> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.kind !== 'string' ||
    typeof s.options !== 'object' ||
    s.options === null ||
    !Array.isArray(s.shape) ||
    !isCount(s.epoch) ||
    !isCount(s.step) ||
    !Array.isArray(s.history) ||
    !isSeconds(s.seconds)
  )
    throw new CheckpointError(
      `${path}: expected a run state ({ kind, options, shape, epoch, step, history, seconds })`,
    );
  if (s.kind !== checkpoint.config.kind)
    throw new CheckpointError(
      `${path}: the run's kind '${s.kind}' is not the checkpoint's ('${checkpoint.config.kind}')`,
    );
  const { epoch } = checkpoint.metadata;
  if (epoch !== undefined && String(s.epoch) !== epoch)
    throw new CheckpointError(`${path}: epoch ${s.epoch} does not match the weights' epoch ${epoch}`);
  return s as RunState;
}

/** Decode a run's checkpoint folder (`where` names it in errors): the checkpoint, and its run state if it has one. */
export function decodeRunCheckpoint(files: CheckpointFiles, where: string): LoadedRunCheckpoint {
  const checkpoint = decodeCheckpoint(files, where);
  const stateBytes = files.get(RUN_FILES.state);
  const state =
    stateBytes === undefined ? null : decodeRunState(stateBytes, checkpoint, `${where}/${RUN_FILES.state}`);
  return { ...checkpoint, state, path: where };
}

/**
 * The checkpoint folder of a run of `family` at `state`: the family's arrays of `model`, and the state of each of
 * its optimizers (where it is trained by steps).
 */
export function encodeModelCheckpoint(family: Family, model: FamilyModel, state: RunState): CheckpointFiles {
  const saved = family.save(model);
  const optimizer = family.training === 'steps' ? optimizerStates(family.optimizers(model)) : undefined;
  try {
    return encodeRunCheckpoint({
      config: model.config,
      weights: saved.weights,
      optimizer,
      metadata: saved.metadata,
      state,
    });
  } finally {
    if (optimizer) tf.dispose([...optimizer.values()]);
  }
}

/** The family of a checkpoint's kind, or an error naming its `config.json` (in `path`) and the kinds there are. */
export function familyOfCheckpoint(
  checkpoint: LoadedCheckpoint,
  path: string,
  families: readonly Family[] = FAMILIES,
): Family {
  const { kind } = checkpoint.config;
  const family = familyOfKind(kind, families);
  if (family === undefined)
    throw new CheckpointError(
      `${path}/${CHECKPOINT_FILES.config}: kind '${kind}' is none of latentlab's (${families.flatMap((f) => f.kinds.map((k) => k.name)).join(', ')})`,
    );
  return family;
}

/**
 * The model of a checkpoint, rebuilt by its family from the checkpoint's configuration and given its arrays. A
 * configuration the family refuses, or arrays that do not fit it, are errors naming the file (in `path`).
 */
export function restoreModel(family: Family, checkpoint: LoadedCheckpoint, path: string): FamilyModel {
  let model: FamilyModel;
  try {
    model = family.create(checkpoint.config as never);
  } catch (e) {
    if (e instanceof OptionError || e instanceof TypeError || e instanceof RangeError)
      throw new CheckpointError(`${path}/${CHECKPOINT_FILES.config}: ${e.message}`);
    throw e;
  }
  try {
    family.restore(model, checkpoint, path);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Give the optimizers of `model` (a model of a family trained by steps) the state saved in its checkpoint, so that
 * training goes on as if it had not stopped; `source` (the optimizer file) is named in errors.
 */
export function restoreRunOptimizers(
  family: Family,
  model: FamilyModel,
  optimizer: LoadedCheckpoint['optimizer'],
  source: string,
): void {
  if (family.training !== 'steps') return;
  const m = model as Partial<{ parameters(): Map<string, tf.Variable> }>;
  const parameters = typeof m.parameters === 'function' ? m.parameters() : undefined;
  restoreOptimizers(family.optimizers(model), optimizer, parameters, source);
}

/** The first keys of every run's `summary.json`, the same for every family. */
export function summaryHead(
  family: Family,
  kind: string,
  options: OptionValues,
  model: FamilyModel,
  seconds: number,
  train: Dataset,
  test: Dataset | null,
): Record<string, unknown> {
  return {
    family: family.name,
    kind,
    data: options.data,
    engine: family.engine === 'tfjs' ? tf.getBackend() : family.engine,
    parameters: model.numParameters(),
    seconds,
    seed: options.seed,
    train_n: train.n,
    test_n: test?.n ?? null,
  };
}

/**
 * The `summary.json` of a run of a family trained by steps, the same from the command line and the studio: its
 * {@link summaryHead}, how far `training` went (epochs, steps, why it stopped early or null), its held-out `metrics`
 * (`test_`-prefixed), the sample metrics of its draws where taken, and its `pictures` (paths in the run directory).
 *
 * @example
 * const summary = stepsSummary(summaryHead(family, kind, options, model, seconds, train, test), result, metrics, []);
 */
export function stepsSummary(
  head: Record<string, unknown>,
  training: Pick<TrainResult, 'epochs' | 'steps' | 'stoppedEarly'>,
  metrics: Metrics,
  pictures: readonly string[],
  { sampleMetrics = {} }: { sampleMetrics?: Metrics } = {},
): Record<string, unknown> {
  return {
    ...head,
    epochs: training.epochs,
    steps: training.steps,
    stopped_early: training.stoppedEarly,
    ...prefixed(metrics, 'test_'),
    ...sampleMetrics,
    pictures: [...pictures],
  };
}

/** `metrics` with each key prefixed (`elbo` -> `test_elbo`). */
export function prefixed(metrics: Metrics, prefix: string): Metrics {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The text of `metrics.jsonl`: a line of compact JSON per record. */
export function metricsLines(history: ReadonlyArray<Record<string, number>>): string {
  return history.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** What {@link encodeRun} writes. */
export interface RunContents {
  family: Family;
  model: FamilyModel;
  state: RunState;
  /** `summary.json`'s contents, if the run has one. */
  summary?: Record<string, unknown>;
}

/**
 * The files of a run directory (see the layout above), by their paths inside it: what `latentlab train` would have
 * written for this model at this state, pictures aside.
 *
 * @example
 * const files = encodeRun({ family: vaeFamily, model, state });
 * files.get('checkpoint/weights.safetensors');
 */
export function encodeRun({ family, model, state, summary }: RunContents): Map<string, Uint8Array> {
  // The run's configuration as resolved: a model rebuilt from a checkpoint also holds the checkpoint's format keys.
  const { format: _format, latentlabVersion: _version, ...config } = model.config as Record<string, unknown>;
  const files = new Map<string, Uint8Array>([[RUN_FILES.config, jsonBytes(config)]]);
  for (const [name, bytes] of encodeModelCheckpoint(family, model, state))
    files.set(`${RUN_FILES.checkpoint}/${name}`, bytes);
  files.set(RUN_FILES.metrics, new TextEncoder().encode(metricsLines(state.history)));
  if (summary !== undefined) files.set(RUN_FILES.summary, jsonBytes(summary));
  return files;
}

/**
 * The run checkpoint among `files` (paths to bytes: a run directory's files, a checkpoint folder's, or those of
 * several folders, such as an unpacked archive's), decoded. The checkpoint is the folder holding `config.json` beside
 * `weights.safetensors`: a run's `checkpoint/` rather than a `checkpoint.prev/` beside it, and never a
 * `checkpoint.tmp/` (see {@link RUN_CHECKPOINT_FOLDERS}). `where` names the files
 * in errors (an archive's name, or '.' for files named from where they are).
 *
 * @example
 * const loaded = decodeRunFiles(decodeTar(bytes, 'vae-step200.tar'), 'vae-step200.tar');
 * loaded.path; // 'vae-step200.tar/vae-step200/checkpoint'
 */
export function decodeRunFiles(files: ReadonlyMap<string, Uint8Array>, where: string): LoadedRunCheckpoint {
  const folderOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
  const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const folders = [
    ...new Set(
      [...files.keys()]
        .filter((p) => nameOf(p) === CHECKPOINT_FILES.weights)
        .map(folderOf)
        .filter((f) => files.has(f === '' ? CHECKPOINT_FILES.config : `${f}/${CHECKPOINT_FILES.config}`)),
    ),
  ];
  // A crash in the middle of the CLI's swap leaves checkpoint.tmp/ or checkpoint.prev/ beside checkpoint/: the run's
  // is the first of RUN_CHECKPOINT_FOLDERS that its folder holds, as on disk.
  const sibling = (f: string, name: string) => `${folderOf(f) === '' ? '' : `${folderOf(f)}/`}${name}`;
  const current = folders.filter((f) => {
    const rank = RUN_CHECKPOINT_FOLDERS.indexOf(nameOf(f));
    return (
      nameOf(f) !== RUN_FILES.temporaryCheckpoint &&
      RUN_CHECKPOINT_FOLDERS.slice(0, Math.max(0, rank)).every((name) => !folders.includes(sibling(f, name)))
    );
  });
  const shown = [...files.keys()].slice(0, 6).join(', ') + (files.size > 6 ? ', ...' : '');
  if (current.length === 0)
    throw new CheckpointError(
      `no checkpoint in ${where} (${shown}): expected ${CHECKPOINT_FILES.weights} beside a ${CHECKPOINT_FILES.config}, or a run's ${RUN_FILES.checkpoint}/ folder`,
    );
  if (current.length > 1)
    throw new CheckpointError(
      `${where} holds ${current.length} checkpoints (${current.map((f) => `${f || '.'}/`).join(', ')}): give one run`,
    );
  const folder = current[0];
  const prefix = folder === '' ? '' : `${folder}/`;
  const mine: CheckpointFiles = new Map();
  for (const name of [...Object.values(CHECKPOINT_FILES), RUN_FILES.state]) {
    const bytes = files.get(`${prefix}${name}`);
    if (bytes !== undefined) mine.set(name, bytes);
  }
  return decodeRunCheckpoint(mine, folder === '' ? where : where === '.' ? folder : `${where}/${folder}`);
}
