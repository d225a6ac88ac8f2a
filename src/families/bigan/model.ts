/**
 * An ALI/BiGAN: an encoder E, a generator G, a discriminator D on pairs, and two Adam optimizers, `discriminator`
 * for D and `generator` for E and G together. One training step is one update of D on a batch's real pairs
 * (x, E(x)) against as many generated pairs (G(z), z); after every k_D of them, one update of E and G on the same
 * batch and fresh noise (see `losses.ts` for both losses).
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782; V. Dumoulin et al., "Adversarially Learned Inference", ICLR 2017,
 * https://arxiv.org/abs/1606.00704
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import { Adam } from '../../optim/adam.js';
import { OptionError } from '../../train/options.js';
import { resolveBiganConfig, type BiganConfig } from './config.js';
import { biganDiscriminatorLoss, biganEncoderGeneratorLoss } from './losses.js';
import { dimensionOf, BiganEncoder, BiganGenerator, JointDiscriminator } from './networks.js';

/** `map`'s names prefixed with `prefix` and a dot. */
function prefixed(prefix: string, map: Map<string, tf.Variable>): Map<string, tf.Variable> {
  return new Map([...map].map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** The logits of a batch's real pairs and of as many generated pairs. */
export interface PairLogits {
  /** d(x, E(x)) (for ALI, d(x, z) with z ~ q(z | x)), `[m]`. */
  real: tf.Tensor1D;
  /** d(G(z), z), z ~ N(0, I), `[m]`. */
  generated: tf.Tensor1D;
}

/**
 * An ALI/BiGAN of a configuration (see `config.ts`).
 *
 * @example
 * const bigan = new BiganModel(resolveBiganConfig({ inputShape: [28, 28, 1] }));
 * bigan.discriminatorStep(x, seed); // { d_loss }
 * bigan.encoderGeneratorStep(x, seed); // { g_loss }
 * const z = bigan.encode(x); // E(x), [m, 50]
 * const recon = bigan.generate(z); // G(E(x)), [m, 784]
 */
export class BiganModel {
  readonly config: BiganConfig;
  readonly encoder: BiganEncoder;
  readonly generator: BiganGenerator;
  readonly discriminator: JointDiscriminator;
  /** Adam for E and G, which play one side of the game. */
  readonly generatorOptimizer: Adam;
  /** Adam for D. */
  readonly discriminatorOptimizer: Adam;

  constructor(config: BiganConfig) {
    this.config = resolveBiganConfig(config);
    const c = this.config;
    this.encoder = new BiganEncoder(c);
    this.generator = new BiganGenerator(c);
    this.discriminator = new JointDiscriminator(c);
    const adam = (lr: number) => new Adam(lr, { beta1: c.beta1, beta2: c.beta2 });
    this.generatorOptimizer = adam(c.generatorLr);
    this.discriminatorOptimizer = adam(c.discriminatorLr);
  }

  /** D, the number of values of one example. */
  get dimension(): number {
    return dimensionOf(this.config);
  }

  /** Whether the model makes images (`[h, w, c]`) rather than vectors. */
  get isImage(): boolean {
    return this.config.inputShape.length === 3;
  }

  /** The parameters of E and G, named `encoder.*` and `generator.*`: what the `generator` optimizer updates. */
  encoderGeneratorParameters(): Map<string, tf.Variable> {
    return new Map([
      ...prefixed('encoder', this.encoder.parameters()),
      ...prefixed('generator', this.generator.parameters()),
    ]);
  }

  /** D's parameters, named `discriminator.*`. */
  discriminatorParameters(): Map<string, tf.Variable> {
    return prefixed('discriminator', this.discriminator.parameters());
  }

  /** Every trainable parameter. */
  parameters(): Map<string, tf.Variable> {
    return new Map([...this.encoderGeneratorParameters(), ...this.discriminatorParameters()]);
  }

  /** Every array a checkpoint holds: the parameters and batch normalisation's running statistics. */
  state(): Map<string, tf.Variable> {
    return new Map([
      ...prefixed('encoder', this.encoder.state()),
      ...prefixed('generator', this.generator.state()),
      ...prefixed('discriminator', this.discriminator.state()),
    ]);
  }

  /** The number of trainable scalars of E, G and D. */
  numParameters(): number {
    return this.encoder.numParameters() + this.generator.numParameters() + this.discriminator.numParameters();
  }

  /** z ~ N(0, T^2 I), `[n, latent]`, from `seed`. */
  noise(n: number, seed: number, temperature = 1): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new OptionError('temperature', `must be a positive number, got ${temperature}`);
    return tf.tidy(() =>
      tf.mul<tf.Tensor2D>(
        tf.randomNormal([n, this.config.latent], 0, 1, 'float32', resolveSeed(seed)),
        temperature,
      ),
    );
  }

  /** The latent code of each example `[m, D]`: E(x), or for ALI the mean mu(x) of q(z | x). */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.mean(x);
  }

  /** G(z), flattened examples `[n, D]`. */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    return this.generator.apply(z);
  }

  /** G(E(x)) (for ALI, G(mu(x))): how well G inverts E, which only the game teaches. */
  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.generate(this.encode(x)));
  }

  /**
   * D's logits of the real pairs of `x` (for ALI with codes drawn from `seed`) and of as many generated pairs, on
   * noise from `seed`. Call inside a `tf.tidy` or dispose the result.
   */
  pairLogits(x: tf.Tensor2D, seed: number): PairLogits {
    return tf.tidy(() => {
      const z = this.noise(x.shape[0], deriveSeed(seed, 'noise'));
      const real = this.discriminator.apply(x, this.encoder.code(x, deriveSeed(seed, 'encoder')));
      const generated = this.discriminator.apply(this.generator.apply(z), z);
      return { real, generated };
    });
  }

  /**
   * One update of D on the real pairs of `x` (`[m, D]`) against as many generated pairs; returns its loss L_D. E's
   * codes and G's examples are constants of this update.
   */
  discriminatorStep(x: tf.Tensor2D, seed: number): { d_loss: number } {
    const [codes, z, generated] = this.inTraining(() =>
      tf.tidy(() => {
        const z = this.noise(x.shape[0], deriveSeed(seed, 'noise'));
        return [this.encoder.code(x, deriveSeed(seed, 'encoder')), z, this.generator.apply(z)];
      }),
    );
    try {
      const { loss } = this.inTraining(() =>
        this.discriminatorOptimizer.minimize(this.discriminatorParameters(), () => ({
          loss: biganDiscriminatorLoss(
            this.discriminator.apply(x, codes, deriveSeed(seed, 'dropout', 'real')),
            this.discriminator.apply(generated, z, deriveSeed(seed, 'dropout', 'generated')),
          ),
        })),
      );
      return { d_loss: loss };
    } finally {
      tf.dispose([codes, z, generated]);
    }
  }

  /** One update of E and G together on the batch `x` and fresh noise; returns their loss L_EG. */
  encoderGeneratorStep(x: tf.Tensor2D, seed: number): { g_loss: number } {
    const z = this.noise(x.shape[0], deriveSeed(seed, 'noise'));
    try {
      const { loss } = this.inTraining(() =>
        this.generatorOptimizer.minimize(this.encoderGeneratorParameters(), () => {
          const codes = this.encoder.code(x, deriveSeed(seed, 'encoder'));
          const real = this.discriminator.apply(x, codes, deriveSeed(seed, 'dropout', 'real'));
          const generated = this.discriminator.apply(
            this.generator.apply(z),
            z,
            deriveSeed(seed, 'dropout', 'generated'),
          );
          return { loss: biganEncoderGeneratorLoss(real, generated) };
        }),
      );
      return { g_loss: loss };
    } finally {
      z.dispose();
    }
  }

  /**
   * Run `step` with every network in training mode (batch normalisation on the batch's statistics, its running
   * ones updated; dropout in D), then back in inference mode, where sampling, encoding and evaluation run.
   */
  private inTraining<T>(step: () => T): T {
    const networks = [this.encoder, this.generator, this.discriminator];
    for (const n of networks) n.train(true);
    try {
      return step();
    } finally {
      for (const n of networks) n.train(false);
    }
  }

  /** Free the networks' tensors and both optimizers'. */
  dispose(): void {
    this.encoder.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }
}
