/**
 * The game of an ALI/BiGAN, on the discriminator's logits of pairs. D(x, z) = sigmoid(d(x, z)) reads a pair and
 * says whether it is a real pair (x, E(x)), x ~ p(x) (for ALI z ~ q(z | x)), or a generated one (G(z), z),
 * z ~ N(0, I). The value of the game is the GAN's on the joint space:
 *
 *   V(D, E, G) = E_{x ~ p}[log D(x, E(x))] + E_{z ~ p(z)}[log(1 - D(G(z), z))],
 *
 * whose optimal D is p_E(x, z) / (p_E(x, z) + p_G(x, z)), where V = -log 4 + 2 JSD(p_E(x, z) || p_G(x, z)); at the
 * global optimum the two joints agree, so E and G invert each other (Donahue et al., Theorems 1 and 2). The
 * held-out D loss therefore bounds the JSD between the joints from below (`divergenceBound`, as for a GAN).
 *
 * Both losses are the GAN family's non-saturating ones (`discriminatorLoss` and `generatorLoss` of
 * `gan/losses.ts`). For E and G the "fake" side is the real pair: E wants D to call its pairs generated, G wants D
 * to call its pairs real, so their loss is D's with the labels swapped:
 *
 *   L_D  = E_x[softplus(-d(x, E(x)))] + E_z[softplus(d(G(z), z))]
 *        = discriminatorLoss('ns', d_real, d_fake),
 *   L_EG = E_z[softplus(-d(G(z), z))] + E_x[softplus(d(x, E(x)))]
 *        = -E log D(G(z), z) - E log(1 - D(x, E(x)))
 *        = generatorLoss('ns', d_fake) + generatorLoss('ns', -d_real) = discriminatorLoss('ns', d_fake, d_real).
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782; V. Dumoulin et al., "Adversarially Learned Inference", ICLR 2017,
 * https://arxiv.org/abs/1606.00704
 */
import type * as tf from '../../engine/tf.js';
import { discriminatorLoss } from '../gan/losses.js';

/**
 * The discriminator's loss L_D on the logits of real pairs (x, E(x)) and of generated pairs (G(z), z): log 4 when
 * it cannot tell them apart (all logits 0), towards 0 as it separates them.
 *
 * @example
 * biganDiscriminatorLoss(tf.tensor1d([0, 0]), tf.tensor1d([0, 0])); // log 4 = 1.3863
 */
export function biganDiscriminatorLoss(realPairs: tf.Tensor1D, generatedPairs: tf.Tensor1D): tf.Scalar {
  return discriminatorLoss('ns', realPairs, generatedPairs);
}

/**
 * The encoder's and generator's non-saturating loss L_EG: D's loss with the two sides swapped,
 * -E log D(G(z), z) - E log(1 - D(x, E(x))).
 *
 * @example
 * biganEncoderGeneratorLoss(tf.tensor1d([2]), tf.tensor1d([-2])); // 2 softplus(2) = 4.2539
 */
export function biganEncoderGeneratorLoss(realPairs: tf.Tensor1D, generatedPairs: tf.Tensor1D): tf.Scalar {
  return discriminatorLoss('ns', generatedPairs, realPairs);
}
