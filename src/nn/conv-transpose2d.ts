/**
 * `ConvTranspose2d`: the transposed 2-D convolution (the gradient of a convolution with respect to its input), the
 * upsampling layer of convolutional decoders, PyTorch's `nn.ConvTranspose2d` followed by an activation.
 */
import * as tf from '../engine/tf.js';
import { activate, type Activation } from './activations.js';
import { convSettings, type ConvOptions } from './conv2d.js';
import { ModuleArgumentError } from './errors.js';
import { initKernelAndBias, layerRandom } from './init.js';
import { Module } from './module.js';
import { checkImages, explicitPadding, type Padding } from './conv-util.js';

/**
 * A transposed convolution with parameters `kernel` [kh, kw, out, in] (TensorFlow's layout for
 * `conv2dTranspose`) and `bias` [out], over NHWC input [n, h, w, in]. The output is [n, h s, w s, out] with padding
 * `same` and [n, (h - 1) s + k, (w - 1) s + k, out] with `valid`: the input size of the convolution it transposes.
 * Kernel 4, stride 2, `same` equals PyTorch's `ConvTranspose2d(in, out, 4, stride=2, padding=1)`.
 *
 * @example
 * const up = new ConvTranspose2d(64, 32, 4, { stride: 2, activation: 'relu', seed: 0 });
 * up.apply(h); // [n, 7, 7, 64] -> [n, 14, 14, 32]
 */
export class ConvTranspose2d extends Module {
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
    this.where = `ConvTranspose2d(${inChannels} -> ${outChannels}, kernel ${kernelSize})`;
    ({
      stride: this.stride,
      padding: this.padding,
      activation: this.activation,
    } = convSettings(this.where, inChannels, outChannels, kernelSize, options));
    const area = kernelSize * kernelSize;
    const { kernel, bias } = tf.tidy(() =>
      initKernelAndBias(
        [kernelSize, kernelSize, outChannels, inChannels],
        [outChannels],
        // PyTorch takes the fan-in of a transposed convolution from its weight's second axis: the output channels.
        { fanIn: inChannels * area, fanOut: outChannels * area, torchFanIn: outChannels * area },
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
    const size = (n: number) =>
      this.padding === 'same' ? n * this.stride : (n - 1) * this.stride + this.kernelSize;
    return [size(h), size(w), this.outChannels];
  }

  /** activation(conv2dTranspose(x, kernel) + bias) for x of shape [n, h, w, in]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    checkImages(x, this.inChannels, this.where);
    const [oh, ow] = this.outputShape([x.shape[1], x.shape[2], x.shape[3]]);
    // The pads of the forward convolution that maps the [oh, ow] output back to the [h, w] input.
    const pad = explicitPadding([oh, ow], this.kernelSize, this.stride, this.padding);
    return tf.tidy(() => {
      const y = tf.conv2dTranspose(
        x,
        this.kernel as tf.Tensor4D,
        [x.shape[0], oh, ow, this.outChannels],
        this.stride,
        pad,
      );
      return activate(tf.add(y, this.bias), this.activation) as tf.Tensor4D;
    });
  }
}
