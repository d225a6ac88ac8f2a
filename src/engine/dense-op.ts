/**
 * `denseProduct`: act(x W + b) for `linear` and `relu`, as one node of the gradient tape.
 *
 * Under a gradient tape TensorFlow.js 4.22 splits `tf.fused.matMul` with relu into a product, an addition and a relu,
 * and the engine clones every tensor each of them saves for the backward pass; its fused linear product is a custom
 * gradient wrapped in reshapes. A small layer (the 2-D GAN's 128 units) spends more time in these dispatches than in
 * arithmetic. Here the forward pass is the backend's one fused kernel, and the backward pass is the three products
 * and the sum a dense layer needs: with g = dy * 1[y > 0] (relu) or dy (linear), dx = g W^T, dW = x^T g, db = sum(g).
 *
 * The backward pass is built from differentiable ops on W itself (not on a saved copy), so a gradient of this
 * gradient, such as WGAN-GP's penalty on dD/dx, reaches W and b exactly as through the unfused ops. The relu mask is
 * piecewise constant: its own derivative is zero, as the unfused relu's is (`second-order.ts`). What it does not
 * carry is a derivative of dW with respect to x (dW reads a saved copy of x), which no loss here takes.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The activations the fused product applies. */
export type DenseProductActivation = 'linear' | 'relu';

/** Whether a gradient tape is recording, so that the forward pass needs to save anything. */
function recording(): boolean {
  // The engine's own fused ops read the same counter to decide whether to fuse.
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/** The backend's fused kernel on 2-D operands: act(x W + b), `[n, out]`. */
function fusedForward(
  x: tf.Tensor2D,
  w: tf.Tensor,
  b: tf.Tensor,
  activation: DenseProductActivation,
): tf.Tensor2D {
  const [n, inFeatures] = x.shape;
  const out = w.shape[1]!;
  const engine = tf.engine();
  const y = engine.runKernel<tf.Tensor>(
    '_FusedMatMul',
    { a: tf.reshape(x, [1, n, inFeatures]), b: tf.reshape(w, [1, inFeatures, out]), bias: b },
    { transposeA: false, transposeB: false, activation },
  );
  return tf.reshape(y, [n, out]);
}

/**
 * act(x W + b) for `x` `[n, in]`, a kernel `w` `[in, out]` and a bias `b` `[out]`, with gradients for all three (see
 * the module comment for what is and is not differentiable twice). `w` and `b` are variables, since the backward
 * pass reads them after the forward pass's intermediates are gone.
 *
 * @example
 * const h = denseProduct(x, kernel, bias, 'relu'); // [n, out]
 */
export function denseProduct(
  x: tf.Tensor2D,
  w: tf.Variable,
  b: tf.Variable,
  activation: DenseProductActivation,
): tf.Tensor2D {
  if (!recording()) return tf.tidy(() => fusedForward(x, w, b, activation));
  const op = tf.customGrad((...args) => {
    const xi = args[0] as tf.Tensor2D;
    const save = args[3] as tf.GradSaveFunc;
    const y = fusedForward(xi, w, b, activation);
    save(activation === 'relu' ? [xi, y] : [xi]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = activation === 'relu' ? tf.mul(dy, tf.step(saved[1])) : dy;
        return [tf.matMul(g, w, false, true), tf.matMul(saved[0], g, true, false), tf.sum(g, 0)];
      },
    };
  });
  return op(x, w, b);
}
