/**
 * The two players of a GAN. The generator maps noise z ~ N(0, I) to flattened examples: an MLP, a normalizing flow
 * (so that its density q(x) is exact and the optimal discriminator D* = p / (p + q) can be computed), or a DCGAN-style
 * stack of transposed convolutions. The discriminator maps flattened examples to one logit (a WGAN critic's value):
 * an MLP, or stride-2 convolutions with a linear head.
 *
 * References: A. Radford, L. Metz and S. Chintala, "Unsupervised Representation Learning with Deep Convolutional
 * Generative Adversarial Networks", ICLR 2016, https://arxiv.org/abs/1511.06434
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { ConvDecoder, ConvEncoder } from '../../nn/conv-net.js';
import { Dense } from '../../nn/dense.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { resolveFlowConfig } from '../flow/config.js';
import { FlowModel } from '../flow/model.js';
import type { GanConfig } from './config.js';

/** A generator: noise `[n, latent]` to flattened examples `[n, D]`. */
export interface Generator extends Module {
  apply(z: tf.Tensor2D): tf.Tensor2D;
  /** log q(x) of flattened examples, where the generator's density is exact (a flow). */
  logProb?(x: tf.Tensor2D): tf.Tensor1D;
}

const dimensionOf = (c: GanConfig) => c.inputShape.reduce((a, b) => a * b, 1);
const isImage = (c: GanConfig) => c.inputShape.length === 3;

/** An MLP generator; on images its outputs pass through a sigmoid, into [0, 1] like the pixels. */
class MlpGenerator extends Module implements Generator {
  private readonly net: MLP;
  constructor(c: GanConfig, seed: number) {
    super();
    this.net = this.addModule(
      'net',
      new MLP(c.latent, c.generatorHidden, dimensionOf(c), {
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
      new ConvDecoder(c.latent, c.inputShape as [number, number, number], {
        channels: c.channels,
        activation: c.activation === 'leaky-relu' ? 'relu' : c.activation,
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

/**
 * The discriminator (a WGAN critic): flattened examples `[n, D]` to one unbounded value each, `[n]`; D(x) is its
 * sigmoid for the losses that read it as a probability.
 */
export class Discriminator extends Module {
  private readonly mlp: MLP | null = null;
  private readonly body: ConvEncoder | null = null;
  private readonly head: Dense | null = null;

  constructor(c: GanConfig, seed = deriveSeed(c.seed, 'discriminator')) {
    super();
    if (c.generator === 'conv') {
      this.body = this.addModule(
        'body',
        new ConvEncoder(c.inputShape as [number, number, number], {
          channels: c.channels,
          activation: c.activation,
          seed: deriveSeed(seed, 'body'),
        }),
      );
      this.head = this.addModule(
        'head',
        new Dense(this.body.outFeatures, 1, { seed: deriveSeed(seed, 'head') }),
      );
    } else
      this.mlp = this.addModule(
        'net',
        new MLP(dimensionOf(c), c.discriminatorHidden, 1, { activation: c.activation, seed }),
      );
  }

  /** The logits (critic values) of flattened examples, `[n]`. */
  apply(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const out = this.mlp !== null ? this.mlp.apply(x) : this.head!.apply(this.body!.apply(x));
      return tf.reshape<tf.Rank.R1>(out, [x.shape[0]]);
    });
  }
}

/** About how many parameters the two networks of `c` have, without building them. */
export function estimateGanParameters(c: GanConfig): number {
  const mlp = (widths: number[]) => widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  const d = dimensionOf(c);
  if (c.generator === 'conv') {
    const [h, w, ch] = c.inputShape;
    const factor = 2 ** c.channels.length;
    const small = (h / factor) * (w / factor) * c.channels.at(-1)!;
    const widths = [ch, ...c.channels];
    const convs = widths.slice(1).reduce((sum, out, i) => sum + 16 * widths[i] * out + out, 0);
    return 2 * convs + c.latent * small + small + small + 1;
  }
  const discriminator = mlp([d, ...c.discriminatorHidden, 1]);
  if (c.generator === 'flow')
    return discriminator + c.flowLayers * (mlp([d, ...c.generatorHidden, 2 * d]) + d + d * d);
  return discriminator + mlp([c.latent, ...c.generatorHidden, d]);
}
