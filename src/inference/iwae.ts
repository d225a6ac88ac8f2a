/**
 * The importance-weighted bound of Burda et al.:
 *
 * L_K(x) = E[log (1/K) sum_k p(x, z_k) / q(z_k|x)], z_k ~ q(z|x) independently,
 *
 * with L_1 = ELBO <= L_K <= L_{K+1} <= log p(x). Training on L_K (the IWAE) gives tighter bounds and more active
 * latent units than the VAE.
 *
 * References: Y. Burda, R. Grosse and R. Salakhutdinov, "Importance Weighted Autoencoders", 2016,
 * https://arxiv.org/abs/1509.00519
 */
import * as tf from '../engine/tf.js';
import { sampleAndDecode } from './elbo.js';
import type { LatentVariableModel } from './model.js';

/**
 * log w_k = log p(x|z_k) + log p(z_k) - log q(z_k|x) for K draws z_k ~ q(z|x): shape `[K, m]`. The draws are
 * reparameterized, so the weights are differentiable in the encoder's and decoder's parameters. `slab` bounds the
 * samples decoded at once (see `sampleAndDecode`).
 */
export function logImportanceWeights(
  model: LatentVariableModel,
  x: tf.Tensor2D,
  samples: number,
  seed?: number,
  context?: tf.Tensor2D,
  slab = samples,
): tf.Tensor2D {
  return tf.tidy(() => {
    const { q, z, logLikelihood } = sampleAndDecode(model, x, samples, seed, context, slab);
    const p = model.prior(context);
    return tf.add<tf.Tensor2D>(logLikelihood, tf.sub(p.logProb(z), q.logProb(z)));
  });
}

/**
 * The IWAE bound L_K of each example of `x` (`[m, D]`): logsumexp_k(log w_k) - log K, shape `[m]`.
 *
 * @example
 * const bound = iwaeBound(vae, x, 50); // [m], >= the ELBO on average
 */
export function iwaeBound(
  model: LatentVariableModel,
  x: tf.Tensor2D,
  samples: number,
  seed?: number,
  context?: tf.Tensor2D,
): tf.Tensor1D {
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`iwaeBound: argument 'samples' must be a positive integer, got ${samples}`);
  return tf.tidy(() =>
    tf.sub<tf.Tensor1D>(
      tf.logSumExp(logImportanceWeights(model, x, samples, seed, context), 0),
      Math.log(samples),
    ),
  );
}
