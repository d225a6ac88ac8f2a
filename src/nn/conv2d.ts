/**
 * `Conv2d`: a 2-D convolution over NHWC images, y = activation(conv(x, K) + b), PyTorch's `nn.Conv2d` followed by
 * an activation, with TensorFlow's 'same' / 'valid' padding.
 */
import * as tf from '../engine/tf.js';
import { activate, parseActivation, type Activation } from './activations.js';
import { checkChoice, checkInteger, ModuleArgumentError } from './errors.js';
import { initKernelAndBias, layerRandom, type Init } from './init.js';
import { Module } from './module.js';
import { checkImages, convAxis, explicitPadding, PADDINGS, type Padding } from './conv-util.js';

/** Options of {@link Conv2d} and {@link ConvTranspose2d}. */
export interface ConvOptions {
  /** The step between windows, along both axes; default 1. */
  stride?: number;
  /** `same` (default): ceil(size / stride) outputs, zero-padded evenly (the extra row/column at the end); `valid`. */
  padding?: Padding;
  /** Applied after the bias; default `linear`. */
  activation?: Activation;
  /** Seed of the initial weights; default: the next seed of the global stream. */
  seed?: number;
  /** `torch` (default): PyTorch's default initialisation; `glorot`: Glorot uniform kernel and zero bias. */
  init?: Init;
}

/** The checked options shared by the convolution layers. */
export function convSettings(
  where: string,
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  { stride = 1, padding = 'same', activation = 'linear' }: ConvOptions,
): { stride: number; padding: Padding; activation: Activation } {
  checkInteger(inChannels, 'inChannels', where);
  checkInteger(outChannels, 'outChannels', where);
  checkInteger(kernelSize, 'kernelSize', where);
  checkInteger(stride, 'stride', where);
  return {
    stride,
    padding: checkChoice(padding, PADDINGS, 'padding', where),
    activation: parseActivation(activation, `${where}: activation`),
  };
}

/**
 * A 2-D convolution with parameters `kernel` [kh, kw, in, out] and `bias` [out], over NHWC input [n, h, w, in].
 * With padding `same` the output is [n, ceil(h / stride), ceil(w / stride), out].
 *
 * @example
 * const conv = new Conv2d(1, 32, 4, { stride: 2, activation: 'relu', seed: 0 });
 * conv.apply(images); // [n, 28, 28, 1] -> [n, 14, 14, 32]
 */
export class Conv2d extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly stride: number;
  readonly padding: Padding;
  readonly activation: Activation;
  private readonly where: string;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: ConvOptions = {},
  ) {
    super();
    this.where = `Conv2d(${inChannels} -> ${outChannels}, kernel ${kernelSize})`;
    ({
      stride: this.stride,
      padding: this.padding,
      activation: this.activation,
    } = convSettings(this.where, inChannels, outChannels, kernelSize, options));
    const area = kernelSize * kernelSize;
    const { kernel, bias } = tf.tidy(() =>
      initKernelAndBias(
        [kernelSize, kernelSize, inChannels, outChannels],
        [outChannels],
        { fanIn: inChannels * area, fanOut: outChannels * area },
        options.init ?? 'torch',
        layerRandom(options.seed),
        this.where,
      ),
    );
    this.kernel = this.addParameter('kernel', kernel);
    this.bias = this.addParameter('bias', bias);
  }

  /** The output shape [h', w', out] for an input of shape [h, w, in]. */
  outputShape([h, w, c]: [number, number, number]): [number, number, number] {
    if (c !== this.inChannels)
      throw new ModuleArgumentError(`${this.where}: input has ${c} channels, expected ${this.inChannels}`);
    const [oh] = convAxis(h, this.kernelSize, this.stride, this.padding);
    const [ow] = convAxis(w, this.kernelSize, this.stride, this.padding);
    if (oh < 1 || ow < 1)
      throw new ModuleArgumentError(
        `${this.where}: input ${h}x${w} is smaller than the kernel with padding '${this.padding}'`,
      );
    return [oh, ow, this.outChannels];
  }

  /** activation(conv(x, kernel) + bias) for x of shape [n, h, w, in]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    checkImages(x, this.inChannels, this.where);
    this.outputShape([x.shape[1], x.shape[2], x.shape[3]]);
    const pad = explicitPadding([x.shape[1], x.shape[2]], this.kernelSize, this.stride, this.padding);
    return tf.tidy(() => {
      const y = tf.conv2d(x, this.kernel as tf.Tensor4D, this.stride, pad);
      return activate(tf.add(y, this.bias), this.activation) as tf.Tensor4D;
    });
  }
}
