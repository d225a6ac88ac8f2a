/**
 * Weight initialisation and seeding shared by the layers. `torch` is PyTorch's default for `nn.Linear` and
 * `nn.Conv2d` (kaiming uniform with a = sqrt(5), which comes to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weights
 * and the same bound for the bias); `glorot` is Glorot uniform, U(-sqrt(6 / (fan_in + fan_out)), ...), with a zero
 * bias.
 *
 * References: X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks",
 * AISTATS 2010. PyTorch, `torch.nn.Linear.reset_parameters`.
 */
import * as tf from '../engine/tf.js';
import { Random, resolveSeed } from '../engine/random.js';
import { checkChoice } from './errors.js';

/** How a layer draws its initial weights. */
export type Init = 'torch' | 'glorot';

/** Every {@link Init}. */
export const INITS: readonly Init[] = ['torch', 'glorot'];

/** The generator a layer draws its weights' seeds from: `seed` when given, else the next global seed. */
export function layerRandom(seed?: number): Random {
  return new Random(resolveSeed(seed));
}

/** A seed for a TensorFlow.js random op, the next of `rng`'s (resolved: never 0, which TF.js reads as unseeded). */
export function opSeed(rng: Random): number {
  return resolveSeed(rng.nextUint32());
}

/**
 * A kernel and a bias drawn by `init`. `fanIn` and `fanOut` count the inputs and outputs of one unit (times the
 * kernel's area for a convolution); `torchFanIn` is the fan-in PyTorch uses where it differs (transposed
 * convolutions take their output channels).
 */
export function initKernelAndBias(
  kernelShape: number[],
  biasShape: number[],
  { fanIn, fanOut, torchFanIn = fanIn }: { fanIn: number; fanOut: number; torchFanIn?: number },
  init: Init,
  rng: Random,
  where: string,
): { kernel: tf.Tensor; bias: tf.Tensor } {
  checkChoice(init, INITS, 'init', where);
  // Both seeds are drawn whatever the scheme, so the kernel of a seeded layer does not depend on the bias scheme.
  const [kernelSeed, biasSeed] = [opSeed(rng), opSeed(rng)];
  if (init === 'glorot') {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return {
      kernel: tf.randomUniform(kernelShape, -limit, limit, 'float32', kernelSeed),
      bias: tf.zeros(biasShape),
    };
  }
  const bound = 1 / Math.sqrt(torchFanIn);
  return {
    kernel: tf.randomUniform(kernelShape, -bound, bound, 'float32', kernelSeed),
    bias: tf.randomUniform(biasShape, -bound, bound, 'float32', biasSeed),
  };
}
