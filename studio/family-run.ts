/**
 * A run of any family trained by gradient steps, as the studio's worker drives it: the options the page sends as
 * text are parsed and checked by the command line's own option code, the model is the family's, and each step is the
 * family's `trainStep` on the batch the shared trainer would give it (same batch order, same step seeds), so a run
 * in the page is the run `latentlab train` makes with the same options. Its evaluations are the family's `evaluate`
 * on the held-out data, its pictures the family's `pictures`: the page shows them live. A run can also start from a
 * checkpoint (a run of the command line's, or one the page saved), where that run stood.
 */
import * as tf from '../src/engine/tf.js';
import { deriveSeed } from '../src/engine/random.js';
import { batches, numBatches, type Batch } from '../src/data/batches.js';
import { head, type DataSplit, type Dataset } from '../src/data/dataset.js';
import { FAMILIES } from '../src/families/index.js';
import type { FamilyModel, Metrics, Picture, StepFamily } from '../src/families/family.js';
import {
  defaultOf,
  OptionError,
  parseOptionText,
  resolveOptions,
  usedBy,
  type GivenOption,
  type OptionSpec,
  type OptionValue,
  type OptionValues,
} from '../src/train/options.js';
import type { RunState } from '../src/train/run-files.js';
import { optionsOf, runOptionsOf } from '../src/train/run-options.js';
import { stepSeed, type StepResult } from '../src/train/trainer.js';
import type { OptionField } from './protocol.js';

type AnyStepFamily = StepFamily<FamilyModel, { kind: string; seed: number }>;

/** The run options the page does not offer: it chooses the data and seed itself, and trains until paused. */
const NOT_IN_PAGE = new Set([
  'data',
  'seed',
  'limit',
  'epochs',
  'steps',
  'patience',
  'sampleMetrics',
  'classifier',
]);

/** The families the studio trains through this generic run: every one trained by steps. */
export function stepFamilies(): AnyStepFamily[] {
  return FAMILIES.filter((f): f is AnyStepFamily => f.training === 'steps');
}

/** The family named `name` (a folder of `families/`); a RangeError naming it when no family trained by steps is. */
export function stepFamily(name: string): AnyStepFamily {
  const family = stepFamilies().find((f) => f.name === name);
  if (family === undefined) throw new RangeError(`no family '${name}' trained by steps`);
  return family;
}

/** The data set a family trains on by default (`mnist` for the VAE, `ring8` for the GAN). */
export function defaultData(family: AnyStepFamily, kind: string): string {
  const spec = runOptionsOf(family).find((s) => s.name === 'data')!;
  return String(defaultOf(spec, { kind, data: 'vector' }) ?? 'mnist');
}

/** The text of an option value, as a flag would take it. */
function optionText(value: OptionValue): string {
  if (Array.isArray(value)) return value.map((v) => (Array.isArray(v) ? v.join(' ') : String(v))).join(',');
  return String(value);
}

/** What the page may set: the kind's options for this kind of data, minus the run options it handles itself. */
function pageSpecs(family: AnyStepFamily, kind: string, data: Dataset): OptionSpec[] {
  return optionsOf(family).filter(
    (s) =>
      !NOT_IN_PAGE.has(s.name) &&
      usedBy(s, kind) &&
      s.type !== 'table' &&
      (s.data === undefined || s.data === data.kind),
  );
}

/**
 * The options of a run as the page's set-up keeps them: the text of each option the page offers whose value is not
 * the default for the run's kind and data.
 */
function pageOptions(family: AnyStepFamily, state: RunState, split: DataSplit): Record<string, string> {
  const context = { kind: state.kind, data: split.train.kind };
  const defaults = resolveOptions(
    optionsOf(family),
    { data: { value: split.name, source: 'code' }, seed: { value: state.options.seed, source: 'code' } },
    context,
  ).values;
  const out: Record<string, string> = {};
  for (const spec of pageSpecs(family, state.kind, split.train)) {
    const value = state.options[spec.name];
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(defaults[spec.name]))
      out[spec.name] = optionText(value);
  }
  return out;
}

