/**
 * Held-out metrics of an ALI/BiGAN: how well G inverts E on test data (`recon_mse`), the discriminator's loss on
 * test pairs against generated pairs and the JSD between the two joints that it bounds (`d_loss`, `divergence`),
 * and a cheap reading of the encoder's features, the leave-one-out 1-nearest-neighbour accuracy of the test codes
 * (`knn_accuracy`; BiGAN's paper reports 1-NN accuracies of its features on MNIST). The train/test probes against
 * raw pixels and other encoders are `latentlab probe`'s.
 *
 * References: J. Donahue, P. Kraehenbuehl and T. Darrell, "Adversarial Feature Learning", ICLR 2017,
 * https://arxiv.org/abs/1605.09782
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { nearestNeighbourAccuracy } from '../../metrics/probe.js';
import { divergenceBound } from '../gan/losses.js';
import { biganDiscriminatorLoss } from './losses.js';
import type { BiganModel } from './model.js';

/** The most test examples evaluated. */
export const EVALUATION_EXAMPLES = 10000;

/** What {@link evaluateBigan} returns. */
export interface BiganEvaluation {
  /**
   * Mean squared error per value (pixel) of G(E(x)) against x; for ALI, G(mu(x)). For scale, on the embedded MNIST
   * test digits: 0.067 for the mean training image, 0.113 for a black image, 0.134 for a random other digit.
   */
  recon_mse: number;
  /** The discriminator's loss L_D on test pairs (x, E(x)) against as many generated pairs (G(z), z). */
  d_loss: number;
  /** The lower bound (log 4 - d_loss) / 2 on JSD(p_E(x, z) || p_G(x, z)). */
  divergence: number;
  /** Leave-one-out 1-NN accuracy of the test codes E(x) (mu(x) for ALI) by label; null without labels. */
  knn_accuracy: number | null;
  n: number;
}

/**
 * Evaluate `model` on (up to {@link EVALUATION_EXAMPLES}) examples of `data`, in order, in batches; `seed` fixes
 * the noise of the generated pairs and ALI's draws from q(z | x), so the same model scores the same.
 *
 * @example
 * const { recon_mse, knn_accuracy } = evaluateBigan(bigan, split.test, { seed: 0 });
 */
export function evaluateBigan(
  model: BiganModel,
  data: Dataset,
  { seed, batchSize = 500 }: { seed: number; batchSize?: number },
): BiganEvaluation {
  const n = Math.min(data.n, EVALUATION_EXAMPLES);
  const d = model.dimension;
  const codes = new Float32Array(n * model.config.latent);
  let [squares, losses] = [0, 0];
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const [mean, sum, loss] = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(data.values.subarray(start * d, (start + m) * d)), [m, d]);
      const z = model.encode(x);
      const error = tf.sum(tf.square(tf.sub(model.generate(z), x)));
      const logits = model.pairLogits(x, deriveSeed(seed, 'pairs', start));
      return [z, error, biganDiscriminatorLoss(logits.real, logits.generated)];
    });
    codes.set(mean.dataSync(), start * model.config.latent);
    squares += sum.dataSync()[0];
    losses += loss.dataSync()[0] * m;
    tf.dispose([mean, sum, loss]);
  }
  const dLoss = losses / n;
  const labels = data.labels?.subarray(0, n) ?? null;
  const features = { values: codes, n, d: model.config.latent };
  return {
    recon_mse: squares / (n * d),
    d_loss: dLoss,
    divergence: divergenceBound('ns', dLoss),
    knn_accuracy:
      labels === null || n < 2
        ? null
        : nearestNeighbourAccuracy(features, labels, features, labels, { leaveOneOut: true }),
    n,
  };
}
