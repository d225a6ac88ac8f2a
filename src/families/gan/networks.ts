/**
 * The two players of a GAN. The generator maps noise z ~ N(0, I) to flattened examples: an MLP, a normalizing flow
 * (so that its density q(x) is exact and the optimal discriminator D* = p / (p + q) can be computed), or a DCGAN-style
 * stack of transposed convolutions. The discriminator maps flattened examples to one logit (a WGAN critic's value):
 * an MLP, or stride-2 convolutions with a linear head. InfoGAN's generator also reads the latent codes (its input is
 * concat(z, onehot(c), u)), and its discriminator carries a second head on the same body, Q, that reads the codes
 * back from an example: Q(c, u | x).
 *
 * References: A. Radford, L. Metz and S. Chintala, "Unsupervised Representation Learning with Deep Convolutional
 * Generative Adversarial Networks", ICLR 2016, https://arxiv.org/abs/1511.06434; X. Chen et al., "InfoGAN:
 * Interpretable Representation Learning by Information Maximizing Generative Adversarial Nets", NeurIPS 2016,
 * https://arxiv.org/abs/1606.03657
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { Categorical } from '../../distributions/categorical.js';
import { Independent } from '../../distributions/independent.js';
import { Normal } from '../../distributions/normal.js';
import { ConvDecoder, ConvEncoder } from '../../nn/conv-net.js';
import { Dense } from '../../nn/dense.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { resolveFlowConfig } from '../flow/config.js';
import { FlowModel } from '../flow/model.js';
import type { GanConfig } from './config.js';

/** A generator: its input `[n, latent + categories + continuousCodes]` to flattened examples `[n, D]`. */
export interface Generator extends Module {
  apply(z: tf.Tensor2D): tf.Tensor2D;
  /** log q(x) of flattened examples, where the generator's density is exact (a flow). */
  logProb?(x: tf.Tensor2D): tf.Tensor1D;
}

const dimensionOf = (c: GanConfig) => c.inputShape.reduce((a, b) => a * b, 1);
const isImage = (c: GanConfig) => c.inputShape.length === 3;

/**
 * The width of the generator's input: the noise z, then (InfoGAN) the one-hot categorical code and the continuous
 * codes.
 */
export function generatorInputSize(c: GanConfig): number {
  return c.latent + c.categories + c.continuousCodes;
}

/** An MLP generator; on images its outputs pass through a sigmoid, into [0, 1] like the pixels. */
class MlpGenerator extends Module implements Generator {
  private readonly net: MLP;
  constructor(c: GanConfig, seed: number) {
    super();
    this.net = this.addModule(
      'net',
      new MLP(generatorInputSize(c), c.generatorHidden, dimensionOf(c), {
        activation: c.activation,
        outputActivation: isImage(c) ? 'sigmoid' : 'linear',
        seed,
      }),
    );
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return this.net.apply(z) as tf.Tensor2D;
  }
}

/** DCGAN's generator: a projection to a small feature map, then stride-2 transposed convolutions, then a sigmoid. */
class ConvGenerator extends Module implements Generator {
  private readonly net: ConvDecoder;
  constructor(c: GanConfig, seed: number) {
    super();
    this.net = this.addModule(
      'net',
      new ConvDecoder(generatorInputSize(c), c.inputShape as [number, number, number], {
        channels: c.channels,
        hidden: c.convHidden,
        activation: c.activation === 'leaky-relu' ? 'relu' : c.activation,
        batchNorm: c.batchNorm,
        seed,
      }),
    );
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sigmoid(this.net.apply(z)));
  }
}

