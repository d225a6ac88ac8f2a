/**
 * A GAN: a generator, a discriminator, an Adam optimizer for each, and (for the variationally regularised generator
 * loss) frozen copies of the generator from earlier updates. One training step is one discriminator update; after
 * every k_D of them the generator takes k_G updates, each on fresh noise (see `trainStep`).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import { Adam } from '../../optim/adam.js';
import { OptionError } from '../../train/options.js';
import type { StepResult } from '../../train/trainer.js';
import { resolveGanConfig, type GanConfig } from './config.js';
import { discriminatorLoss, generatorLoss, gradientPenalty, regOldPenalty } from './losses.js';
import { createGenerator, Discriminator, type Generator } from './networks.js';

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
 */
export class GanModel {
  readonly config: GanConfig;
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  readonly generatorOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  /** G_old of the penalty, and the copy that becomes G_old at the next refresh (null without the penalty). */
  private readonly old: { current: Generator; next: Generator } | null;

  constructor(config: GanConfig) {
    this.config = resolveGanConfig(config);
    const c = this.config;
    this.generator = createGenerator(c);
    this.discriminator = new Discriminator(c);
    const adam = (lr: number) => new Adam(lr, { beta1: c.beta1, beta2: c.beta2 });
    this.generatorOptimizer = adam(c.generatorLr);
    this.discriminatorOptimizer = adam(c.discriminatorLr);
    if (c.regOld > 0) {
      const copy = () => {
        const g = createGenerator(c);
        copyInto(g.parameters(), this.generator.parameters());
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

  /** The generator's parameters, named `generator.*`. */
  generatorParameters(): Map<string, tf.Variable> {
    return prefixed('generator', this.generator.parameters());
  }

  /** The discriminator's parameters, named `discriminator.*`. */
  discriminatorParameters(): Map<string, tf.Variable> {
    return prefixed('discriminator', this.discriminator.parameters());
  }

  /** Every array of the model: both players, and the frozen generators of the penalty. */
  parameters(): Map<string, tf.Variable> {
    const all = new Map([...this.generatorParameters(), ...this.discriminatorParameters()]);
    if (this.old !== null) {
      for (const [k, v] of prefixed('generator_old', this.old.current.parameters())) all.set(k, v);
      for (const [k, v] of prefixed('generator_next_old', this.old.next.parameters())) all.set(k, v);
    }
    return all;
  }

  numParameters(): number {
    return this.generator.numParameters() + this.discriminator.numParameters();
  }

  /** Noise z ~ N(0, I), `[n, latent]`. */
  noise(n: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([n, this.config.latent], 0, 1, 'float32', resolveSeed(seed));
  }

  /** `n` generated examples, flattened `[n, D]`, at a temperature (z ~ N(0, T^2 I)). */
  generate(n: number, seed: number, temperature = 1): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new OptionError('temperature', `must be a positive number, got ${temperature}`);
    return tf.tidy(() => this.generator.apply(tf.mul<tf.Tensor2D>(this.noise(n, seed), temperature)));
  }

  /** D's logits (critic values) of flattened examples. */
  logits(x: tf.Tensor2D): tf.Tensor1D {
    return this.discriminator.apply(x);
  }

  /**
   * One update of the discriminator on a batch of real examples `[m, D]` against as many generated ones; returns
   * its loss (with the gradient penalty for WGAN-GP) and, for WGAN-GP, the penalty alone.
   */
  discriminatorStep(real: tf.Tensor2D, seed: number): StepResult {
    const c = this.config;
    const m = real.shape[0];
    const fake = tf.tidy(() => this.generator.apply(this.noise(m, deriveSeed(seed, 'noise'))));
    try {
      return this.discriminatorOptimizer.minimize(
        this.discriminatorParameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const both = this.logits(tf.concat<tf.Tensor2D>([real, fake]));
          const [r, f] = tf.split(both, [m, m]) as [tf.Tensor1D, tf.Tensor1D];
          const adversarial = discriminatorLoss(c.loss, r, f);
          if (c.loss !== 'wgan-gp') return { loss: adversarial };
          const penalty = gradientPenalty((x) => this.logits(x), real, fake, deriveSeed(seed, 'interpolate'));
          return { loss: tf.add<tf.Scalar>(adversarial, tf.mul(penalty, c.gradientPenalty)), penalty };
        },
      );
    } finally {
      fake.dispose();
    }
  }

  /**
   * One update of the generator on `m` fresh noise vectors; returns its loss and, with `regOld` > 0, the penalty
   * E||G(z) - G_old(z)||^2 (G_old: the generator k updates back, see {@link GanModel.refreshOld}).
   */
  generatorStep(m: number, seed: number): StepResult {
    const c = this.config;
    this.refreshOld();
    const z = this.noise(m, deriveSeed(seed, 'noise'));
    const old = this.old === null ? null : tf.tidy(() => this.old!.current.apply(z));
    try {
      const parts = this.generatorOptimizer.minimize(
        this.generatorParameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const x = this.generator.apply(z);
          const adversarial = generatorLoss(c.loss, this.logits(x));
          if (old === null) return { loss: adversarial };
          const penalty = regOldPenalty(x, old);
          return { loss: tf.add<tf.Scalar>(adversarial, tf.mul(penalty, c.regOld)), reg_old: penalty };
        },
      );
      return { g_loss: parts.loss, ...(old === null ? {} : { reg_old: parts.reg_old }) };
    } finally {
      tf.dispose([z, old ?? []]);
    }
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
    copyInto(this.old.current.parameters(), this.old.next.parameters());
    copyInto(this.old.next.parameters(), this.generator.parameters());
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
