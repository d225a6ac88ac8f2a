/**
 * The three networks of an ALI/BiGAN: the encoder E: x -> z (deterministic for BiGAN, a diagonal Gaussian
 * q(z | x) for ALI), the generator G: z -> x, and the discriminator D(x, z), which reads a pair and returns one logit.
 * All three are MLPs with leaky ReLUs; E and G may normalise their hidden layers by batch (BiGAN's MNIST networks
 * do); D never does (it may drop units out instead, as ALI's does).
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782; V. Dumoulin et al., "Adversarially Learned Inference", ICLR 2017,
 * https://arxiv.org/abs/1606.00704
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import type { Distribution } from '../../distributions/distribution.js';
import { BatchNorm } from '../../nn/batch-norm.js';
import { Dense } from '../../nn/dense.js';
import { Module } from '../../nn/module.js';
import { diagonalGaussian } from '../vae/networks.js';
import type { BiganConfig } from './config.js';

/** The number of values of one example. */
export const dimensionOf = (c: Pick<BiganConfig, 'inputShape'>) => c.inputShape.reduce((a, b) => a * b, 1);

/**
 * The slope of the leaky ReLUs below zero: 0.2, as in BiGAN's and ALI's networks (and DCGAN's), where the layers'
 * `leaky-relu` has PyTorch's 0.01; a steeper slope passes more of D's gradient back to E and G.
 */
export const BIGAN_LEAKY_SLOPE = 0.2;

/** Options of {@link BiganHiddenLayers}. */
export interface BiganHiddenLayersOptions {
  /** Batch normalisation after each Dense layer. */
  batchNorm: boolean;
  /** The rate of dropout after each activation in training mode (0: none). */
  dropout?: number;
  seed: number;
}

/**
 * Hidden layers h <- dropout(leaky-relu(norm(h W + b))), `norm` a batch normalisation or the identity, dropout only
 * in training mode: the body of E, G and D. (A normalised layer's bias is redundant with the normalisation's
 * offset; it is kept so that both variants have the same Dense layers.)
 *
 * @example
 * const body = new BiganHiddenLayers(784, [512, 512], { batchNorm: true, seed: 0 });
 * body.train(true).apply(x); // [m, 512], normalised by the batch
 */
export class BiganHiddenLayers extends Module {
  private readonly dense: Dense[] = [];
  private readonly norms: BatchNorm[] = [];
  private readonly dropout: number;
  readonly outFeatures: number;

  constructor(
    inFeatures: number,
    widths: readonly number[],
    { batchNorm, dropout = 0, seed }: BiganHiddenLayersOptions,
  ) {
    super();
    let width = inFeatures;
    widths.forEach((w, i) => {
      this.dense.push(
        this.addModule(`dense${i}`, new Dense(width, w, { seed: deriveSeed(seed, 'dense', i) })),
      );
      if (batchNorm) this.norms.push(this.addModule(`norm${i}`, new BatchNorm(w)));
      width = w;
    });
    this.dropout = dropout;
    this.outFeatures = width;
  }

  /** The features of `x`; in training mode with dropout, `seed` draws the dropout masks. */
  apply(x: tf.Tensor2D, seed?: number): tf.Tensor2D {
    const drop = this.training && this.dropout > 0;
    if (drop && seed === undefined)
      throw new Error('BiganHiddenLayers.apply: dropout in training mode needs a seed');
    return tf.tidy(() =>
      this.dense.reduce<tf.Tensor2D>((h, layer, i) => {
        const linear = layer.apply(h) as tf.Tensor2D;
        const out = tf.leakyRelu(
          this.norms.length > 0 ? this.norms[i].apply(linear) : linear,
          BIGAN_LEAKY_SLOPE,
        );
        if (!drop) return out;
        return tf.dropout(
          out,
          this.dropout,
          undefined,
          resolveSeed(deriveSeed(seed!, 'dropout', i)),
        ) as tf.Tensor2D;
      }, x),
    );
  }
}

/**
 * The encoder. BiGAN's is a function, z = E(x); ALI's is a diagonal Gaussian q(z | x) = N(mu(x), diag(sigma(x)^2)),
 * sigma(x) = exp(logvar(x) / 2), sampled by reparameterization, z = mu(x) + sigma(x) eps with eps ~ N(0, I), so that
 * the discriminator's gradient reaches mu and sigma through z.
 *
 * @example
 * const z = encoder.code(x, seed); // [n, latent]: E(x), or for ALI one draw of q(z | x)
 * const mean = encoder.mean(x); // E(x), or for ALI mu(x): the code `latentlab interpolate` uses
 */
export class BiganEncoder extends Module {
  private readonly body: BiganHiddenLayers;
  private readonly loc: Dense;
  private readonly logvar: Dense | null = null;

  constructor(c: BiganConfig, seed = deriveSeed(c.seed, 'encoder')) {
    super();
    this.body = this.addModule(
      'body',
      new BiganHiddenLayers(dimensionOf(c), c.encoderHidden, {
        batchNorm: c.batchNorm,
        seed: deriveSeed(seed, 'body'),
      }),
    );
    const width = this.body.outFeatures;
    this.loc = this.addModule('loc', new Dense(width, c.latent, { seed: deriveSeed(seed, 'loc') }));
    if (c.kind === 'ali')
      this.logvar = this.addModule(
        'logvar',
        new Dense(width, c.latent, { seed: deriveSeed(seed, 'logvar') }),
      );
  }

