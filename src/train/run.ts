/**
 * The run lifecycle, one for every family (Node only): start a run, resume it, load it, evaluate it. A run is a
 * directory holding `config.json`, the checkpoint (see `run-checkpoint.ts`), `metrics.jsonl`, `summary.json` (the
 * same keys first for every family: `family`, `kind`, `data`, `engine`, `parameters`, `seconds`) and pictures.
 *
 * Everything is checked before anything is written: the options (flags and `--config` values alike), the data, the
 * configuration, the model's size; the directory is then claimed with a lock, and a run that fails before its
 * first checkpoint leaves no directory behind.
 */
import { totalmem } from 'node:os';
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { deriveSeed } from '../engine/random.js';
import { head, type DataSplit, type Dataset } from '../data/dataset.js';
import { loadDataset, readTable } from '../data/registry.js';
import { FAMILIES } from '../families/index.js';
import type { Family, FamilyModel, Metrics, Picture, StepFamily } from '../families/family.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { CheckpointError } from '../io/safetensors.js';
import { writeFigure } from '../plot/render.js';
import { earlyStopping } from './callbacks.js';
import {
  checkOptionValue,
  defaultOf,
  OptionError,
  resolveOptions,
  type GivenOption,
  type OptionSource,
  type OptionSpec,
  type OptionValues,
} from './options.js';
import { progressCallback, type ProgressOptions } from './progress.js';
import { isResumable, loadRunCheckpoint, writeRunCheckpoint } from './run-checkpoint.js';
import {
  encodeModelCheckpoint,
  familyOfCheckpoint,
  metricsLines,
  prefixed,
  restoreModel,
  restoreRunOptimizers,
  RUN_FILES,
  stepsSummary,
  summaryHead,
  type LoadedRunCheckpoint,
  type RunState,
} from './run-files.js';
import { RunDirectory } from './run-directory.js';
import { LENGTH_OPTIONS, optionsOf, runOptionsOf, trainingLength } from './run-options.js';
import { NonFiniteLossError, trainSteps, type Callback, type TrainResult } from './trainer.js';
import { modelSampleMetrics, sampleReference, type SampleReference } from './sample-metrics.js';
import { classifierFor } from '../metrics/node.js';
import { MetricArgumentError } from '../metrics/errors.js';

/** How a run reports as it goes. */
export interface RunIO {
  /** The training progress display (a bar on a terminal, lines otherwise). */
  progress?: ProgressOptions;
  /** Messages (stopped early, evaluating, ...), a line each. */
  log?: (line: string) => void;
  /** Write the pictures (default true). */
  pictures?: boolean;
  /** More training callbacks (tests watch the tensor count with one). */
  callbacks?: Callback[];
}

/** What a finished run returns. */
export interface RunResult {
  outDir: string;
  summary: Record<string, unknown>;
  /** The paths of the pictures written. */
  pictures: string[];
  history: Array<Record<string, number>>;
}

/** Training diverged; the run keeps its last good checkpoint, if it has one. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
  constructor(
    message: string,
    readonly runDir: string,
    /** The epoch of the checkpoint kept (0: none was written, and the run directory is gone). */
    readonly lastGoodEpoch: number,
  ) {
    super(message);
  }
}

/** A model too large for the memory of the engine: the message names the options that size it. */
export class ModelSizeError extends Error {
  override name = 'ModelSizeError';
}

/** The memory a model may take: TensorFlow.js's wasm backend addresses at most 4 GiB; otherwise the machine's RAM. */
function memoryBudget(family: Family): number {
  return family.engine === 'tfjs' && tf.getBackend() === 'wasm' ? 4 * 2 ** 30 : totalmem();
}

const GIB = 2 ** 30;

/**
 * Build the model, refusing at once (before anything is allocated) one whose parameters would not fit: with their
 * gradients and Adam's two moments a TensorFlow.js model takes 16 bytes a parameter, a mixture 8 (float64), and
 * either may take three quarters of the engine's memory. An allocation that fails anyway becomes the same error.
 * The message names the options that size the model, those the user set first.
 */
