/**
 * The adversarial autoencoder (Makhzani et al. 2015), its deterministic variant: an encoder E that maps an image to
 * its code, q(z | x) = delta(z - E(x)); a decoder to Bernoulli logits, p(x | z) = prod Bernoulli(sigmoid(f(z))); and
 * a discriminator D on codes that tells draws z ~ p(z) from codes E(x). Where a VAE pulls each q(z | x) towards the
 * prior by a KL penalty, the AAE matches the aggregate posterior
 *
 *   q(z) = int q(z | x) p_data(x) dx   (here the distribution of the codes E(x) of the data)
 *
 * to p(z) by a GAN in which the encoder is the generator: for D at its best, the encoder's adversarial loss is a
 * Jensen-Shannon divergence between q(z) and p(z) (see `gan/losses.ts`). So the prior may be anything one can draw
 * from (a swiss roll has no density a KL could use).
 *
 * One training step (`trainStep`) is the paper's two phases on one mini-batch, by three Adam optimizers:
 * 1. reconstruction: the encoder and decoder minimise -log p(x | E(x)), the binary cross-entropy summed over pixels;
 * 2. regularization: the discriminator takes a step on the GAN loss, draws z ~ p(z) against the codes E(x); then
 *    the encoder alone takes a step on the non-saturating generator loss -log D(E(x)).
 *
 * The label-guided model (the paper's Figure 6) gives D the one-hot label y beside the code, and draws the prior
 * point of an example of label y from component y: D then matches q(z | y) to p(z | y) = component y, which forces
 * each class into its own component.
 *
 * Images are binarized afresh on every step, as the VAE family does, so the reconstruction loss is the Bernoulli
 * log-likelihood of binary images, in nats per image, comparable with a VAE's -E_q[log p(x | z)].
 *
 * References: A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow and B. Frey, "Adversarial Autoencoders", 2015,
 * https://arxiv.org/abs/1511.05644; I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
 * https://arxiv.org/abs/1406.2661
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, nextSeed } from '../../engine/random.js';
import { binarize } from '../../data/batches.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import { OptionError } from '../../train/options.js';
import type { SampleOptions } from '../family.js';
import { discriminatorLoss, generatorLoss } from '../gan/losses.js';
import { Decoder } from '../vae/networks.js';
import { resolveAaeConfig, type AaeConfig } from './config.js';
import { createAaePrior, PRIOR_COMPONENTS, type AaePrior } from './priors.js';

/** The adversarial players' Adam: beta1 = 0.5, as GANs train (the default 0.9 lets D and E oscillate). */
const ADVERSARIAL_BETA1 = 0.5;

/**
 * One training step's losses, batch means, each measured before its own update. (A type alias, so that it is a
 * step result, a record of numbers.)
 */
export type AaeStep = {
  /** The reconstruction loss -log p(x | E(x)), nats per image. */
  loss: number;
  /** The discriminator's loss, prior draws against codes: -log D(z) - log(1 - D(E(x))). */
  d_loss: number;
  /** The encoder's non-saturating adversarial loss -log D(E(x)). */
  g_loss: number;
};

/** The parameters of `module` whose dotted names start with `prefix.`. */
function under(module: Module, prefix: string): Map<string, tf.Variable> {
  return new Map([...module.parameters()].filter(([name]) => name.startsWith(`${prefix}.`)));
}

/**
 * An adversarial autoencoder of a configuration (see `config.ts`).
 *
 * @example
 * const aae = new AdversarialAutoencoder(resolveAaeConfig({ inputShape: [28, 28, 1], prior: 'mixture' }));
 * const { loss, d_loss, g_loss } = aae.trainStep(batch.x, batch.labels, seed); // both phases, one batch
 * const z = aae.encode(x); // [m, 2] codes
 * const images = aae.sample(16, { seed: 0, labels: new Array(16).fill(3) }); // decoded draws of petal 3
 */
export class AdversarialAutoencoder extends Module {
  readonly config: AaeConfig;
  /** E: flattened images to codes, a linear output layer. */
  readonly encoder: MLP;
  /** p(x | z): codes to Bernoulli logits, the VAE family's decoder. */
  readonly decoder: Decoder;
  /** D: a code (and, label-guided, the one-hot label) to one logit. */
  readonly discriminator: MLP;
  readonly prior: AaePrior;
  readonly autoencoderOptimizer: Adam;
  readonly discriminatorOptimizer: Adam;
  readonly generatorOptimizer: Adam;

  constructor(config: AaeConfig) {
    super();
    this.config = resolveAaeConfig(config);
    const c = this.config;
    this.prior = createAaePrior(c.prior, c.latent);
    this.encoder = this.addModule(
      'encoder',
      new MLP(this.inputSize, c.hidden, c.latent, { seed: deriveSeed(c.seed, 'encoder') }),
    );
    this.decoder = this.addModule(
      'decoder',
      // Its two scales are the Gaussian decoders' (fixed and least standard deviation): unused by Bernoulli logits.
      new Decoder(c.inputShape, c.latent, 'bernoulli', 1, 1, {
        architecture: 'mlp',
        hidden: c.hidden,
        activation: 'relu',
        seed: deriveSeed(c.seed, 'decoder'),
      }),
    );
    this.discriminator = this.addModule(
      'discriminator',
      new MLP(c.latent + (c.labelGuided ? PRIOR_COMPONENTS : 0), c.discriminatorHidden, 1, {
        seed: deriveSeed(c.seed, 'discriminator'),
      }),
    );
    this.autoencoderOptimizer = new Adam(c.learningRate);
    this.discriminatorOptimizer = new Adam(c.discriminatorLr, { beta1: ADVERSARIAL_BETA1 });
    this.generatorOptimizer = new Adam(c.generatorLr, { beta1: ADVERSARIAL_BETA1 });
  }

