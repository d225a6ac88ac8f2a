/**
 * A GAN: a generator, a discriminator, an Adam optimizer for each, and (for the variationally regularised generator
 * loss) frozen copies of the generator from earlier updates. One training step is one discriminator update; after
 * every k_D of them the generator takes k_G updates, each on fresh noise (see `trainStep`). An InfoGAN also draws
 * latent codes for every generated batch, and both players add -L_I, InfoGAN's information loss, to their own.
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, Random, resolveSeed } from '../../engine/random.js';
import { Adam } from '../../optim/adam.js';
import { OptionError } from '../../train/options.js';
import type { StepResult } from '../../train/trainer.js';
import { resolveGanConfig, type GanConfig } from './config.js';
import {
  discriminatorLoss,
  generatorLoss,
  gradientPenalty,
  infoLoss,
  regOldPenalty,
  type InfoCodes,
} from './losses.js';
import { createGenerator, Discriminator, type Generator } from './networks.js';

/** How to generate: the temperature of the noise, and (InfoGAN) the categorical code of each example. */
export interface GenerateOptions {
  /** z ~ N(0, T^2 I); default 1. The codes are not scaled. */
  temperature?: number;
  /** InfoGAN: the categorical code c of each example (integers in [0, K)); drawn uniformly when absent. */
  labels?: readonly number[];
}

/** The generator's input for a batch, and (InfoGAN) the codes in it. */
export interface GeneratorInput {
  /** concat(z, onehot(c), u), `[n, latent + categories + continuousCodes]` (z alone for a plain GAN). */
  input: tf.Tensor2D;
  /** The codes, null for a plain GAN. */
  codes: InfoCodes | null;
}

