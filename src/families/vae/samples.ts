/**
 * Draws from a VAE as data, and its latent codes: what sampling, interpolating and the pictures use.
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { OptionError } from '../../train/options.js';
import type { LatentCodes } from '../family.js';
import type { VAE } from './model.js';

/**
 * `n` draws from a VAE as a data set shaped like its training data: for images the decoder's means at prior draws
 * (the usual picture), for vectors draws x ~ p(x|z) of the whole generative model, whose density is the data's.
 * A conditional VAE draws the classes in turn unless `labels` are given.
 */
export function vaeSamples(
  vae: VAE,
  n: number,
  options: { seed?: number; temperature?: number; labels?: readonly number[] },
): Dataset {
  const { inputShape, numClasses } = vae.config;
  const image = inputShape.length === 3;
  const labels =
    numClasses > 0 ? (options.labels ?? Array.from({ length: n }, (_, i) => i % numClasses)) : undefined;
  if (labels !== undefined && labels.length !== n)
    throw new OptionError('labels', `must hold one label per sample (${n}), got ${labels.length}`);
  const seed = resolveSeed(options.seed);
  const x = tf.tidy(() => {
    if (image) return vae.sample(n, { seed, temperature: options.temperature, labels });
    // Vectors: draws x ~ p(x|z) of the whole generative model, whose density is what the data has.
    const context = vae.context(labels, n);
    const z = vae.drawPrior(n, context, { seed: deriveSeed(seed, 'z'), temperature: options.temperature });
    return vae.likelihood(z, context).sample([], deriveSeed(seed, 'x'));
  });
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return {
    name: 'samples',
    kind: image ? 'image' : 'vector',
    shape: [...inputShape],
    values,
    labels: labels === undefined ? null : Int32Array.from(labels),
    n,
    numClasses,
  };
}

/** A VAE's latent codes: posterior means, decoded to the decoder's means. */
export const VAE_LATENT: LatentCodes<VAE> = {
  encode: (vae, x, labels) => vae.transform(x, { labels }),
  decode: (vae, z, labels) => vae.generate(z, { labels }),
};
