/**
 * Convolutional encoder and decoder for small images (28x28 MNIST digits): stride-2 convolutions halve the size at
 * each layer, transposed convolutions double it back, as in the convolutional VAEs of the Keras and PyTorch
 * examples.
 */
import * as tf from '../engine/tf.js';
import { activate, parseActivation, type Activation } from './activations.js';
import { BatchNorm } from './batch-norm.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Conv2d } from './conv2d.js';
import { Dense } from './dense.js';
import { checkInteger, ModuleArgumentError } from './errors.js';
import { layerRandom, opSeed } from './init.js';
import { Module } from './module.js';

/** Options of {@link ConvEncoder} and {@link ConvDecoder}. */
export interface ConvNetOptions {
  /** Channels of the stride-2 convolutions, in encoder order; default [32, 64]. The decoder mirrors them. */
  channels?: number[];
  /** Kernel size of every convolution; default 4 (so the padding is symmetric: PyTorch's padding=1). */
  kernelSize?: 4 | 3;
  /** Width of a dense layer between the flattened feature map and the code; 0 (default) for none. */
  hidden?: number;
  /** Activation of every layer but the decoder's last; default `relu`. */
  activation?: Activation;
  /** Seed of the initial weights (one seed per layer drawn from it); default: the global stream. */
  seed?: number;
  /**
   * Batch normalisation between each layer and its activation, as in DCGAN: every layer but the encoder's first
   * convolution and the decoder's output; default false. The norms are `norm<i>` beside `conv<i>` / `deconv<i>`,
   * `hidden_norm` and `project_norm` beside the dense layers.
   */
  batchNorm?: boolean;
}

interface Settings {
  channels: number[];
  kernelSize: number;
  hidden: number;
  activation: Activation;
  seeds: () => number;
  batchNorm: boolean;
  /** The feature map's size after the convolutions: [h, w] / 2^layers. */
  small: [number, number];
}

function settings(where: string, [h, w, c]: [number, number, number], options: ConvNetOptions): Settings {
  const {
    channels = [32, 64],
    kernelSize = 4,
    hidden = 0,
    activation = 'relu',
    seed,
    batchNorm = false,
  } = options;
  [h, w, c].forEach((n, i) => checkInteger(n, ['height', 'width', 'channels'][i], where));
  if (channels.length === 0) throw new ModuleArgumentError(`${where}: 'channels' must not be empty`);
  channels.forEach((n, i) => checkInteger(n, `channels[${i}]`, where));
  checkInteger(kernelSize, 'kernelSize', where);
  checkInteger(hidden, 'hidden', where, 0);
  const factor = 2 ** channels.length;
  if (h % factor !== 0 || w % factor !== 0)
    throw new ModuleArgumentError(
      `${where}: image size ${h}x${w} must be divisible by ${factor} (2^${channels.length} stride-2 layers)`,
    );
  const rng = layerRandom(seed);
  return {
    channels,
    kernelSize,
    hidden,
    activation: parseActivation(activation, `${where}: activation`),
    seeds: () => opSeed(rng),
    batchNorm,
    small: [h / factor, w / factor],
  };
}

/** A layer whose activation follows a batch normalisation (when `norm` is set) or is fused in the layer. */
interface Stage<L> {
  layer: L;
  norm: BatchNorm | null;
}

/** y = activation(norm(layer(x))) with a norm; layer(x) (activation included) without. */
function runStage<T extends tf.Tensor>(stage: Stage<{ apply(x: T): T }>, x: T, activation: Activation): T {
  const y = stage.layer.apply(x);
  return stage.norm === null ? y : (activate(stage.norm.apply(y as never), activation) as T);
}

/**
 * Images [n, h, w, c] (or flattened [n, h w c]) to features [n, outFeatures]: stride-2 `same` convolutions
 * `conv0`, `conv1`, ... with `activation`, a flatten, and (when `hidden` > 0) a Dense layer `hidden` with
 * `activation`. The VAE puts its linear heads for the posterior's parameters on top.
 *
 * @example
 * const encoder = new ConvEncoder([28, 28, 1], { seed: 0 }); // 28x28x1 -> 14x14x32 -> 7x7x64 -> 3136
 * encoder.apply(x); // [n, 3136]
 */
export class ConvEncoder extends Module {
  private readonly convs: Stage<Conv2d>[] = [];
  private readonly dense: Stage<Dense> | null = null;
  /** The width of the features: `hidden`, or the size of the last feature map. */
  readonly outFeatures: number;
  private readonly activation: Activation;
  private readonly where: string;

  constructor(
    readonly inputShape: [number, number, number],
    options: ConvNetOptions = {},
  ) {
    super();
    this.where = `ConvEncoder([${inputShape.join(', ')}])`;
    const s = settings(this.where, inputShape, options);
    this.activation = s.activation;
    let channels = inputShape[2];
    s.channels.forEach((out, i) => {
      const normed = s.batchNorm && i > 0;
      const conv = new Conv2d(channels, out, s.kernelSize, {
        stride: 2,
        activation: normed ? 'linear' : s.activation,
        seed: s.seeds(),
      });
      this.convs.push({
        layer: this.addModule(`conv${i}`, conv),
        norm: normed ? this.addModule(`norm${i}`, new BatchNorm(out)) : null,
      });
      channels = out;
    });
    const flat = s.small[0] * s.small[1] * channels;
    if (s.hidden > 0) {
      const layer = this.addModule(
        'hidden',
        new Dense(flat, s.hidden, { activation: s.batchNorm ? 'linear' : s.activation, seed: s.seeds() }),
      );
      this.dense = {
        layer,
        norm: s.batchNorm ? this.addModule('hidden_norm', new BatchNorm(s.hidden)) : null,
      };
    }
    this.outFeatures = s.hidden > 0 ? s.hidden : flat;
  }

