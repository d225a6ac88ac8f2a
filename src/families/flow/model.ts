/**
 * Normalizing-flow models: NICE, RealNVP and Glow, for vectors (2-D densities) and images. A flow is a distribution,
 * a `TransformedDistribution` of a standard normal base through a bijector f from noise to data:
 *
 *   log p(x | c) = log N(f^-1(x; c); 0, I) + log |det J_{f^-1}(x; c)|,
 *
 * and sampling is x = f(z; c), z ~ N(0, T^2 I) at temperature T (Glow's reduced-temperature samples use T < 1).
 * Images are dequantized ((255 x + u) / 256, u ~ U(0, 1)) and pass through a logit first; bits per dimension are
 * reported for the discrete 8-bit data (see `bitsPerDim`).
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516; L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP",
 * 2017, https://arxiv.org/abs/1605.08803; D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1
 * Convolutions", 2018, https://arxiv.org/abs/1807.03039
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import { Independent } from '../../distributions/independent.js';
import { Normal } from '../../distributions/normal.js';
import { ActNorm } from '../../bijectors/actnorm.js';
import { AdditiveCoupling } from '../../bijectors/additive-coupling.js';
import { AffineCoupling } from '../../bijectors/affine-coupling.js';
import type { Bijector } from '../../bijectors/bijector.js';
import { Chain } from '../../bijectors/chain.js';
import { Invert } from '../../bijectors/invert.js';
import { Invertible1x1Conv } from '../../bijectors/invertible-1x1-conv.js';
import { Logit, dequantize } from '../../bijectors/logit.js';
import { alternatingMask, channelMask, checkerboardMask } from '../../bijectors/masks.js';
import { MultiScale } from '../../bijectors/multiscale.js';
import { Scale } from '../../bijectors/scale.js';
import { Squeeze } from '../../bijectors/squeeze.js';
import { TransformedDistribution } from '../../bijectors/transformed.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import { OptionError } from '../../train/options.js';
import { resolveFlowConfig, type FlowConfig } from './config.js';

/** The layers of a vector flow, in the data -> noise order. */
function vectorLayers(c: FlowConfig): Bijector[] {
  const d = c.inputShape[0];
  const common = { hidden: c.hidden, activation: c.activation, contextSize: c.numClasses };
  const layers: Bijector[] = [];
  for (let i = 0; i < c.layers; i++) {
    const mask = alternatingMask(d, (i % 2) as 0 | 1);
    const seed = deriveSeed(c.seed, 'layer', i);
    layers.push(
      c.arch === 'nice'
        ? new AdditiveCoupling(mask, { ...common, seed })
        : c.arch === 'realnvp'
          ? new AffineCoupling(mask, { ...common, seed, logScaleBound: c.logScaleBound })
          : // A Glow step; in the data -> noise direction ActNorm, the 1x1 convolution (a learned d x d rotation
            // here), then the coupling, so the chain lists them the other way round.
            new Chain([
              new AffineCoupling(mask, { ...common, seed }),
              new Invertible1x1Conv(d, { seed: deriveSeed(seed, 'rotation'), eventNdims: 1 }),
              new ActNorm(d, { eventNdims: 1 }),
            ]),
    );
  }
  // NICE ends with its diagonal scaling layer, which gives the dimensions different scales.
  if (c.arch === 'nice') layers.push(new Scale(d));
  return layers;
}

/** One scale of an image flow on `[h, w, c]`, in the data -> noise order; `levels` counts this one. */
function imageLevel(
  c: FlowConfig,
  shape: [number, number, number],
  levels: number,
  seed: number,
): Bijector[] {
  const [h, w, ch] = shape;
  const common = { hidden: c.hidden, activation: c.activation, contextSize: c.numClasses };
  const out: Bijector[] = [];
  const coupling = (mask: number[][][], i: number, where: string) =>
    new AffineCoupling(mask, { ...common, seed: deriveSeed(seed, where, i) });
  if (c.arch === 'realnvp')
    for (let i = 0; i < c.layers; i++)
      out.push(coupling(checkerboardMask(h, w, ch, (i % 2) as 0 | 1), i, 'checkerboard'));
  out.push(new Squeeze());
  const [h2, w2, c2] = [h / 2, w / 2, ch * 4];
  for (let i = 0; i < c.layers; i++) {
    if (c.arch === 'glow') {
      out.push(new ActNorm(c2, { eventNdims: 3 }));
      out.push(new Invertible1x1Conv(c2, { seed: deriveSeed(seed, 'rotation', i) }));
    }
    out.push(coupling(channelMask(h2, w2, c2, (i % 2) as 0 | 1), i, 'channel'));
  }
  if (levels > 1)
    out.push(
      new MultiScale(
        new Chain(imageLevel(c, [h2, w2, c2 / 2], levels - 1, deriveSeed(seed, 'level')).reverse()),
      ),
    );
  // Undo the squeeze, so that every level keeps its input's shape: MultiScale concatenates an inner level's output
  // with the factored-out channels, and the base is N(0, I) on the image's own shape.
  out.push(new Invert(new Squeeze()));
  return out;
}