function createWithinBudget<M extends FamilyModel, C extends { kind: string; seed: number }>(
  family: Family<M, C>,
  config: C,
  kind: string,
  sources: Record<string, OptionSource>,
): M {
  const sizing = family.options.filter(
    (s) => s.sizes === true && (s.kinds === undefined || s.kinds.includes(kind)),
  );
  const set = sizing.filter((s) => sources[s.name] !== undefined && sources[s.name] !== 'default');
  const advice = `; make it smaller (${(set.length > 0 ? set : sizing).map((s) => `'${s.name}'`).join(', ')})`;
  const budget = memoryBudget(family);
  const perParameter = family.engine === 'tfjs' ? 16 : 8;
  const estimate = family.estimateParameters(config);
  if (estimate * perParameter > 0.75 * budget)
    throw new ModelSizeError(
      `the model would have about ${(estimate / 1e6).toFixed(1)}M parameters, ` +
        `${((estimate * perParameter) / GIB).toFixed(1)} GiB${family.engine === 'tfjs' ? " with their gradients and Adam's moments" : ''}, ` +
        `more than the ${(budget / GIB).toFixed(0)} GiB this engine can hold${advice}`,
    );
  try {
    return family.create(config);
  } catch (e) {
    const message = (e as Error).message ?? '';
    if (
      e instanceof RangeError ||
      /out of memory|out of bounds|allocation failed|invalid typed array length/i.test(message)
    )
      throw new ModelSizeError(`the model does not fit in memory (${message.split('\n')[0]})${advice}`);
    throw e;
  }
}

/** Every option name any family declares, for the error that a name is not an option of this kind. */
function everyOption(): OptionSpec[] {
  return FAMILIES.flatMap((f) => optionsOf(f));
}

/** Check one given option that is needed before the data is loaded (`data`, `limit`). */
function earlyValue(spec: OptionSpec, given: GivenOption | undefined, kind: string): unknown {
  if (given?.value !== undefined) return checkOptionValue(spec, given.value, given.source);
  // Read before the data are loaded, so such a default may depend on the kind only (InfoGAN's is mnist, the GAN's
  // ring8): it is asked as for vectors.
  return defaultOf(spec, { kind, data: 'vector' });
}

/**
 * The values of table options (`--means FILE`) read from their files: a string value is a table file's path, read
 * here (errors name the file and the line); rows given in code or a config file are kept.
 */
async function readTableOptions(
  specs: readonly OptionSpec[],
  given: Record<string, GivenOption>,
): Promise<Record<string, GivenOption>> {
  const out = { ...given };
  for (const spec of specs) {
    const entry = given[spec.name];
    if (spec.type !== 'table' || typeof entry?.value !== 'string') continue;
    const table = readTable(entry.value);
    const rows = Array.from({ length: table.n }, (_, i) =>
      Array.from(table.data.subarray(i * table.d, (i + 1) * table.d)),
    );
    out[spec.name] = { ...entry, value: rows };
  }
  return Promise.resolve(out);
}

/** Load the data a run names and take its training part (first `limit` examples), refusing an empty one. */
function loadTrainingData(data: string, limit: number | undefined): { split: DataSplit; train: Dataset } {
  const split = loadDataset(data);
  const train = head(split.train, limit);
  if (train.n === 0) throw new OptionError('data', `names a data set with no training examples (${data})`);
  return { split, train };
}

/** The numbers of `metrics` alone, for an epoch record. */
function scalars(metrics: Metrics): Record<string, number> {
  return Object.fromEntries(
    Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
  );
}

/** The evaluation options of the evaluation that ends training (`evalIw` sets `iw`). */
function finalEvaluationOptions(family: Family, options: OptionValues): OptionValues {
  const out: OptionValues = {};
  for (const spec of family.options)
    if (spec.finalEvaluation !== undefined && spec.name in options)
      out[spec.finalEvaluation] = options[spec.name];
  return out;
}

/** Progress lines of a long evaluation, one every two seconds at most. */
function evaluationProgress(io: RunIO, label: string): (done: number, total: number) => void {
  let last = performance.now();
  return (done, total) => {
    const now = performance.now();
    if (now - last > 2000 && done < total) {
      last = now;
      io.log?.(`${label} ${done}/${total}`);
    }
  };
}

