/**
 * Draws from a CycleGAN as data: translations into domain A, F(b), of seeded draws b of domain B, so that the
 * samples live where the training data do (what `latentlab sample`, the sample metrics and the generic suite
 * expect of every family): on 2-D data b is drawn from the target density; on images b is drawn from the bank of
 * B-domain training examples the model keeps.
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, Random, resolveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { sampleToy2d } from '../../data/toy2d.js';
import { OptionError } from '../../train/options.js';
import { drawnDataset } from '../drawn.js';
import type { SampleOptions } from '../family.js';
import type { CycleGanModel } from './model.js';

/**
 * Rows of the bank for `n` draws seeded by `seed`: a seeded permutation of the filled rows, so that up to that many
 * draws are all distinct, then rows drawn uniformly with replacement.
 */
function bankDraws(filled: number, n: number, seed: number): Int32Array {
  const random = new Random(resolveSeed(deriveSeed(seed, 'bank')));
  const order = random.permutation(filled);
  return Int32Array.from({ length: n }, (_, i) => (i < filled ? order[i] : random.int(filled)));
}

/**
 * `n` seeded draws b of domain B (`[n, D]`): from the target density on 2-D data, from the bank on images (an
 * `Error` when the bank is empty: the model has not been trained).
 */
export function domainBDraws(model: CycleGanModel, n: number, seed: number): tf.Tensor2D {
  if (model.config.target !== null)
    return tf.tensor2d(sampleToy2d(model.config.target, n, deriveSeed(seed, 'target')), [n, 2]);
  const filled = model.banked;
  if (filled === 0)
    throw new Error('cyclegan: this model has seen no B-domain example to translate yet; train it first');
  return tf.tidy(() =>
    tf.gather(model.bankRows(filled), tf.tensor1d(bankDraws(filled, n, seed), 'int32'), 0),
  );
}

/**
 * `n` samples F(b) of domain A, b drawn as {@link domainBDraws} draws them with `seed`, as a data set of the
 * training data's shape (images in [0, 1]), without labels.
 *
 * @example
 * cycleGanSamples(model, 64, { seed: 0 }); // 64 translations into domain A
 */
export function cycleGanSamples(
  model: CycleGanModel,
  n: number,
  { seed = 0, labels, temperature }: SampleOptions,
): Dataset {
  if (labels !== undefined)
    throw new OptionError(
      'labels',
      'cannot be given: a CycleGAN translates, it has no class or code to condition on',
    );
  if (temperature !== undefined && temperature !== 1)
    throw new OptionError(
      'temperature',
      'cannot be given: a CycleGAN translates draws of domain B, it has no noise',
    );
  if (!Number.isInteger(n) || n < 1) throw new OptionError('n', `must be a positive integer, got ${n}`);
  return drawnDataset(
    tf.tidy(() => model.translate('ba', domainBDraws(model, n, seed))),
    model.config.inputShape,
  );
}
