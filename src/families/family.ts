/**
 * The one interface every model family implements. A family (the VAEs, the flows, the Gaussian mixtures, ...) is a
 * folder under `families/` whose `index.ts` exports one `Family` object, listed in `families/index.ts`. The trainer,
 * the run lifecycle (start, resume, load, evaluate), the checkpoints, the command line and the generic test suite
 * are shared and know no family by name: they only call what is declared here.
 *
 * A family is trained in one of two ways:
 * - by gradient steps (`training: 'steps'`): the shared trainer feeds mini-batches to `trainStep`, which may update
 *   several named optimizers (a GAN updates its discriminator, then its generator), checkpoints every epoch and
 *   resumes exactly;
 * - by a fit to the whole training set (`training: 'fit'`): EM for the mixtures.
 *
 * Everything here runs in a browser as in Node: data arrive as `Dataset`s, pictures leave as `Figure`s (pixels or
 * Vega-Lite charts), checkpoints as arrays. Reading files and writing PNGs is the Node run lifecycle's business.
 */
import type * as tf from '../engine/tf.js';
import type { Batch } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import type { LoadedCheckpoint, SavedArrays } from '../io/checkpoint.js';
import type { FeatureClassifier } from '../metrics/classifier.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Figure } from '../plot/figure.js';
import type { OptionDefault, OptionSpec, OptionValues } from '../train/options.js';
import type { StepContext, StepResult } from '../train/trainer.js';

export type { StepContext, StepResult } from '../train/trainer.js';

/** What the shared code needs of every model: its configuration, its size, and a way to free it. */
export interface FamilyModel {
  /** The configuration the model was built from (written to `config.json`), with its kind and seed. */
  readonly config: { kind: string; seed: number };
  /** The number of trainable (or, for a mixture, free) scalar parameters. */
  numParameters(): number;
  /** Free the model's tensors (and its optimizers'). */
  dispose(): void;
}

/** One kind a family trains (`vae`, `beta-vae`, ...): the word `latentlab train <kind>` takes. */
export interface KindInfo {
  name: string;
  /** One line for the command line's help and the docs. */
  description: string;
}

/** A picture of a model, written as `<name>.png` by the run lifecycle and drawn live by the studio. */
export interface Picture {
  name: string;
  figure: Figure;
}

/** Metrics by name (`elbo`, `loglik`, `converged`, ...): numbers, lists, flags, or null where undefined. */
export type Metrics = Record<string, number | number[] | boolean | null>;

/** How a family evaluates. */
export interface EvaluateOptions {
  /** Fixes every random draw of the evaluation (binarization, dequantization, z samples). */
  seed: number;
  batchSize?: number;
  /** The family's evaluation options (its options whose `command` is `eval`, such as the VAE's `iw`). */
  options?: OptionValues;
  /** Called after each batch with the examples done so far, for a progress display. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The sample metrics' feature classifier, where the run or `eval` has one (sample metrics on); families that need
   * a classifier for their own metrics read it (the CycleGAN's label preservation), the others ignore it.
   */
  classifier?: FeatureClassifier;
}

/** How to draw samples: the one signature of every family (and of every model's `sample`). */
export interface SampleOptions {
  seed?: number;
  /** Draw the latent noise at this temperature (z ~ N(0, T^2 I) for a flow); 1 by default. */
  temperature?: number;
  /** Class labels, one per sample, for a conditional model. */
  labels?: readonly number[];
}

/** What the pictures of a trained model may draw on. */
export interface PictureContext {
  /** The data set's name, as given to `--data`. */
  data: string;
  train: Dataset;
  test: Dataset | null;
  /** The epoch records of training (or the iteration records of a fit). */
  history: Array<Record<string, number>>;
  seed: number;
}

/** Encoding data to latent codes and decoding them back, which enables `latentlab interpolate`. */
export interface LatentCodes<M> {
  /** The latent code of each example of `x` (`[m, D]`, flattened): posterior means, or f^-1(x) for a flow. */
  encode(model: M, x: tf.Tensor2D, labels?: readonly number[]): tf.Tensor2D;
  /** The examples (`[m, D]`) that codes `z` decode to: decoder means, or f(z) for a flow. */
  decode(model: M, z: tf.Tensor2D, labels?: readonly number[]): tf.Tensor2D;
}

/** One tiny run of {@link FamilyBase.tinyRuns}. */
export interface TinyRun {
  /** A name for test titles: `vae`, `flow glow on images`. */
  name: string;
  kind: string;
  options: Record<string, unknown>;
}

/** What a model saves besides its configuration: named arrays, and short strings. */
export interface SavedModel {
  weights: SavedArrays;
  metadata?: Record<string, string>;
}

