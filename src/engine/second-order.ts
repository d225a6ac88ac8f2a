/**
 * Gradient registrations that make TensorFlow.js 4.22 differentiable twice through every latentlab activation, as
 * WGAN-GP's gradient penalty needs (the critic's weights are trained on a function of grad_x critic(x)).
 *
 * A second derivative differentiates the ops that a first backward pass ran. TensorFlow.js 4.22 has four kinds of
 * gap there, each fixed by one registration below:
 *
 * 1. Gradients written with chained methods. `Cast` and `AddN` return `dy.clone()`. latentlab loads the gradients
 *    from a bundled copy of tfjs-core's ESM sources (see `tf.ts`), whose `Tensor` methods are wired to that copy's
 *    op handler, which nothing sets: `dy.clone()` throws "Cannot read properties of null (reading 'clone')". Relu's
 *    gradient is `dy * cast(step(x))`, selu's and leaky-relu's run `cast` inside `where`'s gradient, so the second
 *    derivative of each hits this. The fix is the same identity, called as a function: `tf.clone(dy)`.
 * 2. Comparisons and logical ops without a gradient. `Greater` (leaky-relu, selu), `LogicalNot` (`where`'s gradient)
 *    and their relatives have none; a first derivative never meets them, but in a second one they lie between x and
 *    the result. They are piecewise constant, so their derivative is zero almost everywhere: zeros of each input's
 *    shape, in float32 (the tape rejects a gradient of any other dtype, and these inputs may be bool).
 * 3. Gradients that use the op's saved output. `Tanh`, `Sigmoid` and `Elu` save y = f(x) and return
 *    dy * f'(y). The engine saves a clone of y made while the kernel runs, so the clone's tape node comes before
 *    the node of the op that made y, and the forward sweep that keeps the nodes reachable from x drops it: the saved
 *    y is a constant to any later derivative. The second derivative then silently loses every term through f'(y):
 *    the penalty's gradient in the first layer's weights of a tanh critic comes out wrong, without an error. The fix
 *    saves x and recomputes y = f(x) in the gradient (the same kernel on the same values, so first derivatives are
 *    bit for bit unchanged, at the cost of one element-wise op).
 * 4. `EluGrad`, the kernel of elu's gradient, has no gradient. For dx = dy * (y >= 0 ? 1 : y + 1):
 *    d dx / d dy = (y >= 0 ? 1 : y + 1), which is `EluGrad` again, and d dx / d y = (y >= 0 ? 0 : dy).
 *
 * The fused product `tf.fused.matMul` (Dense's path for linear and relu) needs nothing more: its custom gradient
 * uses ordinary ops, and the one term through its saved output, `step(y)`, has derivative zero.
 *
 * Gaps not filled, because no latentlab network reaches them in a second derivative: `Exp`, `Softmax`,
 * `LogSoftmax`, `Pow`, `Max`, `Min` and the pooling ops also use their saved outputs (a third derivative of selu
 * or elu would meet `Exp`).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Zeros of `x`'s shape in float32: the derivative of a piecewise-constant op almost everywhere. */
function zerosOf(x: tf.Tensor): () => tf.Tensor {
  return () => tf.zeros(x.shape, 'float32');
}

/** Kernels whose derivative is zero almost everywhere and which TensorFlow.js registers no gradient for. */
const BINARY_PIECEWISE_CONSTANT = [
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'LogicalAnd',
  'LogicalOr',
] as const;

/** The gradients for gap 2: zeros for each input of a comparison or logical op. */
function zeroGradients(): tf.GradConfig[] {
  const binary = BINARY_PIECEWISE_CONSTANT.map((kernelName): tf.GradConfig => ({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved) => ({ a: zerosOf(saved[0]), b: zerosOf(saved[1]) }),
  }));
  const unary: tf.GradConfig = {
    kernelName: 'LogicalNot',
    inputsToSave: ['x'],
    gradFunc: (_dy, saved) => ({ x: zerosOf(saved[0]) }),
  };
  return [...binary, unary];
}

/** Gap 1: the identity gradients of `Cast` and `AddN`, without the chained `dy.clone()`. */
const IDENTITY_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Cast',
    gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }),
  },
  {
    kernelName: 'AddN',
    saveAllInputs: true,
    gradFunc: (dy, saved) =>
      Object.fromEntries(saved.map((_, i) => [String(i), () => tf.clone(dy as tf.Tensor)])),
  },
];

/** Elu's gradient kernel: dy where y >= 0, dy (y + 1) elsewhere (y = elu(x)). */
function eluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>('EluGrad', { dy, y });
}

/** Gaps 3 and 4: gradients that recompute f(x) instead of using the disconnected saved output. */
const RECOMPUTING_GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => tf.mul(tf.sub(tf.scalar(1), tf.square(tf.tanh(saved[0]))), dy as tf.Tensor),
    }),
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => {
        const y = tf.sigmoid(saved[0]);
        return tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(tf.scalar(1), y)));
      },
    }),
  },
  {
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({
      x: () => eluGrad(dy as tf.Tensor, tf.elu(saved[0])),
    }),
  },
  {
    kernelName: 'EluGrad',
    inputsToSave: ['dy', 'y'],
    gradFunc: (ddx, saved) => {
      const [dy, y] = saved;
      return {
        dy: () => eluGrad(ddx as tf.Tensor, y),
        y: () => tf.where(tf.less(y, 0), tf.mul(ddx as tf.Tensor, dy), tf.zerosLike(y)),
      };
    },
  },
];

let installed = false;

/**
 * Register the second-order gradient fixes described above, once. The identity and recomputing gradients replace
 * TensorFlow.js's own; the zero gradients are registered only for kernels that have none. `tf.ts` calls it, so every
 * user of latentlab gets them. Returns the kernel names registered.
 */
export function registerSecondOrderGradients(): string[] {
  if (installed) return [];
  installed = true;
  const configs = [
    ...IDENTITY_GRADIENTS,
    ...zeroGradients().filter((c) => tf.getGradient(c.kernelName) == null),
    ...RECOMPUTING_GRADIENTS,
  ];
  for (const config of configs) tf.registerGradient(config);
  return configs.map((c) => c.kernelName);
}
