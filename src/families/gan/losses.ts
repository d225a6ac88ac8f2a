/**
 * The losses of the GAN game, on the discriminator's logits d (critic values for WGAN-GP).
 *
 * The minimax game (Goodfellow et al. 2014) is min_G max_D V(G, D) with
 *
 *   V(G, D) = E_p[log D(x)] + E_q[log(1 - D(x))],     q: the generator's distribution.
 *
 * For a fixed G the inner maximum is pointwise: D*(x) = p(x) / (p(x) + q(x)), and there
 * V(G, D*) = -log 4 + 2 JSD(p || q), so training G against the best D minimises the Jensen-Shannon divergence. Any
 * other D gives less: V(G, D) <= V(G, D*), so (log 4 + V(G, D)) / 2 is a lower bound on the JSD that a held-out
 * discriminator loss reads off (`divergenceBound`).
 *
 * - `minimax`: D minimises -V; G minimises E_q[log(1 - D(G(z)))], which saturates when D rejects the samples.
 * - `ns` (non-saturating): G minimises -E_q[log D(G(z))] instead: the same fixed point, strong gradients early.
 * - `lsgan` (Mao et al. 2017, targets 0 and 1): D minimises 1/2 E_p[(d - 1)^2] + 1/2 E_q[d^2] on raw outputs, G
 *   minimises 1/2 E_q[(d - 1)^2]. The optimal d is again p / (p + q), where the loss is 1/2 int pq / (p + q) <= 1/4.
 * - `wgan-gp` (Gulrajani et al. 2017): the critic minimises E_q[d] - E_p[d] + lambda E[(||grad_x d(x)||_2 - 1)^2],
 *   the penalty on random interpolates between real and generated points keeping the critic near 1-Lipschitz, so
 *   E_p[d] - E_q[d] estimates the Wasserstein-1 distance; G minimises -E_q[d].
 *
 * The variationally regularised generator (`regOldPenalty`). Read the generator's update as variational inference:
 * the new q minimises the adversarial loss plus KL(q || q_old), the divergence from the generator before the update,
 * a trust region that keeps q from jumping between modes. The marginal KL has no closed form, but with z shared and
 * a Gaussian observation model q(x | z) = N(G(z), sigma^2 I) the joint KL bounds it from above (the chain rule of
 * KL: KL of the joints = KL of the marginals + an expected conditional KL >= 0) and equals
 *
 *   KL(q(x, z) || q_old(x, z)) = E_z ||G(z) - G_old(z)||^2 / (2 sigma^2),
 *
 * so the penalty is lambda E_z ||G(z) - G_old(z)||^2 with lambda = 1 / (2 sigma^2), on the same noise z for both.
 *
 * References: I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, https://arxiv.org/abs/1406.2661;
 * X. Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1611.04076;
 * I. Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017, https://arxiv.org/abs/1704.00028;
 * X. Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing Generative Adversarial
 * Nets", NeurIPS 2016, https://arxiv.org/abs/1606.03657
 */
import * as tf from '../../engine/tf.js';
import type { GanLoss } from './config.js';
import type { CodePosterior } from './networks.js';

/** The discriminator's loss (without the gradient penalty) on the logits of real and generated examples. */
export function discriminatorLoss(loss: GanLoss, real: tf.Tensor1D, fake: tf.Tensor1D): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    switch (loss) {
      case 'ns':
      case 'minimax':
        // -log D(x) - log(1 - D(G(z))) with D = sigmoid(d): softplus(-d) and softplus(d).
        return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)));
      case 'lsgan':
        return tf.mul(tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake))), 0.5);
      case 'wgan-gp':
        return tf.sub(tf.mean(fake), tf.mean(real));
    }
  });
}

/** The generator's loss on the logits of its examples. */
export function generatorLoss(loss: GanLoss, fake: tf.Tensor1D): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    switch (loss) {
      case 'ns':
        return tf.mean(tf.softplus(tf.neg(fake)));
      case 'minimax':
        // log(1 - sigmoid(d)) = -softplus(d).
        return tf.neg(tf.mean(tf.softplus(fake))) as tf.Scalar;
      case 'lsgan':
        return tf.mul(tf.mean(tf.square(tf.sub(fake, 1))), 0.5);
      case 'wgan-gp':
        return tf.neg(tf.mean(fake)) as tf.Scalar;
    }
  });
}

/**
 * The divergence a discriminator's held-out loss bounds from below (0 when it cannot tell the two apart): for
 * minimax and ns the JSD bound (log 4 - loss) / 2, for lsgan 1/4 - loss, for wgan-gp the critic's estimate of the
 * Wasserstein-1 distance, -loss.
 */