/** The flow's bijector (noise -> data) for a configuration. */
export function buildFlowBijector(c: FlowConfig): Chain {
  const dataToNoise =
    c.inputShape.length === 1
      ? vectorLayers(c)
      : [new Logit(), ...imageLevel(c, c.inputShape as [number, number, number], c.levels, c.seed)];
  return new Chain(dataToNoise.reverse());
}

/** About how many parameters a flow of this configuration has, without building it. */
export function estimateFlowParameters(c: FlowConfig): number {
  const mlp = (widths: number[]) => widths.slice(1).reduce((sum, out, i) => sum + widths[i] * out + out, 0);
  const conv = (widths: number[]) =>
    widths.slice(1).reduce((sum, out, i) => sum + 9 * widths[i] * out + out, 0);
  if (c.inputShape.length === 1) {
    const d = c.inputShape[0];
    const coupling = mlp([d + c.numClasses, ...c.hidden, 2 * d]) + d;
    return c.layers * (coupling + (c.arch === 'glow' ? d * d + 2 * d : 0)) + (c.arch === 'nice' ? d : 0);
  }
  let channels = c.inputShape[2];
  let total = 0;
  for (let level = 0; level < c.levels; level++) {
    const squeezed = 4 * channels;
    const coupling = (ch: number) => conv([ch + c.numClasses, ...c.hidden, 2 * ch]) + ch;
    if (c.arch === 'realnvp') total += c.layers * coupling(channels);
    total += c.layers * (coupling(squeezed) + (c.arch === 'glow' ? squeezed * squeezed + 2 * squeezed : 0));
    channels = squeezed / 2;
  }
  return total;
}

/** Options of {@link FlowModel.sample}: the sampling signature of every latentlab model. */
export interface FlowSampleOptions {
  seed?: number;
  /** Sample z ~ N(0, T^2 I); T < 1 gives the cleaner samples of Glow's figures. Default 1. */
  temperature?: number;
  /** One class label per sample, for a conditional flow. */
  labels?: tf.Tensor | readonly number[];
}

/**
 * A flow model: the bijector (its parameters), the distribution it defines over examples, and its Adam optimizer.
 * Examples go in and out flattened (`[n, D]`); the flow itself acts on the example shape.
 *
 * @example
 * const flow = realNVP({ inputShape: [2] });
 * flow.distribution().logProb(tf.zeros([1, 2])); // log p(0)
 * flow.sample(1000, { temperature: 0.8, seed: 0 }); // [1000, 2]
 */
export class FlowModel extends Module {
  readonly config: FlowConfig;
  /** f, noise -> data. */
  readonly flow: Chain;
  readonly optimizer: Adam;
  private initialized = false;

  constructor(config: FlowConfig) {
    super();
    this.config = resolveFlowConfig(config.arch, config);
    this.flow = this.addModule('flow', buildFlowBijector(this.config));
    this.optimizer = new Adam(this.config.learningRate);
  }

  get isImage(): boolean {
    return this.config.inputShape.length === 3;
  }

  /** D, the number of values of one example. */
  get dimension(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  /** The one-hot context of a conditional flow, `[n, C]` (undefined for an unconditional one). */
  context(labels: tf.Tensor | readonly number[] | null | undefined, n: number): tf.Tensor | undefined {
    if (this.config.numClasses === 0) return undefined;
    if (labels === null || labels === undefined)
      throw new OptionError('labels', 'are needed: a conditional flow needs labels, and none were given');
    return tf.tidy(() => {
      const t =
        labels instanceof tf.Tensor ? tf.cast(labels, 'int32') : tf.tensor1d(Array.from(labels), 'int32');
      if (t.shape[0] !== n) throw new OptionError('labels', `must have ${n} entries, got ${t.shape[0]}`);
      return tf.cast(tf.oneHot(t as tf.Tensor1D, this.config.numClasses), 'float32');
    });
  }

  /**
   * p(x | c) over examples of the flow's shape, `[h, w, c]` or `[d]`: the base N(0, T^2 I) pushed through the flow,
   * with the context bound. Build it inside a `tf.tidy` (or dispose it and the context): the distribution owns its
   * base, the caller the context.
   */
  distribution(
    context?: tf.Tensor,
    { temperature = 1 }: { temperature?: number } = {},
  ): TransformedDistribution {
    const shape = this.config.inputShape;
    const base = new Independent(
      new Normal(tf.zeros(shape), tf.fill(shape, temperature), { validateArgs: false }),
      shape.length,
    );
    return new TransformedDistribution(base, this.flow, { context });
  }

  /** log p(x) for flattened examples `[n, D]` (images in (0, 1), already dequantized), in nats: `[n]`. */
  logProb(x: tf.Tensor, labels?: tf.Tensor | readonly number[] | null): tf.Tensor1D {
    return tf.tidy(() => {
      const n = x.shape[0];
      return this.distribution(this.context(labels, n)).logProb(this.toEvents(x)) as tf.Tensor1D;
    });
  }

  /** `n` samples x = f(z), z ~ N(0, T^2 I), flattened `[n, D]`. */
  sample(n: number, { temperature = 1, seed, labels }: FlowSampleOptions = {}): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
    if (!(temperature > 0 && Number.isFinite(temperature)))
      throw new OptionError('temperature', `must be a positive number, got ${temperature}`);
    return tf.tidy(() => {
      const x = this.distribution(this.context(labels, n), { temperature }).sample([n], resolveSeed(seed));
      return tf.reshape<tf.Rank.R2>(x, [n, this.dimension]);
    });
  }