  /** Whether the encoder draws its codes (ALI) rather than computing them (BiGAN). */
  get stochastic(): boolean {
    return this.logvar !== null;
  }

  /** ALI's q(z | x) of a batch (batch shape [n], event shape [latent]); build it inside a `tf.tidy`. */
  posterior(x: tf.Tensor2D): Distribution {
    if (this.logvar === null) throw new Error('Encoder.posterior: a BiGAN encoder is deterministic');
    const h = this.body.apply(x);
    return diagonalGaussian(this.loc.apply(h), this.logvar.apply(h));
  }

  /** E(x), or for ALI the mean mu(x) of q(z | x): `[n, latent]`. */
  mean(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.loc.apply(this.body.apply(x)) as tf.Tensor2D);
  }

  /** The code the game pairs with x: E(x), or for ALI a reparameterized draw z ~ q(z | x) from `seed`. */
  code(x: tf.Tensor2D, seed: number): tf.Tensor2D {
    if (this.logvar === null) return this.mean(x);
    return tf.tidy(() => this.posterior(x).rsample([], seed) as tf.Tensor2D);
  }
}

/**
 * The generator G: z -> x, its outputs through a sigmoid on images (pixels are in [0, 1]), linear on vectors.
 *
 * @example
 * const g = new BiganGenerator(resolveBiganConfig({ inputShape: [28, 28, 1] }));
 * g.apply(tf.randomNormal([16, 50])); // [16, 784] in (0, 1)
 */
export class BiganGenerator extends Module {
  private readonly body: BiganHiddenLayers;
  private readonly out: Dense;
  private readonly image: boolean;

  constructor(c: BiganConfig, seed = deriveSeed(c.seed, 'generator')) {
    super();
    this.image = c.inputShape.length === 3;
    this.body = this.addModule(
      'body',
      new BiganHiddenLayers(c.latent, c.generatorHidden, {
        batchNorm: c.batchNorm,
        seed: deriveSeed(seed, 'body'),
      }),
    );
    this.out = this.addModule(
      'out',
      new Dense(this.body.outFeatures, dimensionOf(c), {
        activation: this.image ? 'sigmoid' : 'linear',
        seed: deriveSeed(seed, 'out'),
      }),
    );
  }

  /** G(z), flattened examples `[n, D]`. */
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.out.apply(this.body.apply(z)) as tf.Tensor2D);
  }
}

/**
 * The discriminator D(x, z): hidden layers on concat(x, z) (with dropout in training mode, as ALI's), then one logit
 * per pair; D = sigmoid(logit) is the probability that the pair is a real one (x, E(x)).
 *
 * @example
 * const d = new JointDiscriminator(resolveBiganConfig({ inputShape: [2], latent: 1 }));
 * d.apply(tf.tensor2d([[0.5, -1]]), tf.tensor2d([[0.3]])); // [1]: the logit of the pair ((0.5, -1), 0.3)
 */
export class JointDiscriminator extends Module {
  private readonly body: BiganHiddenLayers;
  private readonly out: Dense;

  constructor(c: BiganConfig, seed = deriveSeed(c.seed, 'discriminator')) {
    super();
    this.body = this.addModule(
      'body',
      new BiganHiddenLayers(dimensionOf(c) + c.latent, c.discriminatorHidden, {
        batchNorm: false,
        dropout: c.dropout,
        seed: deriveSeed(seed, 'body'),
      }),
    );
    this.out = this.addModule('out', new Dense(this.body.outFeatures, 1, { seed: deriveSeed(seed, 'out') }));
  }

  /** The logits of pairs (x `[n, D]`, z `[n, latent]`): `[n]`; `seed` draws the dropout masks in training mode. */
  apply(x: tf.Tensor2D, z: tf.Tensor2D, seed?: number): tf.Tensor1D {
    return tf.tidy(() =>
      tf.reshape<tf.Rank.R1>(this.out.apply(this.body.apply(tf.concat([x, z], 1), seed)), [x.shape[0]]),
    );
  }
}

/**
 * The number of parameters the networks of `c` have, without building them: each Dense layer's in x out + out, two
 * per unit of each batch normalisation, and ALI's second head (the log-variances).
 *
 * @example
 * estimateBiganParameters(resolveBiganConfig({ inputShape: [28, 28, 1] })); // 2,075,971
 */
export function estimateBiganParameters(c: BiganConfig): number {
  const mlp = (widths: number[]) => widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  const norms = (widths: number[]) => (c.batchNorm ? 2 * widths.reduce((a, b) => a + b, 0) : 0);
  const d = dimensionOf(c);
  const heads = c.kind === 'ali' ? 2 : 1;
  const encoder =
    mlp([d, ...c.encoderHidden]) + heads * mlp([c.encoderHidden.at(-1)!, c.latent]) + norms(c.encoderHidden);
  const generator = mlp([c.latent, ...c.generatorHidden, d]) + norms(c.generatorHidden);
  return encoder + generator + mlp([d + c.latent, ...c.discriminatorHidden, 1]);
}
