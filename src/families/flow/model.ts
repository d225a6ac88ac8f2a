/**
 * Normalizing-flow models: NICE, RealNVP and Glow, for vectors (2-D densities) and images, trained by maximum
 * likelihood. A flow is a bijector f from noise to data over a standard normal base, so by the change of variables
 *
 *   log p(x) = log N(f^-1(x); 0, I) + log |det J_{f^-1}(x)|,
 *
 * and sampling is x = f(z), z ~ N(0, T^2 I) at temperature T (Glow's reduced-temperature samples use T < 1).
 * Images are dequantized ((255 x + u) / 256, u ~ U(0, 1)) and pass through a logit first; bits per dimension are
 * reported for the discrete 8-bit data (see `bitsPerDim`).
 *
 * References: L. Dinh, D. Krueger and Y. Bengio, "NICE: Non-linear Independent Components Estimation", 2015,
 * https://arxiv.org/abs/1410.8516; L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP",
 * 2017, https://arxiv.org/abs/1605.08803; D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1
 * Convolutions", 2018, https://arxiv.org/abs/1807.03039
 */
import * as tf from '../engine/tf.js';
import { resolveSeed } from '../engine/random.js';
import { ActNorm } from '../bijectors/actnorm.js';
import { AdditiveCoupling } from '../bijectors/additive-coupling.js';
import { AffineCoupling } from '../bijectors/affine-coupling.js';
import type { Bijector } from '../bijectors/bijector.js';
import { Chain } from '../bijectors/chain.js';
import { Invert } from '../bijectors/invert.js';
import { Invertible1x1Conv } from '../bijectors/invertible-1x1-conv.js';
import { Logit, dequantize } from '../bijectors/logit.js';
import { alternatingMask, channelMask, checkerboardMask } from '../bijectors/masks.js';
import { MultiScale } from '../bijectors/multiscale.js';
import { Scale } from '../bijectors/scale.js';
import { Squeeze } from '../bijectors/squeeze.js';
import type { Activation } from '../nn/activations.js';
import { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';

export type FlowArch = 'nice' | 'realnvp' | 'glow';
export const FLOW_ARCHS: readonly FlowArch[] = ['nice', 'realnvp', 'glow'];

export interface FlowConfig {
  kind: 'flow';
  arch: FlowArch;
  /** The shape of one example: `[d]` for vectors, `[h, w, c]` for images. */
  inputShape: number[];
  /** Vectors: coupling layers. Images: coupling layers (RealNVP) or flow steps (Glow) per scale. */
  layers: number;
  /** Images: the number of scales (each squeezes, and all but the last factor out half the channels). */
  levels: number;
  /** Hidden widths of the coupling networks (vectors: MLP widths; images: conv channels, first entry). */
  hidden: number[];
  activation: Activation;
  /** Vectors: the bound of RealNVP's log-scale, s = bound * tanh(raw) (the PyTorch peer uses 1). */
  logScaleBound: number;
  /** Classes of the label a conditional flow reads (0: unconditional). */
  numClasses: number;
  learningRate: number;
  seed: number;
}

const DEFAULTS: Omit<FlowConfig, 'kind' | 'arch' | 'inputShape'> = {
  layers: 8,
  levels: 2,
  hidden: [64, 64],
  activation: 'relu',
  logScaleBound: 1,
  numClasses: 0,
  learningRate: 1e-3,
  seed: 0,
};

export class FlowConfigError extends Error {
  override name = 'FlowConfigError';
}

/** The full configuration: defaults, then `options`, validated. */
export function resolveFlowConfig(
  arch: FlowArch,
  options: Partial<FlowConfig> & { inputShape: number[] },
): FlowConfig {
  if (!FLOW_ARCHS.includes(arch))
    throw new FlowConfigError(`'arch' must be one of ${FLOW_ARCHS.join(', ')}, got '${String(arch)}'`);
  const c: FlowConfig = { ...DEFAULTS, ...options, kind: 'flow', arch };
  const positive = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1)
      throw new FlowConfigError(`'${name}' must be a positive integer, got ${v}`);
  };
  if (c.inputShape.length !== 1 && c.inputShape.length !== 3)
    throw new FlowConfigError(
      `'inputShape' must be [d] or [height, width, channels], got [${c.inputShape.join(', ')}]`,
    );
  c.inputShape.forEach((v, i) => positive(v, `inputShape[${i}]`));
  positive(c.layers, 'layers');
  positive(c.levels, 'levels');
  c.hidden.forEach((v, i) => positive(v, `hidden[${i}]`));
  if (c.inputShape.length === 1 && c.inputShape[0] < 2)
    throw new FlowConfigError(
      `a coupling flow needs at least 2 dimensions, got inputShape [${c.inputShape[0]}]`,
    );
  if (c.inputShape.length === 3) {
    const [h, w] = c.inputShape;
    const f = 2 ** c.levels;
    if (h % f !== 0 || w % f !== 0)
      throw new FlowConfigError(
        `${c.levels} levels squeeze the image ${c.levels} times, so its height and width must be multiples of ${f}; got ${h}x${w}`,
      );
    if (c.arch === 'nice')
      throw new FlowConfigError(`the 'nice' architecture is for vectors; use realnvp or glow for images`);
  }
  if (!(c.logScaleBound > 0))
    throw new FlowConfigError(`'logScaleBound' must be positive, got ${c.logScaleBound}`);
  if (!(c.learningRate > 0))
    throw new FlowConfigError(`'learningRate' must be positive, got ${c.learningRate}`);
  return c;
}