  /** Features [n, outFeatures] of images [n, h, w, c] or [n, h w c]. */
  apply(x: tf.Tensor2D | tf.Tensor4D): tf.Tensor2D {
    const [h, w, c] = this.inputShape;
    const ok =
      x.rank === 2 ? x.shape[1] === h * w * c : x.rank === 4 && x.shape.slice(1).join() === [h, w, c].join();
    if (!ok)
      throw new ModuleArgumentError(
        `${this.where}: input has shape [${x.shape.join(', ')}], expected [n, ${h}, ${w}, ${c}] or [n, ${h * w * c}]`,
      );
    return tf.tidy(() => {
      let y = (x.rank === 2 ? tf.reshape(x, [-1, h, w, c]) : x) as tf.Tensor4D;
      for (const conv of this.convs) y = runStage(conv, y, this.activation);
      const flat = tf.reshape<tf.Rank.R2>(y, [y.shape[0], -1]);
      return this.dense === null ? flat : (runStage(this.dense, flat, this.activation) as tf.Tensor2D);
    });
  }
}

/**
 * Codes [n, inFeatures] to flattened images [n, h w c]: (when `hidden` > 0) a Dense layer `hidden`, a Dense layer
 * `project` to the smallest feature map, then stride-2 `same` transposed convolutions `deconv0`, `deconv1`, ...
 * mirroring the encoder's channels; the last has `c` channels and no activation, so the output is the logits (or
 * means) of the pixels, flattened in NHWC order like the encoder's input.
 *
 * @example
 * const decoder = new ConvDecoder(20, [28, 28, 1], { seed: 1 }); // 20 -> 7x7x64 -> 14x14x32 -> 28x28x1
 * decoder.apply(z); // [n, 784] logits
 */
export class ConvDecoder extends Module {
  private readonly denses: Stage<Dense>[] = [];
  private readonly deconvs: Stage<ConvTranspose2d>[] = [];
  /** The width of the output, h w c. */
  readonly outFeatures: number;
  private readonly activation: Activation;
  private readonly start: [number, number, number];

  constructor(
    readonly inFeatures: number,
    readonly outputShape: [number, number, number],
    options: ConvNetOptions = {},
  ) {
    super();
    const where = `ConvDecoder(${inFeatures}, [${outputShape.join(', ')}])`;
    checkInteger(inFeatures, 'inFeatures', where);
    const s = settings(where, outputShape, options);
    this.activation = s.activation;
    const hidden = s.batchNorm ? 'linear' : s.activation;
    const reversed = [...s.channels].reverse();
    this.start = [s.small[0], s.small[1], reversed[0]];
    let width = inFeatures;
    const dense = (name: string, out: number) => {
      this.denses.push({
        layer: this.addModule(name, new Dense(width, out, { activation: hidden, seed: s.seeds() })),
        norm: s.batchNorm ? this.addModule(`${name}_norm`, new BatchNorm(out)) : null,
      });
      width = out;
    };
    if (s.hidden > 0) dense('hidden', s.hidden);
    dense('project', this.start[0] * this.start[1] * this.start[2]);
    reversed.forEach((inC, i) => {
      const last = i === reversed.length - 1;
      const outC = last ? outputShape[2] : reversed[i + 1];
      const deconv = new ConvTranspose2d(inC, outC, s.kernelSize, {
        stride: 2,
        activation: last ? 'linear' : hidden,
        seed: s.seeds(),
      });
      this.deconvs.push({
        layer: this.addModule(`deconv${i}`, deconv),
        norm: s.batchNorm && !last ? this.addModule(`norm${i}`, new BatchNorm(outC)) : null,
      });
    });
    this.outFeatures = outputShape[0] * outputShape[1] * outputShape[2];
  }

  /** Flattened images [n, h w c] (linear outputs) for codes z [n, inFeatures]. */
  apply(z: tf.Tensor2D): tf.Tensor2D {
    if (z.rank !== 2 || z.shape[1] !== this.inFeatures)
      throw new ModuleArgumentError(
        `ConvDecoder(${this.inFeatures}, [${this.outputShape.join(', ')}]): input has shape ` +
          `[${z.shape.join(', ')}], expected [n, ${this.inFeatures}]`,
      );
    return tf.tidy(() => {
      let h: tf.Tensor2D = z;
      for (const dense of this.denses) h = runStage(dense, h, this.activation) as tf.Tensor2D;
      let y = tf.reshape<tf.Rank.R4>(h, [-1, ...this.start]);
      for (const deconv of this.deconvs) y = runStage(deconv, y, this.activation);
      return tf.reshape<tf.Rank.R2>(y, [y.shape[0], this.outFeatures]);
    });
  }
}
