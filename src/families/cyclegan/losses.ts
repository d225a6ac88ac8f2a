/**
 * The CycleGAN objective (Zhu et al. 2017, eq. 3 and section 5.2), with generators G: A -> B and F: B -> A and
 * discriminators D_A (real A against F(b)) and D_B (real B against G(a)):
 *
 *   L(G, F, D_A, D_B) = L_GAN(G, D_B) + L_GAN(F, D_A)
 *                     + lambda_cyc (||F(G(a)) - a||_1 + ||G(F(b)) - b||_1)
 *                     + lambda_id (||G(b) - b||_1 + ||F(a) - a||_1).
 *
 * The cycle terms are what make an unpaired translation well posed: the adversarial terms alone only ask that
 * G(A) look like B, which any map onto B's distribution does; cycle consistency asks that G and F be (nearly)
 * inverse bijections, so that each a keeps what identifies it. The identity terms ask a generator to leave alone
 * what is already in its output domain (the paper's colour preservation, section 5.2).
 *
 * The norms are means over every entry (PyTorch's `nn.L1Loss`, as the authors' code has them), so lambda_cyc = 10
 * and lambda_id = 5 weigh them as in the paper whatever the dimension. The adversarial terms are the GAN family's
 * (`discriminatorLoss`, `generatorLoss`): least squares by default, as in the paper, whose generator term
 * E[(D(G(a)) - 1)^2] is twice the GAN family's 1/2 E[(D(G(a)) - 1)^2], so against the paper's the adversarial
 * part here has half the weight (the same as doubling both lambdas).
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593; X. Mao et al., "Least
 * Squares Generative Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1611.04076
 */
import * as tf from '../../engine/tf.js';
import { discriminatorLoss, generatorLoss } from '../gan/losses.js';

/** The adversarial losses a CycleGAN takes: least squares (the paper's) or the non-saturating one. */
export type CycleGanLoss = 'lsgan' | 'ns';
/** Every {@link CycleGanLoss}, as `--loss` takes them. */
export const CYCLEGAN_LOSSES: readonly CycleGanLoss[] = ['lsgan', 'ns'];

/** The four networks of a CycleGAN as functions of flattened batches `[m, D]`. */
export interface CycleGanNetworks {
  /** G: A -> B. */
  G: (x: tf.Tensor2D) => tf.Tensor2D;
  /** F: B -> A. */
  F: (x: tf.Tensor2D) => tf.Tensor2D;
  /** D_A's logits `[m]`: real A against F(b). */
  dA: (x: tf.Tensor2D) => tf.Tensor1D;
  /** D_B's logits `[m]`: real B against G(a). */
  dB: (x: tf.Tensor2D) => tf.Tensor1D;
}

/** The weights of the objective. */
export interface CycleGanWeights {
  loss: CycleGanLoss;
  /** lambda_cyc. */
  cycle: number;
  /** lambda_id; 0 leaves the identity terms out (and uncomputed). */
  identity: number;
}

/**
 * The mean absolute difference over every entry, (1 / (m D)) sum |x - y| (PyTorch's `nn.L1Loss()`).
 *
 * @example
 * meanAbsoluteError(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]])); // 0.5
 */
export function meanAbsoluteError(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean<tf.Scalar>(tf.abs(tf.sub(x, y))));
}

/** The generators' objective and its parts, as scalars. */
export interface GeneratorObjective extends Record<string, tf.Scalar> {
  /** adversarial + lambda_cyc cycle + lambda_id identity: what G and F minimise. */
  loss: tf.Scalar;
  /** L_GAN(G, D_B) + L_GAN(F, D_A), the generators' side of each game. */
  adversarial: tf.Scalar;
  /** ||F(G(a)) - a||_1 + ||G(F(b)) - b||_1, unweighted. */
  cycle: tf.Scalar;
}

/**
 * The objective G and F minimise on a batch `a` of domain A and a batch `b` of domain B (they may differ in size):
 * the adversarial terms, the cycle terms and (with lambda_id > 0) the identity terms, each part unweighted beside
 * the weighted total `loss`.
 *
 * @example
 * const parts = cycleGanGeneratorObjective(nets, a, b, { loss: 'lsgan', cycle: 10, identity: 5 });
 * // { loss, adversarial, cycle, identity }: scalars
 */
export function cycleGanGeneratorObjective(
  nets: CycleGanNetworks,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  { loss, cycle, identity }: CycleGanWeights,
): GeneratorObjective {
  return tf.tidy((): GeneratorObjective => {
    const ga = nets.G(a);
    const fb = nets.F(b);
    const adversarial = tf.add<tf.Scalar>(generatorLoss(loss, nets.dB(ga)), generatorLoss(loss, nets.dA(fb)));
    const cycleLoss = tf.add<tf.Scalar>(meanAbsoluteError(nets.F(ga), a), meanAbsoluteError(nets.G(fb), b));
    let total = tf.add<tf.Scalar>(adversarial, tf.mul(cycleLoss, cycle));
    if (identity === 0) return { loss: total, adversarial, cycle: cycleLoss };
    const identityLoss = tf.add<tf.Scalar>(meanAbsoluteError(nets.G(b), b), meanAbsoluteError(nets.F(a), a));
    total = tf.add(total, tf.mul(identityLoss, identity));
    return { loss: total, adversarial, cycle: cycleLoss, identity: identityLoss };
  });
}

/**
 * The discriminators' objective: D_A's loss on real `a` against `fakeA` = F(b) plus D_B's on real `b` against
 * `fakeB` = G(a), each the GAN family's `discriminatorLoss`. The fakes are constants here (made before the
 * generators' update, as in the authors' code).
 */
export function cycleGanDiscriminatorObjective(
  nets: Pick<CycleGanNetworks, 'dA' | 'dB'>,
  real: { a: tf.Tensor2D; b: tf.Tensor2D },
  fake: { a: tf.Tensor2D; b: tf.Tensor2D },
  loss: CycleGanLoss,
): tf.Scalar {
  return tf.tidy(() =>
    tf.add<tf.Scalar>(
      discriminatorLoss(loss, nets.dA(real.a), nets.dA(fake.a)),
      discriminatorLoss(loss, nets.dB(real.b), nets.dB(fake.b)),
    ),
  );
}
