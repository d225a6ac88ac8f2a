/**
 * How far the classes a classifier assigns to generated samples are from uniform: the mode-dropping score of
 * class-conditional data such as MNIST, where a generator that covers every digit equally scores 0.
 *
 * References: L. Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017, https://arxiv.org/abs/1611.02163
 * (the stacked-MNIST KL of the class distribution to uniform); A. Srivastava et al., "VEEGAN: Reducing Mode
 * Collapse in GANs using Implicit Variational Learning", NeurIPS 2017, https://arxiv.org/abs/1705.07761 (the same
 * score); T. Che et al., "Mode Regularized Generative Adversarial Networks", ICLR 2017,
 * https://arxiv.org/abs/1612.02136 (the MODE score's KL of the marginal label distribution).
 */
import { MetricArgumentError } from './errors.js';

/**
 * KL(p || uniform) in nats, p the histogram of the predicted class labels over `numClasses` = K classes:
 *
 *   sum_c p_c log(p_c K), with 0 log 0 = 0,
 *
 * 0 when every class is predicted equally often, log K when one class takes every sample. The same value as
 * `scipy.stats.entropy(p, np.full(K, 1 / K))`, as `modeCoverage`'s `modeKl` over modes.
 *
 * Throws a {@link MetricArgumentError} for no labels, a label that is not an integer in [0, K), or a `numClasses`
 * that is not an integer >= 1.
 *
 * @example
 * classHistogramKl([0, 1, 2, 3], 4); // 0
 * classHistogramKl([7, 7, 7], 10); // log 10 = 2.3026
 * classHistogramKl([0, 0, 1, 1], 4); // log 2 = 0.6931 (half the classes dropped)
 */
export function classHistogramKl(predicted: ArrayLike<number>, numClasses: number): number {
  const fn = 'classHistogramKl';
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new MetricArgumentError(`${fn}: argument 'numClasses' must be an integer >= 1, got ${numClasses}`);
  const n = predicted.length;
  if (n === 0) throw new MetricArgumentError(`${fn}: argument 'predicted' must hold at least one label`);
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    const c = predicted[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses)
      throw new MetricArgumentError(
        `${fn}: argument 'predicted' must hold integer labels in [0, ${numClasses}), got ${c} at index ${i}`,
      );
    counts[c]++;
  }
  let kl = 0;
  for (const count of counts)
    if (count > 0) {
      const p = count / n;
      kl += p * Math.log(p * numClasses);
    }
  return kl;
}
