/**
 * Draws from a GAN as data: what sampling and the pictures use.
 */
import type { Dataset } from '../../data/dataset.js';
import type { SampleOptions } from '../family.js';
import type { GanModel } from './model.js';

/** `n` generated examples as a data set of the training data's shape (images in [0, 1]). */
export function ganSamples(gan: GanModel, n: number, options: SampleOptions): Dataset {
  const x = gan.generate(n, options.seed ?? 0, options.temperature);
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return {
    name: 'samples',
    kind: gan.isImage ? 'image' : 'vector',
    shape: [...gan.config.inputShape],
    values,
    labels: null,
    n,
    numClasses: 0,
  };
}
