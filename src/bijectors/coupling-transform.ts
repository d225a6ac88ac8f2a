/**
 * `CouplingTransform`: the elementwise bijection inside a {@link MaskedCoupling}, the one piece in which the
 * additive, affine and any later (spline, say) coupling layers differ.
 *
 * References: distrax's `MaskedCoupling(mask, conditioner, bijector)`, https://github.com/google-deepmind/distrax;
 * C. Durkan, A. Bekasov, I. Murray and G. Papamakarios, "Neural Spline Flows", 2019,
 * https://arxiv.org/abs/1906.04032
 */
import type * as tf from '../engine/tf.js';

/**
 * An elementwise, strictly monotone map y = g(x; θ) whose parameters θ the coupling's conditioner computes. With
 * k = `paramsPerCoordinate`, the conditioner outputs k values per coordinate of x, and `params` holds them as k
 * tensors of x's shape (θ_1, ..., θ_k, split along the last axis of the conditioner's output). The methods return
 *
 *   forward(x, θ) = [g(x; θ), log|∂g/∂x (x; θ)|],   inverse(y, θ) = [g^-1(y; θ), log|∂g^-1/∂y (y; θ)|],
 *
 * both elementwise, of x's (y's) shape: the coupling keeps the values where its mask is 0 and sums the log-dets over
 * the event. Because the map is elementwise and θ depends only on the coordinates the mask keeps, the coupling's
 * Jacobian is triangular and its log-det is that sum.
 *
 * The contract:
 * - g(·; θ) must be invertible for every θ, with `inverse(forward(x, θ)[0], θ)` = [x, -forward's log-det].
 * - θ is zero where the mask is 1; the output there is discarded, but it must be finite (0 × NaN is NaN), so g must
 *   be finite at θ = 0. It need not be the identity there.
 * - The methods are called inside `tf.tidy`: create tensors freely, dispose none of the inputs, keep none.
 * - The transform sees neither the mask nor the context; the conditioner has already read them.
 * - A transform with parameters of its own (RealNVP's learnable factor of tanh) is a `Module`: the coupling registers
 *   it as its child `transform`, so they are listed as `transform.<name>`, trained and saved, and disposes it with
 *   the coupling. Give each coupling its own transform.
 *
 * Built-in transforms: {@link AdditiveTransform} (k = 1, NICE) and {@link AffineTransform} (k = 2, RealNVP).
 *
 * @example
 * // An affine coupling with a positive scale softplus(a), y = softplus(a) x + b: the whole new layer.
 * const softplusAffine: CouplingTransform = {
 *   paramsPerCoordinate: 2,
 *   forward: (x, [a, b]) => [tf.add(tf.mul(tf.softplus(a), x), b), tf.log(tf.softplus(a))],
 *   inverse: (y, [a, b]) => [tf.div(tf.sub(y, b), tf.softplus(a)), tf.neg(tf.log(tf.softplus(a)))],
 * };
 * const layer = new MaskedCoupling(alternatingMask(2, 0), softplusAffine, { hidden: [32, 32], seed: 0 });
 */
export interface CouplingTransform {
  /** k: how many values the conditioner outputs per coordinate, the length of `params`. An integer >= 1. */
  readonly paramsPerCoordinate: number;
  /** [g(x; θ), log|∂g/∂x|], elementwise, both of x's shape; `params` holds k tensors of x's shape. */
  forward(x: tf.Tensor, params: tf.Tensor[]): [tf.Tensor, tf.Tensor];
  /** [g^-1(y; θ), log|∂g^-1/∂y|], elementwise, both of y's shape; the same `params` as `forward`'s. */
  inverse(y: tf.Tensor, params: tf.Tensor[]): [tf.Tensor, tf.Tensor];
  /**
   * Optional: the whole masked step of `MaskedCoupling` in one op, from x, the conditioner's raw output `out` and the
   * mask m: [m x + (1 - m) g(x; (1 - m) θ), the sum over the event of (1 - m) log|g'|], in `direction`. It must
   * equal what `forward`/`inverse` give through `MaskedCoupling`'s ops; it returns undefined wherever it does not
   * apply (another backend, other shapes), and the ops run instead.
   */
  coupled?(
    direction: 'forward' | 'inverse',
    x: tf.Tensor,
    out: tf.Tensor,
    mask: tf.Tensor,
  ): [tf.Tensor, tf.Tensor] | undefined;
}
