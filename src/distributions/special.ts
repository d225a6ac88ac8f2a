/**
 * Special functions TensorFlow.js lacks, written with differentiable tf ops.
 */
import * as tf from '../engine/tf.js';

/** log(2 pi) / 2. */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// Single-precision polynomial coefficients of erfinv, central (w < 5) and tail branches.
// Reference: M. Giles, "Approximating the erfinv function", GPU Computing Gems Jade, 2011.
const CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
  0.246640727, 1.50140941,
];
const TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
  1.00167406, 2.83297682,
];

function horner(coefficients: number[], w: tf.Tensor): tf.Tensor {
  return coefficients
    .slice(1)
    .reduce((acc, c) => tf.add(tf.mul(acc, w), c), tf.fill(w.shape, coefficients[0]));
}

/**
 * The standard normal quantile function Phi^{-1}(p), for p in (0, 1), as sqrt(2) erfinv(2p - 1).
 *
 * Giles' w = -log(1 - x^2) is computed as -log(4 p (1 - p)), which keeps full relative precision for small p where
 * 2p - 1 would round to -1.
 */
export function ndtri(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.sub(tf.mul(p, 2), 1);
    const w = tf.neg(tf.log(tf.mul(tf.mul(p, tf.sub(1, p)), 4)));
    const central = horner(CENTRAL, tf.sub(w, 2.5));
    const tail = horner(TAIL, tf.sub(tf.sqrt(tf.maximum(w, 5)), 3));
    const erfinv = tf.mul(tf.where(tf.less(w, 5), central, tail), x);
    return tf.mul(erfinv, Math.SQRT2);
  });
}

/** The standard normal cdf Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
export function ndtr(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1), 0.5));
}

/** log Gamma(n) for a positive integer n, in float64 (a constant in the Concrete density). */
export function logGammaInt(n: number): number {
  let s = 0;
  for (let i = 2; i < n; i++) s += Math.log(i);
  return s;
}

const stop = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
});

/** The identity whose gradient is zero (TensorFlow.js has no `stopGradient`). */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x);
}