export function divergenceBound(loss: GanLoss, discriminatorLossValue: number): number {
  switch (loss) {
    case 'ns':
    case 'minimax':
      return (Math.log(4) - discriminatorLossValue) / 2;
    case 'lsgan':
      return 0.25 - discriminatorLossValue;
    case 'wgan-gp':
      return -discriminatorLossValue;
  }
}

/**
 * WGAN-GP's penalty E[(||grad_x critic(x)||_2 - 1)^2] at x = e real + (1 - e) fake, e ~ U(0, 1) per example (seeded).
 * Differentiable with respect to the critic's weights (a gradient of a gradient).
 */
export function gradientPenalty(
  critic: (x: tf.Tensor2D) => tf.Tensor1D,
  real: tf.Tensor2D,
  fake: tf.Tensor2D,
  seed: number,
): tf.Scalar {
  return tf.tidy(() => {
    const e = tf.randomUniform([real.shape[0], 1], 0, 1, 'float32', seed);
    const x = tf.add<tf.Tensor2D>(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const g = tf.grad((xi: tf.Tensor) => tf.sum(critic(xi as tf.Tensor2D)))(x);
    // The small constant keeps the norm's own gradient finite where the critic is flat.
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), 1), 1e-12));
    return tf.mean(tf.square(tf.sub(norm, 1)));
  });
}

/** The variational penalty E_z ||G(z) - G_old(z)||^2 (summed over dimensions, averaged over the batch). */
export function regOldPenalty(generated: tf.Tensor2D, old: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(generated, old)), 1)));
}

/** The codes a batch was generated from: the categorical values c (integers 0..K-1) and the continuous u. */
export interface InfoCodes {
  /** c, `[n]` (int32 or float32 holding integers). */
  categorical: tf.Tensor1D;
  /** u, `[n, continuousCodes]`; null without continuous codes. */
  continuous: tf.Tensor2D | null;
}

/** The weights of the two parts of InfoGAN's bound L_I. */
export interface InfoWeights {
  /** The weight of E[log Q(c | x)]; default 1. */
  categorical?: number;
  /** The weight of E[log Q(u | x)]; default 0.1. */
  continuous?: number;
}

/**
 * InfoGAN's loss -L_I, the negated variational lower bound on the mutual information between the codes and the
 * generated example x = G(z, c, u), averaged over the batch:
 *
 *   L_I = w_c E[log Q(c | x)] + w_u E[log Q(u | x)].
 *
 * The bound (Chen et al., Lemma 5.1; Barber and Agakov's bound). With P(c | x) the generator's true posterior and
 * any Q(c | x),
 *
 *   I(c; G(z, c)) = H(c) - H(c | x) = H(c) + E_x E_{c' ~ P(c | x)}[log P(c' | x)]
 *                 = H(c) + E_x[KL(P(. | x) || Q(. | x))] + E_x E_{c' ~ P(c | x)}[log Q(c' | x)]
 *                >= H(c) + E_{c ~ P(c), x = G(z, c)}[log Q(c | x)],
 *
 * since a KL is >= 0 (the bound is tight at Q = P), and drawing x and then c' ~ P(c | x) is drawing the joint (c, x),
 * so the last expectation needs no sample from the posterior: the code the example was generated from is one. H(c)
 * = log K is a constant of the uniform code, so maximising E[log Q(c | x)] maximises the bound; the continuous codes
 * go the same way with differential entropies (h(u) = log 2 per code of U(-1, 1)). Q(u | x) here is N(mu(x), I), so
 * log Q(u | x) = -1/2 ||u - mu(x)||^2 - (d / 2) log(2 pi): a squared error up to its constant, which is kept so the
 * value is the bound's. Both players maximise L_I: the generator makes its codes legible, Q learns to read them.
 *
 * @example
 * const q = discriminator.q!.apply(discriminator.features(x)); // Q(c, u | x) of generated x
 * const loss = infoLoss(q, { categorical: c, continuous: u }, { categorical: 1, continuous: 0.1 });
 */
export function infoLoss(
  q: CodePosterior,
  codes: InfoCodes,
  { categorical = 1, continuous = 0.1 }: InfoWeights = {},
): tf.Scalar {
  return tf.tidy(() => {
    const logQc = tf.mean(q.categorical.logProb(codes.categorical));
    let bound: tf.Tensor = tf.mul(logQc, categorical);
    if (q.continuous !== null && codes.continuous !== null)
      bound = tf.add(bound, tf.mul(tf.mean(q.continuous.logProb(codes.continuous)), continuous));
    else if ((q.continuous === null) !== (codes.continuous === null))
      throw new Error('infoLoss: Q(u | x) and the continuous codes u must be given together');
    return tf.neg(bound) as tf.Scalar;
  });
}