/** A run restored from its checkpoint: its model (weights and optimizers' state in place) and where it stood. */
export interface RestoredRun {
  model: FamilyModel;
  state: RunState;
}

/** What a {@link FamilyRun} starts from. */
export interface FamilyRunSetup {
  family: string;
  kind: string;
  seed: number;
  /** Option values as text, by option name, as the user typed them (the rest take their defaults). */
  options: Record<string, string>;
}

export class FamilyRun {
  readonly family: AnyStepFamily;
  readonly model: FamilyModel;
  readonly options: OptionValues;
  readonly fields: OptionField[];
  readonly train: Dataset;
  readonly test: Dataset | null;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  step = 0;
  /** Epochs begun: each draws its batch order, as the shared trainer's do (a run's state counts them so). */
  epoch = 0;
  /** Seconds of training steps, over every session of the run. */
  seconds = 0;
  /** One record per evaluation: the mean step results since the last one, and the held-out metrics as `test_*`. */
  readonly history: Array<Record<string, number>> = [];
  /** The last held-out metrics, and the step they were taken at. */
  evaluated: { step: number; metrics: Metrics } | null = null;
  /** The batches of the epoch in hand, made one at a time as the trainer makes them. */
  private pending: Iterator<Batch> | null = null;
  private sums: Record<string, number> = {};
  private counts: Record<string, number> = {};