async function writePictures(dir: string, pictures: Picture[]): Promise<string[]> {
  const paths: string[] = [];
  for (const { name, figure } of pictures) {
    const path = join(dir, `${name}.png`);
    await writeFigure(path, figure);
    paths.push(path);
  }
  return paths;
}

async function writeMetrics(dir: string, history: Array<Record<string, number>>): Promise<void> {
  await writeFileAtomic(join(dir, RUN_FILES.metrics), metricsLines(history));
}

/** The checkpoint of a model of `family` at `state`. */
async function checkpoint(dir: string, family: Family, model: FamilyModel, state: RunState): Promise<void> {
  await writeRunCheckpoint(dir, encodeModelCheckpoint(family, model, state));
  await writeMetrics(dir, state.history);
}

interface Session {
  family: Family;
  kind: string;
  model: FamilyModel;
  options: OptionValues;
  sources: Record<string, OptionSource>;
  split: DataSplit;
  train: Dataset;
  dir: RunDirectory;
  state: RunState;
  io: RunIO;
}

/** Train a step family from `state` to the end of its length, then evaluate, draw and summarise. */
async function trainToEnd(
  s: Session & { family: StepFamily<FamilyModel, { kind: string; seed: number }> },
): Promise<RunResult> {
  const { family, model, options, train, split, dir, io } = s;
  const test = split.test;
  const seed = options.seed as number;
  const evaluationSeed = deriveSeed(seed, 'evaluate');
  const callbacks: Callback[] = [
    progressCallback({ label: s.kind, ...io.progress }),
    ...(io.callbacks ?? []),
  ];
  if (options.patience !== undefined)
    callbacks.push(
      earlyStopping({
        monitor: family.monitor.metric,
        mode: family.monitor.mode,
        patience: options.patience as number,
      }),
    );
  const started = performance.now();
  const secondsBefore = s.state.seconds;
  const reference = runSampleReference(options, test);
  try {
    const sampleSeed = deriveSeed(seed, 'sample-metrics');
    // The same seed every epoch, so that the records differ by the model alone; the summary reuses the last epoch's.
    let lastDrawn: Metrics | null = null;
    const drawnMetrics = (): Metrics =>
      reference === null ? {} : (lastDrawn = { ...modelSampleMetrics(family, model, reference, sampleSeed) });
    let training: TrainResult;
    try {
      training = await trainSteps(train, (batch, ctx) => family.trainStep(model, batch, ctx), {
        ...trainingLength(options, s.sources),
        batchSize: options.batchSize as number,
        seed,
        callbacks,
        resumeFrom: s.state.epoch > 0 ? s.state : undefined,
        evaluate:
          test === null
            ? undefined
            : () => {
                const { n: _n, ...metrics } = family.evaluate(model, test, {
                  seed: evaluationSeed,
                  classifier: reference?.classifier,
                });
                return scalars({ ...prefixed(metrics, 'test_'), ...drawnMetrics() });
              },
        onEpoch: async (progress) => {
          s.state = {
            ...s.state,
            ...progress,
            seconds: secondsBefore + (performance.now() - started) / 1000,
          };
          await checkpoint(dir.path, family, model, s.state);
          dir.commit();
        },
      });
    } catch (e) {
      if (!(e instanceof NonFiniteLossError)) throw e;
      const kept =
        e.lastGoodEpoch > 0
          ? `; the last good checkpoint (epoch ${e.lastGoodEpoch}) is kept in ${join(dir.path, RUN_FILES.checkpoint)}`
          : '; no checkpoint was written before it';
      throw new TrainingDivergedError(`${e.message}${kept}`, dir.path, e.lastGoodEpoch);
    }
    if (training.stoppedEarly) io.log?.(`${s.kind}: stopped early: ${training.stoppedEarly}`);
    const metrics =
      test === null
        ? {}
        : family.evaluate(model, test, {
            seed: evaluationSeed,
            options: finalEvaluationOptions(family, options),
            onProgress: evaluationProgress(io, 'evaluate'),
            classifier: reference?.classifier,
          });
    const pictures =
      io.pictures === false
        ? []
        : await writePictures(
            dir.path,
            await family.pictures(model, {
              data: options.data as string,
              train,
              test,
              history: training.history,
              seed: deriveSeed(seed, 'pictures'),
            }),
          );
    const summary = stepsSummary(
      summaryHead(family, s.kind, options, model, s.state.seconds, train, test),
      training,
      metrics,
      pictures.map((p) => p.slice(dir.path.length + 1)),
      { sampleMetrics: lastDrawn ?? drawnMetrics() },
    );
    await writeJsonAtomic(join(dir.path, RUN_FILES.summary), summary);
    return { outDir: dir.path, summary, pictures, history: training.history };
  } finally {
    reference?.classifier.dispose();
  }
}