/** A normalizing flow as the generator: G(z) = f(z), with the exact density log q(x) of the flow family. */
class FlowGenerator extends Module implements Generator {
  readonly flow: FlowModel;
  constructor(c: GanConfig, seed: number) {
    super();
    this.flow = this.addModule(
      'flow',
      new FlowModel(
        resolveFlowConfig(c.flowArch, {
          inputShape: c.inputShape,
          layers: c.flowLayers,
          hidden: c.generatorHidden,
          activation: c.activation,
          learningRate: c.generatorLr,
          seed,
        }),
      ),
    );
    // ActNorm starts as the identity: a generator is not fitted to data, so there is no batch to initialise from.
    this.flow.markInitialized();
  }
  apply(z: tf.Tensor2D): tf.Tensor2D {
    return this.flow.forward(z);
  }
  logProb(x: tf.Tensor2D): tf.Tensor1D {
    return this.flow.logProb(x);
  }
}

/** The generator of a configuration, its weights seeded by `seed`. */
export function createGenerator(c: GanConfig, seed = deriveSeed(c.seed, 'generator')): Generator {
  switch (c.generator) {
    case 'mlp':
      return new MlpGenerator(c, seed);
    case 'conv':
      return new ConvGenerator(c, seed);
    case 'flow':
      return new FlowGenerator(c, seed);
  }
}

/** Distributions that ignore argument checks: their parameters come from the network. */
const TRUSTED = { validateArgs: false };

/** InfoGAN's Q(c, u | x) of a batch: a categorical over the K values of c, and (with continuous codes) one over u. */
export interface CodePosterior {
  /** Q(c | x), batch shape [n], over K categories. */
  categorical: Categorical;
  /** Q(u | x) = N(mu(x), I), batch shape [n] and event shape [continuousCodes]; null without continuous codes. */
  continuous: Independent | null;
}

/** The width of the Q head's hidden layer: InfoGAN's 128 (MNIST), or the body's width where that is narrower. */
export const Q_HIDDEN = 128;

/**
 * InfoGAN's Q head on the discriminator's features: a Dense layer `hidden` (the discriminator's activation), then
 * `logits`, the K logits of Q(c | x), and `means`, the means mu(x) of Q(u | x) = N(mu(x), I). The standard deviation
 * is fixed at 1, so log Q(u | x) = -1/2 ||u - mu(x)||^2 up to a constant (Chen et al. also found a fixed one
 * sufficient).
 */
export class QHead extends Module {
  private readonly hidden: Dense;
  private readonly logits: Dense;
  private readonly means: Dense | null = null;

  constructor(inFeatures: number, c: GanConfig, seed: number) {
    super();
    const width = Math.min(Q_HIDDEN, inFeatures);
    this.hidden = this.addModule(
      'hidden',
      new Dense(inFeatures, width, { activation: c.activation, seed: deriveSeed(seed, 'hidden') }),
    );
    this.logits = this.addModule(
      'logits',
      new Dense(width, c.categories, { seed: deriveSeed(seed, 'logits') }),
    );
    if (c.continuousCodes > 0)
      this.means = this.addModule(
        'means',
        new Dense(width, c.continuousCodes, { seed: deriveSeed(seed, 'means') }),
      );
  }

  /** Q(c, u | x) from the discriminator's features `[n, F]` of a batch. */
  apply(features: tf.Tensor2D): CodePosterior {
    const h = this.hidden.apply(features);
    const categorical = new Categorical({ logits: this.logits.apply(h) }, TRUSTED);
    if (this.means === null) return { categorical, continuous: null };
    const mu = this.means.apply(h);
    return { categorical, continuous: new Independent(new Normal(mu, tf.onesLike(mu), TRUSTED), 1) };
  }
}

/**
 * The discriminator (a WGAN critic): flattened examples `[n, D]` to one unbounded value each, `[n]`; D(x) is its
 * sigmoid for the losses that read it as a probability. It is a body (`features`: the MLP's hidden layers, or the
 * convolutions) and a linear head (`logit`); InfoGAN's Q head (`q`) reads the same features.
 */
export class Discriminator extends Module {
  private readonly mlp: MLP | null = null;
  private readonly body: ConvEncoder | null = null;
  private readonly head: Dense | null = null;
  /** InfoGAN's Q head, null for a plain GAN. */
  readonly q: QHead | null = null;
  /** The width F of the body's features. */
  readonly featureSize: number;