  /**
   * A new run of `setup` on `split`; or, with `restored`, a run that goes on from a checkpoint (see
   * {@link FamilyRun.restore}).
   */
  constructor(
    readonly setup: FamilyRunSetup,
    readonly split: DataSplit,
    restored?: RestoredRun,
  ) {
    const family = stepFamily(setup.family);
    if (!family.kinds.some((k) => k.name === setup.kind))
      throw new OptionError(
        'kind',
        `must be one of ${family.kinds.map((k) => k.name).join(', ')}, got '${setup.kind}'`,
      );
    this.family = family;
    const specs = pageSpecs(family, setup.kind, split.train);
    const given: Record<string, GivenOption> = {
      data: { value: split.name, source: 'code' },
      seed: { value: setup.seed, source: 'code' },
    };
    for (const [name, text] of Object.entries(setup.options)) {
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined) throw new OptionError(name, `is not an option of ${setup.kind} here`, 'flag');
      given[name] = { value: parseOptionText(spec, text), source: 'flag' };
    }
    const { values } = resolveOptions(optionsOf(family), given, { kind: setup.kind, data: split.train.kind });
    // A restored run keeps every option it was started with, those the page does not offer too (its length, a
    // limit), so that its state says what the command line's would.
    this.options = restored?.state.options ?? values;
    this.train = head(split.train, this.options.limit as number | undefined);
    this.test = split.test;
    // Every option of the kind, those without a value (no default, or a `when` not met) shown empty.
    this.fields = specs.map((s) => ({
      name: s.name,
      type: s.type,
      help: s.help,
      choices: s.choices,
      value: s.name in this.options ? optionText(this.options[s.name]) : s.type === 'boolean' ? 'false' : '',
    }));
    this.batchSize = this.options.batchSize as number;
    this.batchesPerEpoch = numBatches(this.train.n, this.batchSize);
    this.model = restored?.model ?? family.create(family.resolveConfig(setup.kind, values, this.train));
    if (restored !== undefined) {
      const { state } = restored;
      this.step = state.step;
      this.epoch = state.epoch;
      this.seconds = state.seconds;
      this.history.push(...state.history);
    }
  }

  /**
   * The run of a checkpoint of `family`, going on from where it stood: `model` holds its weights (and its optimizers'
   * state), `state` is its run state, `split` the data it names. The page's set-up is the run's: its kind, seed, and
   * the options that differ from their defaults.
   */
  static restore(family: AnyStepFamily, model: FamilyModel, state: RunState, split: DataSplit): FamilyRun {
    const setup: FamilyRunSetup = {
      family: family.name,
      kind: state.kind,
      seed: state.options.seed as number,
      options: pageOptions(family, state, split),
    };
    return new FamilyRun(setup, split, { model, state });
  }

  /**
   * Where the run stands, as the command line's `state.json` says it: the next step draws the batch order of epoch
   * `epoch` (as a run resumed from it does, the rest of a half-done epoch left out).
   */
  state(): RunState {
    return {
      kind: this.setup.kind,
      options: this.options,
      shape: this.train.shape,
      epoch: this.epoch,
      step: this.step,
      history: [...this.history],
      seconds: this.seconds,
    };
  }

  private nextBatch(): Batch {
    for (;;) {
      this.pending ??= batches(this.train, {
        batchSize: this.batchSize,
        seed: this.setup.seed,
        epoch: this.epoch++,
      });
      const next = this.pending.next();
      if (next.done !== true) return next.value;
      this.pending = null;
    }
  }

  /** One step of the family's training, on the batch and with the seed the shared trainer would use. */
  trainOne(): StepResult {
    const started = performance.now();
    const batch = this.nextBatch();
    let parts: StepResult;
    try {
      parts = this.family.trainStep(this.model, batch, {
        epoch: this.epoch - 1,
        batch: batch.index,
        step: this.step,
        progress: this.epoch - 1 + batch.index / this.batchesPerEpoch,
        seed: stepSeed(this.setup.seed, this.step),
        batchesPerEpoch: this.batchesPerEpoch,
        datasetSize: this.train.n,
      });
    } finally {
      tf.dispose([batch.x, batch.labels ?? []]);
    }
    const bad = Object.entries(parts).find(([, v]) => !Number.isFinite(v));
    if (bad !== undefined)
      throw new Error(`the loss '${bad[0]}' became ${bad[1]} at step ${this.step + 1}; reset to start again`);
    this.step += 1;
    this.seconds += (performance.now() - started) / 1000;
    for (const [k, v] of Object.entries(parts)) {
      this.sums[k] = (this.sums[k] ?? 0) + v;
      this.counts[k] = (this.counts[k] ?? 0) + 1;
    }
    return parts;
  }

  /**
   * The family's held-out metrics as the run lifecycle takes them after each epoch (its evaluation seed, no evaluation
   * options), recorded in the history. `latentlab eval` on the run's files gives the same numbers where its own
   * evaluation options default to the epochs' (for the Helmholtz machine, whose epochs take 10 importance samples
   * against `eval`'s 100: `latentlab eval --iw 10`).
   */
  evaluate(): Metrics {
    const metrics: Metrics =
      this.test === null
        ? {}
        : this.family.evaluate(this.model, this.test, { seed: deriveSeed(this.setup.seed, 'evaluate') });
    const record: Record<string, number> = { epoch: this.step / this.batchesPerEpoch, step: this.step };
    for (const [k, sum] of Object.entries(this.sums)) record[k] = sum / this.counts[k];
    for (const [k, v] of Object.entries(metrics))
      if (typeof v === 'number' && k !== 'n') record[`test_${k}`] = v;
    if (this.step > 0 && this.history.at(-1)?.step !== this.step) this.history.push(record);
    this.sums = {};
    this.counts = {};
    this.evaluated = { step: this.step, metrics };
    return metrics;
  }

  /** The family's pictures of the model as it is now, drawn with the seed the run lifecycle draws them with. */
  pictures(): Promise<Picture[]> {
    return this.family.pictures(this.model, {
      data: this.split.name,
      train: this.train,
      test: this.test,
      history: this.history,
      seed: deriveSeed(this.setup.seed, 'pictures'),
    });
  }

  dispose(): void {
    this.pending = null;
    this.model.dispose();
  }
}
