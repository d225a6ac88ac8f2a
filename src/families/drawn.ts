/**
 * Draws of a model as a data set, what every family's `sample` returns.
 */
import type * as tf from '../engine/tf.js';
import type { Dataset } from '../data/dataset.js';

/**
 * The draws `x` (`[n, ...]`, flattened or not) of a model of examples of shape `shape` as a data set named
 * `samples`: images for `[h, w, c]`, vectors otherwise. Reads `x` back and disposes it.
 *
 * @example
 * return drawnDataset(tf.tidy(() => model.generate(noise)), model.config.inputShape);
 */
export function drawnDataset(
  x: tf.Tensor,
  shape: readonly number[],
  { labels = null, numClasses = 0 }: { labels?: Int32Array | null; numClasses?: number } = {},
): Dataset {
  const values = x.dataSync() as Float32Array;
  const n = x.shape[0];
  x.dispose();
  return {
    name: 'samples',
    kind: shape.length === 3 ? 'image' : 'vector',
    shape: [...shape],
    values,
    labels,
    n,
    numClasses,
  };
}
