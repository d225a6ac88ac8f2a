/**
 * Draws from a GAN as data: what sampling and the pictures use.
 */
import * as tf from '../../engine/tf.js';
import type { Dataset } from '../../data/dataset.js';
import type { SampleOptions } from '../family.js';
import type { GanModel } from './model.js';

/**
 * `n` generated examples as a data set of the training data's shape (images in [0, 1]). For InfoGAN, `labels` fix
 * the categorical code of each example (drawn uniformly when absent), and the data set carries the codes as its
 * labels; a plain GAN refuses `labels` with an `OptionError`, having no categorical code.
 *
 * @example
 * ganSamples(infogan, 10, { seed: 0, labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }); // one example of each code
 */
export function ganSamples(gan: GanModel, n: number, options: SampleOptions): Dataset {
  const { input, codes } = gan.generatorInput(n, options.seed ?? 0, options);
  let values: Float32Array;
  let labels: Int32Array | null = null;
  try {
    const x = gan.generator.apply(input);
    values = x.dataSync() as Float32Array;
    x.dispose();
    if (codes !== null) labels = Int32Array.from(codes.categorical.dataSync());
  } finally {
    tf.dispose([input, codes?.categorical ?? [], codes?.continuous ?? []]);
  }
  return {
    name: 'samples',
    kind: gan.isImage ? 'image' : 'vector',
    shape: [...gan.config.inputShape],
    values,
    labels,
    n,
    numClasses: labels === null ? 0 : gan.config.categories,
  };
}
