/**
 * `Dense`: the fully connected layer y = activation(x W + b), PyTorch's `nn.Linear` followed by an activation, with
 * the kernel stored as [in, out] (TensorFlow's layout, so the forward pass is one untransposed product).
 */
import * as tf from '../engine/tf.js';
import { activate, parseActivation, type Activation } from './activations.js';
import { checkInteger, ModuleArgumentError } from './errors.js';
import { initKernelAndBias, layerRandom, type Init } from './init.js';
import { Module } from './module.js';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Applied to x W + b; default `linear`. */
  activation?: Activation;
  /** Seed of the initial weights; default: the next seed of the global stream. */
  seed?: number;
  /** `torch` (default): U(+-1/sqrt(in)) for W and b; `glorot`: Glorot uniform W and b = 0. */
  init?: Init;
}

/**
 * A fully connected layer, y = activation(x W + b), with parameters `kernel` W [in, out] and `bias` b [out].
 * `apply` takes any x of shape [..., in].
 *
 * @example
 * const layer = new Dense(784, 400, { activation: 'relu', seed: 1 });
 * const h = layer.apply(x); // [batch, 400]
 */
export class Dense extends Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: Activation;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    { activation = 'linear', seed, init = 'torch' }: DenseOptions = {},
  ) {
    super();
    const where = `Dense(${inFeatures} -> ${outFeatures})`;
    checkInteger(inFeatures, 'inFeatures', where);
    checkInteger(outFeatures, 'outFeatures', where);
    this.activation = parseActivation(activation, `${where}: activation`);
    const { kernel, bias } = tf.tidy(() =>
      initKernelAndBias(
        [inFeatures, outFeatures],
        [outFeatures],
        { fanIn: inFeatures, fanOut: outFeatures },
        init,
        layerRandom(seed),
        where,
      ),
    );
    this.kernel = this.addParameter('kernel', kernel);
    this.bias = this.addParameter('bias', bias);
  }

  /** activation(x W + b) for x of shape [..., in]; the result has shape [..., out]. */
  apply(x: tf.Tensor): tf.Tensor {
    const shape = x.shape;
    if (shape.length === 0 || shape[shape.length - 1] !== this.inFeatures)
      throw new ModuleArgumentError(
        `Dense(${this.inFeatures} -> ${this.outFeatures}): input has shape [${shape.join(', ')}], ` +
          `expected [..., ${this.inFeatures}]`,
      );
    return tf.tidy(() => {
      const x2 = shape.length === 2 ? x : tf.reshape(x, [-1, this.inFeatures]);
      // The fused product (bias and relu in the same kernel) has gradients for linear and relu only.
      const fusable = this.activation === 'linear' || this.activation === 'relu';
      const y = fusable
        ? tf.fused.matMul({
            a: x2,
            b: this.kernel,
            bias: this.bias,
            activation: this.activation,
          })
        : activate(
            tf.add(tf.matMul(x2 as tf.Tensor2D, this.kernel as tf.Tensor2D), this.bias),
            this.activation,
          );
      return shape.length === 2 ? y : tf.reshape(y, [...shape.slice(0, -1), this.outFeatures]);
    });
  }
}