  constructor(c: GanConfig, seed = deriveSeed(c.seed, 'discriminator')) {
    super();
    if (c.generator === 'conv') {
      this.body = this.addModule(
        'body',
        new ConvEncoder(c.inputShape as [number, number, number], {
          channels: c.channels,
          hidden: c.convHidden,
          activation: c.activation,
          batchNorm: c.batchNorm && c.loss !== 'wgan-gp',
          seed: deriveSeed(seed, 'body'),
        }),
      );
      this.head = this.addModule(
        'head',
        new Dense(this.body.outFeatures, 1, { seed: deriveSeed(seed, 'head') }),
      );
      this.featureSize = this.body.outFeatures;
    } else {
      this.mlp = this.addModule(
        'net',
        new MLP(dimensionOf(c), c.discriminatorHidden, 1, { activation: c.activation, seed }),
      );
      this.featureSize = c.discriminatorHidden.at(-1)!;
    }
    if (c.categories > 0) this.q = this.addModule('q', new QHead(this.featureSize, c, deriveSeed(seed, 'q')));
  }

  /** The body's features of flattened examples, `[n, F]`: what the logit head and the Q head read. */
  features(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() =>
      this.mlp !== null
        ? (this.mlp.layers.slice(0, -1).reduce<tf.Tensor>((h, layer) => layer.apply(h), x) as tf.Tensor2D)
        : this.body!.apply(x),
    );
  }

  /** The logits (critic values) of features `[n, F]`, `[n]`. */
  logit(features: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const out = this.mlp !== null ? this.mlp.layers.at(-1)!.apply(features) : this.head!.apply(features);
      return tf.reshape<tf.Rank.R1>(out, [features.shape[0]]);
    });
  }

  /** The logits (critic values) of flattened examples, `[n]`. */
  apply(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.logit(this.features(x)));
  }
}

/** About how many parameters the two networks of `c` have, without building them. */
export function estimateGanParameters(c: GanConfig): number {
  const mlp = (widths: number[]) => widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  const d = dimensionOf(c);
  const input = generatorInputSize(c);
  const q = (features: number) => {
    if (c.categories === 0) return 0;
    const width = Math.min(Q_HIDDEN, features);
    return mlp([features, width]) + mlp([width, c.categories + c.continuousCodes]);
  };
  if (c.generator === 'conv') {
    const [h, w, ch] = c.inputShape;
    const factor = 2 ** c.channels.length;
    const small = (h / factor) * (w / factor) * c.channels.at(-1)!;
    const widths = [ch, ...c.channels];
    const convs = widths.slice(1).reduce((sum, out, i) => sum + 16 * widths[i] * out + out, 0);
    const hidden = c.convHidden;
    // Each batch normalisation has a scale and an offset per feature: DCGAN's placement (see ConvNetOptions).
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const generatorNorms = c.batchNorm ? 2 * (hidden + small + sum(c.channels.slice(0, -1))) : 0;
    const criticNorms = c.batchNorm && c.loss !== 'wgan-gp' ? 2 * (hidden + sum(c.channels.slice(1))) : 0;
    const norms = generatorNorms + criticNorms;
    if (hidden === 0) return 2 * convs + mlp([input, small]) + mlp([small, 1]) + q(small) + norms;
    return 2 * convs + mlp([input, hidden, small]) + mlp([small, hidden, 1]) + q(hidden) + norms;
  }
  const discriminator = mlp([d, ...c.discriminatorHidden, 1]) + q(c.discriminatorHidden.at(-1)!);
  if (c.generator === 'flow')
    return discriminator + c.flowLayers * (mlp([d, ...c.generatorHidden, 2 * d]) + d + d * d);
  return discriminator + mlp([input, ...c.generatorHidden, d]);
}