/** Fit a fit family, checkpoint it, evaluate, draw and summarise. */
async function fitToEnd(s: Session): Promise<RunResult> {
  const { family, model, options, train, split, dir, io } = s;
  if (family.training !== 'fit') throw new TypeError('fitToEnd: not a fit family');
  const test = split.test;
  const seed = options.seed as number;
  const draw = io.pictures !== false;
  const started = performance.now();
  let lastLine = started;
  const result = family.fit(model, train, {
    pictures: draw,
    onIteration: (record) => {
      const now = performance.now();
      if (now - lastLine > 500) {
        lastLine = now;
        const parts = Object.entries(record).map(
          ([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(5)}`,
        );
        io.log?.(`${s.kind}: ${parts.join('  ')} (${((now - started) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  for (const line of result.warnings ?? []) io.log?.(`${s.kind}: ${line}`);
  s.state = { ...s.state, epoch: 1, step: result.history.length, history: result.history, seconds };
  await checkpoint(dir.path, family, model, s.state);
  dir.commit();
  const metrics = test === null ? {} : family.evaluate(model, test, { seed: deriveSeed(seed, 'evaluate') });
  const pictures = draw
    ? await writePictures(dir.path, [
        ...(await family.pictures(model, {
          data: options.data as string,
          train,
          test,
          history: result.history,
          seed: deriveSeed(seed, 'pictures'),
        })),
        ...result.pictures,
      ])
    : [];
  const summary = {
    ...summaryHead(family, s.kind, options, model, seconds, train, test),
    ...result.metrics,
    ...prefixed(metrics, 'test_'),
    pictures: pictures.map((p) => p.slice(dir.path.length + 1)),
  };
  await writeJsonAtomic(join(dir.path, RUN_FILES.summary), summary);
  return { outDir: dir.path, summary, pictures, history: result.history };
}

/** Run a session to its end; on failure the directory is discarded (before its first checkpoint) or released. */
async function runSession(s: Session): Promise<RunResult> {
  try {
    const result =
      s.family.training === 'steps' ? await trainToEnd({ ...s, family: s.family }) : await fitToEnd(s);
    await s.dir.release();
    return result;
  } catch (e) {
    await s.dir.fail();
    throw e;
  } finally {
    s.model.dispose();
  }
}

/** What a run is started with. */
export interface StartRequest {
  family: Family;
  kind: string;
  /** The run directory: new, or empty. */
  out: string;
  /** Option values by name, from code; every option not given takes its default. */
  options?: Record<string, unknown>;
  /** Option values with where each came from (flags, a config file), which errors name; over `options`. */
  given?: Record<string, GivenOption>;
}

/**
 * Whether the sample metrics can be recorded: images with a test part, and a classifier. Asked for, their absence is
 * an error naming the option; on by default (a family's default), it turns them off with a line saying why.
 */
function sampleMetricsAvailable(
  values: OptionValues,
  sources: Record<string, OptionSource>,
  split: DataSplit,
  io: RunIO,
): boolean {
  const asked = sources.sampleMetrics !== undefined && sources.sampleMetrics !== 'default';
  const refuse = (why: string): false => {
    if (asked) throw new OptionError('sampleMetrics', why, sources.sampleMetrics);
    io.log?.(`sample metrics off: ${why}`);
    return false;
  };
  if (split.train.kind !== 'image') return refuse(`need images, and ${values.data as string} holds vectors`);
  if (split.test === null) return refuse(`need a held-out test set, and ${values.data as string} has none`);
  try {
    classifierFor(values.data as string, values.classifier as string | undefined).classifier.dispose();
  } catch (e) {
    if (e instanceof MetricArgumentError || e instanceof CheckpointError) return refuse(e.message);
    throw e;
  }
  return true;
}

/** The sample metrics' reference for a run that records them, or null. */
function runSampleReference(options: OptionValues, test: Dataset | null): SampleReference | null {
  if (options.sampleMetrics !== true || test === null) return null;
  const { classifier } = classifierFor(options.data as string, options.classifier as string | undefined);
  return sampleReference(classifier, test, { seed: deriveSeed(options.seed as number, 'sample-metrics') });
}

/** `options` (from code) and `given` as one record of given options. */
function givenOf(
  options: Record<string, unknown> = {},
  given: Record<string, GivenOption> = {},
): Record<string, GivenOption> {
  const fromCode = Object.fromEntries(
    Object.entries(options).map(([name, value]) => [name, { value, source: 'code' as const }]),
  );
  return { ...fromCode, ...given };
}

/**
 * Start a run of `kind` into `out`: check the options, load the data, resolve the configuration, build the model,
 * then claim the directory, train (or fit), evaluate, draw and summarise. Nothing is written when anything before
 * the claim fails, and the directory is removed again when the run fails before its first checkpoint.
 *
 * @example
 * const { summary } = await startRun({ family: vaeFamily, kind: 'vae', out: 'runs/vae2d', options: { latent: 2 } });
 */
export async function startRun(request: StartRequest, io: RunIO = {}): Promise<RunResult> {
  const { family, kind, out } = request;
  const given = await readTableOptions(optionsOf(family), givenOf(request.options, request.given));
  if (!family.kinds.some((k) => k.name === kind))
    throw new OptionError(
      'kind',
      `must be one of ${family.kinds.map((k) => k.name).join(', ')}, got '${kind}'`,
    );
  const runSpecs = runOptionsOf(family);
  const spec = (name: string) => runSpecs.find((s) => s.name === name)!;
  const data = earlyValue(spec('data'), given.data, kind) as string;
  const limit = earlyValue(spec('limit'), given.limit, kind) as number | undefined;
  const { split, train } = loadTrainingData(data, limit);
  const { values, sources } = resolveOptions(
    optionsOf(family),
    { ...given, data: { value: data, source: given.data?.source ?? 'default' } },
    { kind, data: train.kind },
    { others: everyOption() },
  );
  if (values.patience !== undefined && split.test === null)
    throw new OptionError('patience', `needs a held-out test set, and ${data} has none`, sources.patience);
  if (values.sampleMetrics === true)
    values.sampleMetrics = sampleMetricsAvailable(values, sources, split, io);
  const config = family.resolveConfig(kind, values, train);
  const model = createWithinBudget(family, config, kind, sources);
  let dir: RunDirectory;
  try {
    dir = await RunDirectory.create(out, {
      isResumable: family.training === 'steps' ? isResumable : () => Promise.resolve(false),
    });
    await writeJsonAtomic(join(out, RUN_FILES.config), config);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const state: RunState = {
    kind,
    options: values,
    shape: train.shape,
    epoch: 0,
    step: 0,
    history: [],
    seconds: 0,
  };
  return runSession({ family, kind, model, options: values, sources, split, train, dir, state, io });
}

/** A run (or bare checkpoint) loaded for use: the model with its weights, and where it stands. */
export interface LoadedRun {
  family: Family;
  model: FamilyModel;
  /** The run state (kind, options, position); null for a bare checkpoint. */
  state: RunState | null;
  /** The checkpoint directory read. */
  path: string;
  checkpoint: LoadedRunCheckpoint;
}

/**
 * Load the model of a run directory (or of its `checkpoint/`, or of a bare checkpoint directory), of any family:
 * the kind in its `config.json` picks the family, which rebuilds the model and restores its arrays. A checkpoint
 * that does not match its configuration is refused with the file and the mismatch.
 *
 * @example
 * const { model, family } = await loadRun('runs/vae2d');
 */
export async function loadRun(
  dir: string,
  {
    families = FAMILIES,
    beforeCreate,
  }: {
    families?: readonly Family[];
    /** Called with the family before the model is built (the command line starts its engine there). */
    beforeCreate?: (family: Family) => Promise<void>;
  } = {},
): Promise<LoadedRun> {
  const checkpoint = await loadRunCheckpoint(dir);
  const { path } = checkpoint;
  const family = familyOfCheckpoint(checkpoint, path, families);
  await beforeCreate?.(family);
  const model = restoreModel(family, checkpoint, path);
  return { family, model, state: checkpoint.state, path, checkpoint };
}

/** A flag given on resume that contradicts the stored run. */
function contradiction(
  name: string,
  givenValue: unknown,
  stored: unknown,
  dir: string,
  source: OptionSource,
): OptionError {
  const shown = (v: unknown) =>
    v === undefined ? 'unset' : typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return new OptionError(
    name,
    `${shown(givenValue)} contradicts the run in ${dir}, which was started with ${shown(stored)}; only the length ` +
      `of training (${LENGTH_OPTIONS.map((n) => `'${n}'`).join(', ')}) may change when resuming`,
    source,
  );
}

/** What a run is resumed with. */
export interface ResumeRequest {
  dir: string;
  /** The kind the user asked for, checked against the run's. */
  kind?: string;
  /** Options given now, from code: the length of training may change; any other must equal the stored value. */
  options?: Record<string, unknown>;
  /** The same, with where each came from (flags, a config file). */
  given?: Record<string, GivenOption>;
  /** Called with the run's family before its model is built (see `loadRun`). */
  beforeCreate?: (family: Family) => Promise<void>;
}

/**
 * Continue the run in `dir` from its last checkpoint: same data, batch order and random streams, so that it ends
 * with the weights an uninterrupted run would have. Only `epochs` and `steps` may change; another value of any
 * other option is refused, as is a checkpoint without the state of every optimizer.
 *
 * @example
 * await resumeRun({ dir: 'runs/vae2d', options: { epochs: 10 } });
 */
export async function resumeRun(request: ResumeRequest, io: RunIO = {}): Promise<RunResult> {
  const { dir: path, kind } = request;
  const given = givenOf(request.options, request.given);
  const loaded = await loadRun(path, { beforeCreate: request.beforeCreate });
  const { family, model, state, checkpoint } = loaded;
  let handedOver = false;
  try {
    if (family.training !== 'steps')
      throw new CheckpointError(`${path} holds a ${checkpoint.config.kind} fit, which cannot be resumed`);
    if (kind !== undefined && kind !== checkpoint.config.kind)
      throw new CheckpointError(`${path} holds a ${checkpoint.config.kind} run, not a ${kind} one`);
    if (state === null)
      throw new CheckpointError(
        `${loaded.path} holds a checkpoint without its run state; it cannot be resumed`,
      );
    restoreRunOptimizers(family, model, checkpoint.optimizer, `${loaded.path}/optimizer.safetensors`);
    const values: OptionValues = { ...state.options };
    const sources: Record<string, OptionSource> = Object.fromEntries(
      Object.keys(values).map((k) => [k, LENGTH_OPTIONS.includes(k) ? 'default' : 'run']),
    );
    const specs = optionsOf(family);
    for (const [name, { value, source }] of Object.entries(given)) {
      if (value === undefined) continue;
      const spec = specs.find((s) => s.name === name && (s.command ?? 'train') === 'train');
      if (spec === undefined) throw new OptionError(name, `is not an option of ${state.kind}`, source);
      const checked = checkOptionValue(spec, value, source);
      if (LENGTH_OPTIONS.includes(name)) {
        values[name] = checked;
        sources[name] = source;
      } else if (JSON.stringify(checked) !== JSON.stringify(state.options[name]))
        throw contradiction(name, checked, state.options[name], path, source);
    }
    const { split, train } = loadTrainingData(values.data as string, values.limit as number | undefined);
    const dir = await RunDirectory.open(path);
    handedOver = true; // the session disposes the model, however it ends
    return await runSession({
      family,
      kind: state.kind,
      model,
      options: values,
      sources,
      split,
      train,
      dir,
      state,
      io,
    });
  } catch (e) {
    if (!handedOver) model.dispose();
    throw e;
  }
}
