/**
 * Held-out metrics of an adversarial autoencoder: how well it reconstructs (the Bernoulli reconstruction loss and
 * the squared error of its decoder means) and how well its codes match the prior (the MMD between the codes and
 * prior draws, and the discriminator's loss on them, with the Jensen-Shannon bound that loss gives).
 *
 * References: A. Makhzani et al., "Adversarial Autoencoders", 2015, https://arxiv.org/abs/1511.05644; A. Gretton et
 * al., "A Kernel Two-Sample Test", JMLR 13, 2012, https://jmlr.org/papers/v13/gretton12a.html
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { batches, binarize } from '../../data/batches.js';
import type { Dataset } from '../../data/dataset.js';
import { mmdSquared, PRIOR_MMD_EXAMPLES } from '../../metrics/mmd.js';
import { discriminatorLoss, divergenceBound } from '../gan/losses.js';
import type { AdversarialAutoencoder } from './model.js';

/** What {@link evaluateAae} measures, means over the examples. */
export interface AaeEvaluation {
  /** -log p(x | E(x)) of the binarized images, nats per image. */
  reconBce: number;
  /** The mean squared error per pixel of the decoder means sigmoid(f(E(x))) against the grey images. */
  reconMse: number;
  /**
   * The unbiased MMD^2 between the codes E(x) of the first {@link PRIOR_MMD_EXAMPLES} images and as many prior
   * draws (label-guided: each from its image's component); null with fewer than two images.
   */
  priorMmd: number | null;
  /** The discriminator's loss on the codes of every image against as many prior draws. */
  dLoss: number;
  /** The lower bound (log 4 - dLoss) / 2 on JSD(q(z) || p(z)) that the discriminator's loss gives. */
  divergence: number;
  n: number;
}

/** Options of {@link evaluateAae}. */
export interface AaeEvaluateOptions {
  /** Fixes the binarization of the images and the prior draws: the same seed gives the same numbers. */
  seed?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluate `model` on every example of `data`, in order. Each image is binarized once, with a seed fixed by `seed`
 * and the batch (as the VAE's evaluation does), and encoded from that binary image, as in training.
 *
 * @example
 * const { reconBce, priorMmd } = evaluateAae(aae, split.test, { seed: 1 });
 */
export function evaluateAae(
  model: AdversarialAutoencoder,
  data: Dataset,
  { seed = 1, batchSize = 500, onProgress }: AaeEvaluateOptions = {},
): AaeEvaluation {
  const d = model.config.latent;
  const kept = Math.min(PRIOR_MMD_EXAMPLES, data.n);
  const codes = new Float32Array(kept * d);
  const draws = new Float32Array(kept * d);
  const sums = { bce: 0, mse: 0, dLoss: 0 };
  let done = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const m = batch.x.shape[0];
    const guide = model.guidance(batch.labels, m);
    const prior = model.prior.sample(m, deriveSeed(seed, 'prior', batch.index), {
      components: guide?.components,
    });
    try {
      const [z, bce, mse, dLoss] = tf.tidy((): [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Scalar] => {
        const x = binarize(batch.x, deriveSeed(seed, 'binarize', batch.index)) as tf.Tensor2D;
        const code = model.encode(x);
        const onehot = guide?.onehot ?? null;
        return [
          code,
          tf.sum(model.reconstructionLoss(x, code)),
          tf.sum(tf.square(tf.sub(model.decode(code), batch.x))),
          discriminatorLoss('ns', model.discriminate(prior, onehot), model.discriminate(code, onehot)),
        ];
      });
      sums.bce += bce.dataSync()[0];
      sums.mse += mse.dataSync()[0];
      sums.dLoss += dLoss.dataSync()[0] * m;
      const rows = Math.min(m, kept - done);
      if (rows > 0) {
        codes.set(z.dataSync().subarray(0, rows * d), done * d);
        draws.set(prior.dataSync().subarray(0, rows * d), done * d);
      }
      tf.dispose([z, bce, mse, dLoss]);
    } finally {
      tf.dispose([batch.x, batch.labels ?? [], prior, guide?.onehot ?? []]);
    }
    done += m;
    onProgress?.(done, data.n);
  }
  const dLoss = sums.dLoss / done;
  return {
    reconBce: sums.bce / done,
    reconMse: sums.mse / (done * model.inputSize),
    priorMmd: kept < 2 ? null : mmdSquared({ values: codes, n: kept, d }, { values: draws, n: kept, d }),
    dLoss,
    divergence: divergenceBound('ns', dLoss),
    n: done,
  };
}