/** What every family declares and does, however it is trained. */
export interface FamilyBase<M extends FamilyModel, C extends { kind: string; seed: number }> {
  /** The family's name, a folder of `families/` (`vae`, `flow`, `mixture`). */
  readonly name: string;
  /** One line: what the family is. */
  readonly description: string;
  /** What computes it: TensorFlow.js (the summary then names its backend), or plain JavaScript in float64. */
  readonly engine: 'tfjs' | 'javascript';
  readonly kinds: readonly KindInfo[];
  /** The family's options, for every kind; the shared run options (data, seed, epochs, ...) are not listed here. */
  readonly options: readonly OptionSpec[];
  /** The family's defaults for the shared run options: `data`, and the length of training. */
  readonly runDefaults: Readonly<Record<string, OptionDefault>>;
  /**
   * Tiny runs that exercise every kind in seconds, as option values by name (the smallest options that still make a
   * model that learns). The generic family test suite trains each; a new family is covered by listing its own.
   */
  readonly tinyRuns: readonly TinyRun[];
  /**
   * The full configuration of a model of `kind` for the training data `data`, from resolved options: sizes read off
   * the data (its shape, its classes), cross-option checks (an `OptionError` naming the option), nothing written.
   */
  resolveConfig(kind: string, options: OptionValues, data: Dataset): C;
  /** A new model (with its optimizers) from a resolved configuration. */
  create(config: C): M;
  /**
   * About how many parameters `create(config)` would allocate, worked out without allocating them, so that a model
   * too large for memory is refused at once (within a factor of two is enough).
   */
  estimateParameters(config: C): number;
  /** Held-out metrics of `model` on `data`. */
  evaluate(model: M, data: Dataset, options: EvaluateOptions): Metrics;
  /** `n` draws from the model, as a data set of the training data's shape (images: the decoder's means). */
  sample(model: M, n: number, options: SampleOptions): Dataset;
  /** Latent codes, where the family has them. */
  readonly latent?: LatentCodes<M>;
  /** The pictures of a trained model (samples, reconstructions, densities, ...). */
  pictures(model: M, context: PictureContext): Promise<Picture[]>;
  /** A picture of samples drawn by {@link FamilyBase.sample}; a generic grid or scatter when absent. */
  samplesFigure?(model: M, samples: Dataset): Figure;
  /** The model's arrays for a checkpoint. */
  save(model: M): SavedModel;
  /** Put a checkpoint's arrays into a model freshly made by `create`; errors name `source`. */
  restore(model: M, checkpoint: LoadedCheckpoint, source: string): void;
}

/** A family trained by gradient steps on mini-batches. */
export interface StepFamily<
  M extends FamilyModel,
  C extends { kind: string; seed: number },
> extends FamilyBase<M, C> {
  readonly training: 'steps';
  /** The model's optimizers by name, each saved in the checkpoint and restored on resume. */
  optimizers(model: M): Readonly<Record<string, Optimizer>>;
  /** One training step on a batch: update any of the optimizers, return the loss and its parts. */
  trainStep(model: M, batch: Batch, context: StepContext): StepResult;
  /** The held-out metric `--patience` watches (`test_elbo`), and whether larger is better. */
  readonly monitor: { metric: string; mode: 'max' | 'min' };
}

/** What a fit reports about each iteration, and the pictures of its progress. */
export interface FitResult {
  /** One record per iteration (what `metrics.jsonl` holds). */
  history: Array<Record<string, number>>;
  /** What the fit found, as `summary.json` names it (`train_loglik`, `iterations`, `converged`, ...). */
  metrics: Metrics;
  /** Pictures of the fit as it went (empty when not asked for). */
  pictures: Picture[];
  /** What the user should know about the result, a line each (a fit that stopped unconverged). */
  warnings?: string[];
}

/** How a fit is run. */
export interface FitOptions {
  /** Collect what the pictures of the fit's progress need. */
  pictures: boolean;
  /** Called after each iteration with its record, for a progress display. */
  onIteration?: (record: Record<string, number>) => void;
}

/** A family fitted to the whole training set at once (EM). */
export interface FitFamily<
  M extends FamilyModel,
  C extends { kind: string; seed: number },
> extends FamilyBase<M, C> {
  readonly training: 'fit';
  fit(model: M, data: Dataset, options: FitOptions): FitResult;
}

/** A model family. */
export type Family<
  M extends FamilyModel = FamilyModel,
  C extends { kind: string; seed: number } = ModelConfig,
> = StepFamily<M, C> | FitFamily<M, C>;

/** The configuration every model has. */
export interface ModelConfig {
  kind: string;
  seed: number;
}
