/**
 * Draws from an ALI/BiGAN as data, and its latent codes: what sampling, interpolating and the pictures use.
 */
import * as tf from '../../engine/tf.js';
import { nextSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { OptionError } from '../../train/options.js';
import { drawnDataset } from '../drawn.js';
import type { LatentCodes, SampleOptions } from '../family.js';
import type { BiganModel } from './model.js';

/**
 * `n` generated examples G(z), z ~ N(0, T^2 I) (`temperature` T, 1 by default), as a data set of the training
 * data's shape (images in [0, 1]). An ALI/BiGAN is unconditional: `labels` are refused with an `OptionError`.
 *
 * @example
 * biganSamples(bigan, 64, { seed: 0, temperature: 0.8 }); // 64 digits, [64, 28, 28, 1]
 */
export function biganSamples(
  model: BiganModel,
  n: number,
  { seed, temperature = 1, labels }: SampleOptions,
): Dataset {
  if (labels !== undefined)
    throw new OptionError('labels', `cannot be given: a ${model.config.kind} model is unconditional`);
  return drawnDataset(
    tf.tidy(() => model.generate(model.noise(n, seed ?? nextSeed(), temperature))),
    model.config.inputShape,
  );
}

/** An ALI/BiGAN's latent codes: E(x) (ALI: the mean mu(x) of q(z | x)), decoded by G. */
export const BIGAN_LATENT: LatentCodes<BiganModel> = {
  encode: (model, x) => model.encode(x),
  decode: (model, z) => model.generate(z),
};