/** The layers of a vector flow, in the data -> noise order. */
function vectorLayers(c: FlowConfig): Bijector[] {
  const d = c.inputShape[0];
  const common = { hidden: c.hidden, activation: c.activation, contextSize: c.numClasses };
  const layers: Bijector[] = [];
  for (let i = 0; i < c.layers; i++) {
    const mask = alternatingMask(d, (i % 2) as 0 | 1);
    const seed = c.seed + 17 * (i + 1);
    layers.push(
      c.arch === 'nice'
        ? new AdditiveCoupling(mask, { ...common, seed })
        : c.arch === 'realnvp'
          ? new AffineCoupling(mask, { ...common, seed, logScaleBound: c.logScaleBound })
          : // A Glow step; in the data -> noise direction ActNorm, the 1x1 convolution (a learned d x d rotation
            // here), then the coupling, so the chain lists them the other way round.
            new Chain([
              new AffineCoupling(mask, { ...common, seed }),
              new Invertible1x1Conv(d, { seed: seed + 1, eventNdims: 1 }),
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
  const common = { hidden: [c.hidden[0]], activation: c.activation, contextSize: c.numClasses };
  const out: Bijector[] = [];
  let s = seed;
  const coupling = (mask: tf.Tensor | number[] | number[][][]) =>
    new AffineCoupling(mask, { ...common, seed: (s += 31) });
  if (c.arch === 'realnvp')
    for (let i = 0; i < c.layers; i++) out.push(coupling(checkerboardMask(h, w, ch, (i % 2) as 0 | 1)));
  out.push(new Squeeze());
  const [h2, w2, c2] = [h / 2, w / 2, ch * 4];
  for (let i = 0; i < c.layers; i++) {
    if (c.arch === 'glow') {
      out.push(new ActNorm(c2, { eventNdims: 3 }));
      out.push(new Invertible1x1Conv(c2, { seed: (s += 31) }));
    }
    out.push(coupling(channelMask(h2, w2, c2, (i % 2) as 0 | 1)));
  }
  if (levels > 1)
    out.push(new MultiScale(new Chain(imageLevel(c, [h2, w2, c2 / 2], levels - 1, s + 1000).reverse())));
  // Undo the squeeze, so that every level keeps its input's shape: MultiScale concatenates an inner level's output
  // with the factored-out channels, and the base is N(0, I) on the image's own shape.
  out.push(new Invert(new Squeeze()));
  return out;
}

/** Build the flow's bijector (noise -> data) for a configuration. */
export function buildFlowBijector(c: FlowConfig): Chain {
  const dataToNoise =
    c.inputShape.length === 1
      ? vectorLayers(c)
      : [new Logit(), ...imageLevel(c, c.inputShape as [number, number, number], c.levels, c.seed)];
  return new Chain(dataToNoise.reverse());
}

/** A flow with its base distribution and optimizer: what `latentlab train flow` trains. */
export class FlowModel extends Module {
  readonly config: FlowConfig;
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

  /** D, the number of dimensions of one example. */
  get dimension(): number {
    return this.config.inputShape.reduce((a, b) => a * b, 1);
  }

  /** Reshape flattened examples `[n, D]` to the flow's event shape. */
  private toEvents(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [x.shape[0], ...this.config.inputShape]);
  }

  private baseLogProb(z: tf.Tensor): tf.Tensor {
    const n = z.shape[0];
    const flat = tf.reshape(z, [n, this.dimension]);
    return tf.sub(tf.mul(tf.sum(tf.square(flat), 1), -0.5), 0.5 * this.dimension * Math.log(2 * Math.PI));
  }

  private contextOf(labels: tf.Tensor | null | undefined, n: number): tf.Tensor | undefined {
    if (this.config.numClasses === 0) return undefined;
    if (!labels) throw new FlowConfigError('a conditional flow needs labels; the data set has none');
    if (labels.shape[0] !== n)
      throw new FlowConfigError(`labels must have ${n} entries, got ${labels.shape[0]}`);
    return tf.cast(tf.oneHot(tf.cast(labels, 'int32'), this.config.numClasses), 'float32');
  }

  /** log p(x) for flattened examples `[n, D]` (images in (0, 1), already dequantized), in nats: `[n]`. */
  logProb(x: tf.Tensor, labels?: tf.Tensor | null): tf.Tensor1D {
    return tf.tidy(() => {
      const context = this.contextOf(labels, x.shape[0]);
      const [z, logDet] = this.flow.inverseAndLogDet(this.toEvents(x), context);
      return tf.add<tf.Tensor1D>(this.baseLogProb(z), logDet);
    });
  }

  /** `n` samples x = f(T z), z ~ N(0, I), flattened `[n, D]`. */
  sample(
    n: number,
    { temperature = 1, seed, labels }: { temperature?: number; seed?: number; labels?: tf.Tensor } = {},
  ): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1)
      throw new FlowConfigError(`sample: 'n' must be a positive integer, got ${n}`);
    if (!(temperature > 0))
      throw new FlowConfigError(`sample: 'temperature' must be positive, got ${temperature}`);
    return tf.tidy(() => {
      const z = tf.mul(
        tf.randomNormal([n, ...this.config.inputShape], 0, 1, 'float32', resolveSeed(seed)),
        temperature,
      );
      const x = this.flow.forward(z, this.contextOf(labels, n));
      return tf.reshape<tf.Rank.R2>(x, [n, this.dimension]);
    });
  }

  /** z = f^-1(x) for flattened examples. */
  inverse(x: tf.Tensor, labels?: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => this.flow.inverse(this.toEvents(x), this.contextOf(labels, x.shape[0])));
  }

  /** x = f(z) for flattened noise. */
  forward(z: tf.Tensor, labels?: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => this.flow.forward(this.toEvents(z), this.contextOf(labels, z.shape[0])));
  }

  /** The batch as the flow sees it: images dequantized with a fresh seeded draw; vectors as they are. */
  prepare(x: tf.Tensor, seed: number): tf.Tensor {
    return this.isImage ? dequantize(x, seed) : tf.clone(x);
  }

  /** Data-dependent initialisation (ActNorm) on the first batch; a no-op afterwards. */
  initialize(x: tf.Tensor, labels?: tf.Tensor | null): void {
    if (this.initialized) return;
    tf.tidy(() => this.flow.initialize(this.toEvents(x), this.contextOf(labels, x.shape[0])));
    this.initialized = true;
  }

  /** Mark the flow initialised (loaded from a checkpoint). */
  markInitialized(): void {
    this.initialized = true;
  }

  /** One Adam step on -mean log p(x); returns the loss (nats per example) and, for images, bits per dimension. */
  trainStep(
    batch: { x: tf.Tensor; labels?: tf.Tensor | null },
    { seed }: { seed: number },
  ): Record<string, number> {
    const x = this.prepare(batch.x, seed);
    try {
      this.initialize(x, batch.labels);
      return this.optimizer.minimize(
        this.parameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const nll = tf.neg(tf.mean(this.logProb(x, batch.labels))) as tf.Scalar;
          return this.isImage
            ? { loss: nll, bits_per_dim: bitsPerDimTensor(nll, this.dimension) }
            : { loss: nll };
        },
      );
    } finally {
      x.dispose();
    }
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
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

function bitsPerDimTensor(nll: tf.Scalar, dimension: number): tf.Scalar {
  return tf.div<tf.Scalar>(tf.add(nll, dimension * Math.log(256)), dimension * Math.LN2);
}
