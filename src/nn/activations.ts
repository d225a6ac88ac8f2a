/**
 * Element-wise activations by name, with PyTorch's constants: `leaky-relu` has slope 0.01 below zero
 * (`nn.LeakyReLU`), `elu` has alpha 1, `selu` uses the constants of Klambauer et al.
 *
 * References: G. Klambauer, T. Unterthiner, A. Mayr and S. Hochreiter, "Self-Normalizing Neural Networks", 2017,
 * https://arxiv.org/abs/1706.02515
 */
import * as tf from '../engine/tf.js';
import { ModuleArgumentError } from './errors.js';

/** The activations a layer accepts. */
export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'elu' | 'leaky-relu' | 'selu';

/** Every {@link Activation}, in the order the command line lists them. */
export const ACTIVATIONS: readonly Activation[] = [
  'linear',
  'relu',
  'tanh',
  'sigmoid',
  'softplus',
  'elu',
  'leaky-relu',
  'selu',
];

/** The slope of `leaky-relu` below zero (PyTorch's `nn.LeakyReLU` default; TensorFlow.js's is 0.2). */
export const LEAKY_RELU_SLOPE = 0.01;

/**
 * Apply `activation` element-wise:
 * linear x; relu max(x, 0); tanh; sigmoid 1 / (1 + e^-x); softplus log(1 + e^x); elu x if x > 0 else e^x - 1;
 * leaky-relu x if x > 0 else 0.01 x; selu 1.0507 (x if x > 0 else 1.6733 (e^x - 1)).
 * `linear` returns `x` itself.
 *
 * @example
 * activate(tf.tensor([-1, 2]), 'relu'); // [0, 2]
 */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'elu':
      return tf.elu(x);
    case 'leaky-relu':
      return tf.leakyRelu(x, LEAKY_RELU_SLOPE);
    case 'selu':
      return tf.selu(x);
    default:
      throw new ModuleArgumentError(
        `activate: unknown activation '${String(activation)}'; expected one of ${ACTIVATIONS.join(', ')}`,
      );
  }
}

/**
 * Check a user-given name (a flag, a config entry) and return it as an {@link Activation}; otherwise throw one line
 * naming `argument` and listing the choices.
 *
 * @example
 * parseActivation('tanh'); // 'tanh'
 * parseActivation('gelu', '--activation'); // throws: --activation: unknown activation 'gelu'; expected one of ...
 */
export function parseActivation(name: string, argument = 'activation'): Activation {
  if ((ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
  throw new ModuleArgumentError(
    `${argument}: unknown activation '${name}'; expected one of ${ACTIVATIONS.join(', ')}`,
  );
}