  /** D, the number of pixels of one image. */
  get inputSize(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  /** The codes z = E(x) of flattened images `[m, D]`, `[m, latent]`. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.apply(x) as tf.Tensor2D;
  }

  /** The decoder's means sigmoid(f(z)), pixel probabilities `[n, D]`. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.mean(z);
  }

  /** -log p(x | z) per example, `[m]`: the binary cross-entropy of the decoder's logits, summed over pixels. */
  reconstructionLoss(x: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.neg(this.decoder.apply(z).logProb(x)) as tf.Tensor1D);
  }

  /**
   * D's logits of codes `z` `[m, latent]`, `[m]`; the label-guided model reads the one-hot labels `[m, 10]` beside
   * them.
   */
  discriminate(z: tf.Tensor2D, onehot: tf.Tensor2D | null): tf.Tensor1D {
    return tf.tidy(() => {
      const input = onehot === null ? z : tf.concat([z, onehot], 1);
      return tf.reshape<tf.Rank.R1>(this.discriminator.apply(input), [z.shape[0]]);
    });
  }

  /**
   * The labels of a batch as the prior's components, and their one-hot codes for D, when the model is label-guided;
   * nulls otherwise. Throws where a label-guided model is given no labels.
   */
  guidance(labels: tf.Tensor1D | null, m: number): { components: number[]; onehot: tf.Tensor2D } | null {
    if (!this.config.labelGuided) return null;
    if (labels === null)
      throw new OptionError('data', 'has no labels, and the label-guided adversarial autoencoder reads them');
    const components = Array.from(labels.dataSync());
    if (components.length !== m)
      throw new OptionError('labels', `must hold one label per example (${m}), got ${components.length}`);
    const bad = components.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= PRIOR_COMPONENTS);
    if (bad >= 0)
      throw new OptionError(
        'labels',
        `must be integers in [0, ${PRIOR_COMPONENTS}), got ${components[bad]} at index ${bad}`,
      );
    const onehot = tf.tidy(
      () => tf.cast(tf.oneHot(tf.tensor1d(components, 'int32'), PRIOR_COMPONENTS), 'float32') as tf.Tensor2D,
    );
    return { components, onehot };
  }

  /**
   * Both phases of one step on a batch of images `[m, D]` in [0, 1] (binarized afresh from `seed`) and, for the
   * label-guided model, their labels. Returns the losses, each measured before its own update.
   */
  trainStep(batch: tf.Tensor2D, labels: tf.Tensor1D | null, seed: number): AaeStep {
    const m = batch.shape[0];
    const guide = this.guidance(labels, m);
    const onehot = guide?.onehot ?? null;
    const x = binarize(batch, deriveSeed(seed, 'binarize')) as tf.Tensor2D;
    let codes: tf.Tensor2D | null = null;
    let draws: tf.Tensor2D | null = null;
    try {
      const reconstruction = this.autoencoderOptimizer.minimize(
        new Map([...under(this, 'encoder'), ...under(this, 'decoder')]),
        () => ({ loss: tf.mean<tf.Scalar>(this.reconstructionLoss(x, this.encode(x))) }),
      );
      // The codes after the reconstruction update are constants of D's update: its gradient stops at them.
      codes = tf.tidy(() => this.encode(x));
      draws = this.prior.sample(m, deriveSeed(seed, 'prior'), { components: guide?.components });
      const d = this.discriminatorOptimizer.minimize(under(this, 'discriminator'), () => ({
        loss: discriminatorLoss('ns', this.discriminate(draws!, onehot), this.discriminate(codes!, onehot)),
      }));
      const g = this.generatorOptimizer.minimize(under(this, 'encoder'), () => ({
        loss: generatorLoss('ns', this.discriminate(this.encode(x), onehot)),
      }));
      return { loss: reconstruction.loss, d_loss: d.loss, g_loss: g.loss };
    } finally {
      tf.dispose([x, codes ?? [], draws ?? [], onehot ?? []]);
    }
  }

  /**
   * `n` decoder means at prior draws z ~ p(z), `[n, D]` (pixel probabilities): the images of the model's samples.
   * `labels` choose each draw's component of a mixture or swiss-roll prior (an `OptionError` for a normal prior).
   */
  sample(n: number, { seed, temperature = 1, labels }: SampleOptions = {}): tf.Tensor2D {
    const z = this.prior.sample(n, seed ?? nextSeed(), { components: labels, temperature });
    try {
      return this.decode(z);
    } finally {
      z.dispose();
    }
  }

  override dispose(): void {
    super.dispose();
    this.autoencoderOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
    this.generatorOptimizer.dispose();
  }
}

/** The parameters a configuration makes, without making them. */
export function estimateAaeParameters(c: AaeConfig): number {
  const mlp = (widths: number[]) => widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  const d = c.inputShape.reduce((a, b) => a * b, 1);
  const guided = c.labelGuided ? PRIOR_COMPONENTS : 0;
  return (
    mlp([d, ...c.hidden, c.latent]) +
    mlp([c.latent, ...[...c.hidden].reverse(), d]) +
    mlp([c.latent + guided, ...c.discriminatorHidden, 1])
  );
}