  /** z = f^-1(x) for flattened examples, flattened. */
  inverse(x: tf.Tensor, labels?: tf.Tensor | readonly number[] | null): tf.Tensor2D {
    return tf.tidy(() => {
      const n = x.shape[0];
      return tf.reshape(this.flow.inverse(this.toEvents(x), this.context(labels, n)), [n, this.dimension]);
    });
  }

  /** x = f(z) for flattened noise, flattened. */
  forward(z: tf.Tensor, labels?: tf.Tensor | readonly number[] | null): tf.Tensor2D {
    return tf.tidy(() => {
      const n = z.shape[0];
      return tf.reshape(this.flow.forward(this.toEvents(z), this.context(labels, n)), [n, this.dimension]);
    });
  }

  /** The batch as the flow sees it: images dequantized with a fresh seeded draw; vectors as they are. */
  prepare(x: tf.Tensor, seed: number): tf.Tensor {
    return this.isImage ? dequantize(x, seed) : tf.clone(x);
  }

  /** Data-dependent initialisation (ActNorm) on the first batch; a no-op afterwards. */
  initialize(x: tf.Tensor, labels?: tf.Tensor | readonly number[] | null): void {
    if (this.initialized) return;
    tf.tidy(() => this.flow.initialize(this.toEvents(x), this.context(labels, x.shape[0])));
    this.initialized = true;
  }

  /** Mark the flow initialised (its parameters were loaded from a checkpoint). */
  markInitialized(): void {
    this.initialized = true;
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
  }

  /** Flattened examples `[n, D]` in the flow's event shape. */
  private toEvents(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [x.shape[0], ...this.config.inputShape]);
  }
}

/** What the builders take: the example shape, and any other configuration field. */
export type FlowOptions = Partial<Omit<FlowConfig, 'kind' | 'arch'>> & { inputShape: number[] };

/**
 * NICE: additive couplings with alternating masks and a final diagonal scaling layer (vectors).
 *
 * @example
 * const flow = nice({ inputShape: [2], layers: 4 });
 * flow.logProb(x); // [n]
 */
export function nice(options: FlowOptions): FlowModel {
  return new FlowModel(resolveFlowConfig('nice', options));
}

/**
 * RealNVP: affine couplings with bounded log-scales; alternating masks for vectors, checkerboard and channel masks
 * with squeezes and the multi-scale split for images (after a logit).
 *
 * @example
 * const flow = realNVP({ inputShape: [2], layers: 8, hidden: [64, 64], logScaleBound: 1 }); // the PyTorch peer's flow
 * const x = flow.sample(1000, { temperature: 0.8 });
 */
export function realNVP(options: FlowOptions): FlowModel {
  return new FlowModel(resolveFlowConfig('realnvp', options));
}

/**
 * Glow: steps of ActNorm, an invertible 1x1 convolution (LU-parametrised) and an affine coupling; for images with
 * squeezes and the multi-scale split, for vectors with the 1x1 convolution as a learned rotation.
 *
 * @example
 * const flow = glow({ inputShape: [28, 28, 1], levels: 2, layers: 4, hidden: [32] });
 */
export function glow(options: FlowOptions): FlowModel {
  return new FlowModel(resolveFlowConfig('glow', options));
}

/**
 * Bits per dimension of 8-bit data from the negative log-likelihood (nats per example) of its dequantized version
 * on [0, 1]^D: the density of (255 x + u) / 256 on [0, 1]^D is 256^D times that of 255 x + u on [0, 256)^D, whose
 * integral over each unit cube lower-bounds the discrete probability (Theis et al., 2016), so
 *
 *   bits/dim = (nll + D log 256) / (D log 2).
 *
 * References: L. Theis, A. van den Oord and M. Bethge, "A note on the evaluation of generative models", 2016,
 * https://arxiv.org/abs/1511.01844
 */
export function bitsPerDim(nll: number, dimension: number): number {
  return (nll + dimension * Math.log(256)) / (dimension * Math.LN2);
}

/** {@link bitsPerDim} of a scalar tensor, for a training step's report. */
export function bitsPerDimTensor(nll: tf.Scalar, dimension: number): tf.Scalar {
  return tf.div<tf.Scalar>(tf.add(nll, dimension * Math.log(256)), dimension * Math.LN2);
}