/** Prefix `map`'s names with `prefix` and a dot. */
function prefixed(prefix: string, map: Map<string, tf.Variable>): Map<string, tf.Variable> {
  return new Map([...map].map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** Copy every value of `from` into the variable of the same name in `to`. */
function copyInto(to: Map<string, tf.Variable>, from: Map<string, tf.Variable>): void {
  for (const [name, v] of from) to.get(name)!.assign(v);
}

/**
 * A GAN of a configuration (see `config.ts`).
 *
 * @example
 * const gan = new GanModel(resolveGanConfig({ inputShape: [2] }));
 * gan.discriminatorStep(realBatch, seed); // one update of D
 * gan.generatorStep(256, seed); // one update of G
 * const x = gan.generate(1000, 0); // [1000, 2]
 *
 * const info = new GanModel(resolveGanConfig({ kind: 'infogan', inputShape: [28, 28, 1] }));
 * const sevens = info.generate(8, 0, { labels: new Array(8).fill(7) }); // one categorical code for all eight
 */
export class GanModel {
  readonly config: GanConfig;
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly generatorOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  /** G_old of the penalty, and the copy that becomes G_old at the next refresh (null without the penalty). */
  private readonly old: { current: Generator; next: Generator } | null;
  /** Whether the discriminator normalises batches (and so sees real and generated batches in separate passes). */
  private readonly batchNormalised: boolean;

  constructor(config: GanConfig) {
    this.config = resolveGanConfig(config);
    const c = this.config;
    this.generator = createGenerator(c);
    this.discriminator = new Discriminator(c);
    this.batchNormalised = this.discriminator.buffers().size > 0;
    const adam = (lr: number) => new Adam(lr, { beta1: c.beta1, beta2: c.beta2 });
    this.generatorOptimizer = adam(c.generatorLr);
    this.discriminatorOptimizer = adam(c.discriminatorLr);
    if (c.regOld > 0) {
      const copy = () => {
        const g = createGenerator(c);
        copyInto(g.state(), this.generator.state());
        return g;
      };
      this.old = { current: copy(), next: copy() };
    } else this.old = null;
  }

  /** D, the number of values of one example. */
  get dimension(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  get isImage(): boolean {
    return this.config.inputShape.length === 3;
  }

  /** Whether the generator reads InfoGAN's codes (and the discriminator has a Q head). */
  get hasCodes(): boolean {
    return this.config.categories > 0;
  }

  /** The generator's parameters, named `generator.*`. */
  generatorParameters(): Map<string, tf.Variable> {
    return prefixed('generator', this.generator.parameters());
  }

  /** The discriminator's parameters, named `discriminator.*`. */
  discriminatorParameters(): Map<string, tf.Variable> {
    return prefixed('discriminator', this.discriminator.parameters());
  }

  /** The trainable parameters of both players, what their optimizers update. */
  parameters(): Map<string, tf.Variable> {
    return new Map([...this.generatorParameters(), ...this.discriminatorParameters()]);
  }

  /**
   * Every array of the model, what a checkpoint holds: both players' parameters and buffers (batch normalisation's
   * running statistics), and the frozen generators of the penalty.
   */
  state(): Map<string, tf.Variable> {
    const all = new Map([
      ...prefixed('generator', this.generator.state()),
      ...prefixed('discriminator', this.discriminator.state()),
    ]);
    if (this.old !== null) {
      for (const [k, v] of prefixed('generator_old', this.old.current.state())) all.set(k, v);
      for (const [k, v] of prefixed('generator_next_old', this.old.next.state())) all.set(k, v);
    }
    return all;
  }

  /**
   * Run `step` with every network in training mode (batch normalisation on the batch's statistics, its running ones
   * updated), then back in inference mode, where sampling and evaluation run.
   */
  private inTraining<T>(step: () => T): T {
    const networks = [this.generator, this.discriminator, this.old?.current, this.old?.next];
    for (const n of networks) n?.train(true);
    try {
      return step();
    } finally {
      for (const n of networks) n?.train(false);
    }
  }

  numParameters(): number {
    return this.generator.numParameters() + this.discriminator.numParameters();
  }

  /** Noise z ~ N(0, I), `[n, latent]`. */
  noise(n: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([n, this.config.latent], 0, 1, 'float32', resolveSeed(seed));
  }

  /**
   * InfoGAN's codes for `n` examples: c ~ Cat(K) uniform (or `labels`), u ~ U(-1, 1), both seeded by `seed`.
   * Throws an `OptionError` naming `labels` when they are not one integer in [0, K) per example, or when the model
   * has no categorical code.
   */
  drawCodes(n: number, seed: number, labels?: readonly number[]): InfoCodes | null {
    const { categories: k, continuousCodes } = this.config;
    if (!this.hasCodes) {
      if (labels !== undefined)
        throw new OptionError(
          'labels',
          `cannot be given: this ${this.config.kind} model has no categorical code (an infogan has one)`,
        );
      return null;
    }
    if (labels !== undefined) {
      if (labels.length !== n)
        throw new OptionError('labels', `must hold one label per sample (${n}), got ${labels.length}`);
      const bad = labels.findIndex((l) => !Number.isInteger(l) || l < 0 || l >= k);
      if (bad >= 0)
        throw new OptionError('labels', `must be integers in [0, ${k}), got ${labels[bad]} at index ${bad}`);
    }
    const random = new Random(resolveSeed(deriveSeed(seed, 'categorical')));
    const c = labels ?? Array.from({ length: n }, () => random.int(k));
    return {
      categorical: tf.tensor1d([...c], 'int32'),
      continuous:
        continuousCodes === 0
          ? null
          : tf.randomUniform(
              [n, continuousCodes],
              -1,
              1,
              'float32',
              resolveSeed(deriveSeed(seed, 'continuous')),
            ),
    };
  }

  /**
   * The generator's input for `n` examples: z ~ N(0, T^2 I) from `seed` (exactly {@link GanModel.noise}), then for
   * InfoGAN onehot(c) and u from {@link GanModel.drawCodes}.
   */
  generatorInput(n: number, seed: number, { temperature = 1, labels }: GenerateOptions = {}): GeneratorInput {
    if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new OptionError('temperature', `must be a positive number, got ${temperature}`);
    const codes = this.drawCodes(n, seed, labels);
    const input = tf.tidy(() => {
      const z =
        temperature === 1 ? this.noise(n, seed) : tf.mul<tf.Tensor2D>(this.noise(n, seed), temperature);
      if (codes === null) return z;
      const parts: tf.Tensor2D[] = [
        z,
        tf.cast(tf.oneHot(codes.categorical, this.config.categories), 'float32') as tf.Tensor2D,
      ];
      if (codes.continuous !== null) parts.push(codes.continuous);
      return tf.concat<tf.Tensor2D>(parts, 1);
    });
    return { input, codes };
  }

  /** `n` generated examples, flattened `[n, D]`, at a temperature (z ~ N(0, T^2 I)) and, for InfoGAN, given codes. */
  generate(n: number, seed: number, options: GenerateOptions = {}): tf.Tensor2D {
    const { input, codes } = this.generatorInput(n, seed, options);
    try {
      return this.generator.apply(input);
    } finally {
      disposeCodes(input, codes);
    }
  }

  /** D's logits (critic values) of flattened examples. */
  logits(x: tf.Tensor2D): tf.Tensor1D {
    return this.discriminator.apply(x);
  }

  /**
   * One update of the discriminator on a batch of real examples `[m, D]` against as many generated ones; returns
   * its loss (with the gradient penalty for WGAN-GP, and InfoGAN's -L_I on the generated batch, through which the
   * shared body and the Q head learn to read the codes) and, for WGAN-GP, the penalty alone.
   */
  discriminatorStep(real: tf.Tensor2D, seed: number): StepResult {
    return this.inTraining(() => this.updateDiscriminator(real, seed));
  }

  private updateDiscriminator(real: tf.Tensor2D, seed: number): StepResult {
    const c = this.config;
    const m = real.shape[0];
    const { input, codes } = this.generatorInput(m, deriveSeed(seed, 'noise'));
    const fake = tf.tidy(() => this.generator.apply(input));
    try {
      return this.discriminatorOptimizer.minimize(
        this.discriminatorParameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const [realFeatures, fakeFeatures] = this.batchFeatures(real, fake);
          const r = this.discriminator.logit(realFeatures);
          const f = this.discriminator.logit(fakeFeatures);
          let loss = discriminatorLoss(c.loss, r, f);
          if (codes !== null) loss = tf.add(loss, this.infoLoss(fakeFeatures, codes));
          if (c.loss !== 'wgan-gp') return { loss };
          const penalty = gradientPenalty((x) => this.logits(x), real, fake, deriveSeed(seed, 'interpolate'));
          return { loss: tf.add<tf.Scalar>(loss, tf.mul(penalty, c.gradientPenalty)), penalty };
        },
      );
    } finally {
      tf.dispose(fake);
      disposeCodes(input, codes);
    }
  }

  /**
   * One update of the generator on `m` fresh noise vectors (and codes); returns its loss and, with `regOld` > 0,
   * the penalty E||G(z) - G_old(z)||^2 (G_old: the generator k updates back, see {@link GanModel.refreshOld}); for
   * InfoGAN, `info_loss`, the -L_I that the loss includes.
   */
  generatorStep(m: number, seed: number): StepResult {
    return this.inTraining(() => this.updateGenerator(m, seed));
  }

  private updateGenerator(m: number, seed: number): StepResult {
    const c = this.config;
    this.refreshOld();
    const { input, codes } = this.generatorInput(m, deriveSeed(seed, 'noise'));
    const old = this.old === null ? null : tf.tidy(() => this.old!.current.apply(input));
    try {
      const parts = this.generatorOptimizer.minimize(
        this.generatorParameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const x = this.generator.apply(input);
          const features = this.discriminator.features(x);
          let loss = generatorLoss(c.loss, this.discriminator.logit(features));
          const extra: Record<string, tf.Scalar> = {};
          if (codes !== null) {
            extra.info_loss = this.infoLoss(features, codes);
            loss = tf.add(loss, extra.info_loss);
          }
          if (old !== null) {
            extra.reg_old = regOldPenalty(x, old);
            loss = tf.add(loss, tf.mul(extra.reg_old, c.regOld));
          }
          return { loss, ...extra };
        },
      );
      const { loss, ...rest } = parts;
      return { g_loss: loss, ...rest };
    } finally {
      tf.dispose(old ?? []);
      disposeCodes(input, codes);
    }
  }

  /**
   * The discriminator's features of a real and a generated batch. Without batch normalisation they are one pass
   * over both; with it, one pass each (as DCGAN does), so that generated examples are normalised by the statistics
   * of a generated batch, as they are in the generator's update. A pass over both would train D against features
   * that the generator's update never sees.
   */
  private batchFeatures(real: tf.Tensor2D, fake: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
    if (this.batchNormalised) return [this.discriminator.features(real), this.discriminator.features(fake)];
    const m = real.shape[0];
    const both = this.discriminator.features(tf.concat<tf.Tensor2D>([real, fake]));
    return tf.split(both, [m, m]) as [tf.Tensor2D, tf.Tensor2D];
  }

  /** -L_I of generated examples' features (see `infoLoss`), with the configured weights. */
  private infoLoss(features: tf.Tensor2D, codes: InfoCodes): tf.Scalar {
    return infoLoss(this.discriminator.q!.apply(features), codes, {
      categorical: this.config.infoCategorical,
      continuous: this.config.infoContinuous,
    });
  }

  /**
   * Before generator update u (counted by its optimizer), every `regOldEvery` = k updates: G_old becomes the copy
   * taken at the previous refresh, and the current generator is copied for the next one. So G_old is the generator
   * as it was between k and 2k - 1 updates back: exactly the previous update's generator for k = 1.
   */
  private refreshOld(): void {
    if (this.old === null) return;
    const u = this.generatorOptimizer.step;
    if (u === 0 || u % this.config.regOldEvery !== 0) return;
    copyInto(this.old.current.state(), this.old.next.state());
    copyInto(this.old.next.state(), this.generator.state());
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.old?.current.dispose();
    this.old?.next.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}

function disposeCodes(input: tf.Tensor, codes: InfoCodes | null): void {
  tf.dispose([input, codes?.categorical ?? [], codes?.continuous ?? []]);
}
