/**
 * The interface every latent-variable model offers to the inference code: an approximate posterior q(z|x), a prior
 * p(z) and a likelihood p(x|z), each a distribution whose batch is the examples and whose event is one example.
 */
import type * as tf from '../engine/tf.js';
import type { Distribution } from '../distributions/distribution.js';

/**
 * A model p(x, z) = p(z) p(x|z) with an amortized posterior q(z|x), optionally conditioned on a context c (labels in
 * a conditional VAE). Shapes: `x` is `[m, D]` (flattened examples), `z` is `[m, d]`, `context` is `[m, C]`.
 *
 * - `posterior(x, context)`: batch shape `[m]`, event shape `[d]`, with `rsample`.
 * - `prior(context)`: batch shape `[]` or `[m]`, event shape `[d]`.
 * - `likelihood(z, context)`: batch shape `[m]`, event shape `[D]`.
 *
 * The caller owns and disposes the distributions (inside a `tf.tidy` that is automatic).
 */
export interface LatentVariableModel {
  posterior(x: tf.Tensor2D, context?: tf.Tensor2D): Distribution;
  prior(context?: tf.Tensor2D): Distribution;
  likelihood(z: tf.Tensor2D, context?: tf.Tensor2D): Distribution;
}
