/**
 * The two domains of a CycleGAN on images: domain A is the digits as they are, domain B is a transform T of them
 * (`invert`: 1 - x; `rotate`: a quarter turn counter-clockwise; `invert-rotate`: both), and the two are kept
 * unpaired by splitting the examples by their index in the data set: even indices are A, odd indices are B (made
 * with T). So no digit appears in both domains, and each batch's two halves are the two domains' batches.
 *
 * Every transform here is a bijection of [0, 1]^D with an exact inverse T^-1 (a permutation of the pixels and an
 * affine map of their values), so T^-1 makes a B-domain image readable again by a classifier of plain digits.
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593
 */
import * as tf from '../../engine/tf.js';
import type { Batch } from '../../data/batches.js';
import { exampleSize, subset, type Dataset } from '../../data/dataset.js';
import { OptionError } from '../../train/options.js';

/** The transforms that make domain B from the digits. */
export type TransformName = 'invert' | 'rotate' | 'invert-rotate';
/** Every {@link TransformName}, as `--transform` takes them. */
export const DOMAIN_TRANSFORMS: readonly TransformName[] = ['invert', 'rotate', 'invert-rotate'];

/** A transform of flattened images `[n, h w c]` and its exact inverse. */
export interface ImageTransform {
  readonly name: TransformName;
  /** T(x): domain A to domain B. */
  readonly forward: (x: tf.Tensor2D) => tf.Tensor2D;
  /** T^-1(y): domain B back to domain A; `inverse(forward(x))` is x (up to the float32 rounding of 1 - x). */
  readonly inverse: (y: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * The pixel permutation of a quarter turn counter-clockwise of square images `[size, size, channels]`, flattened
 * row-major: rotated[k] = image[indices[k]]. It is numpy's `np.rot90(image)` (axes 0 and 1): the top row of the
 * rotated image is the original's right column, read top to bottom.
 *
 * @example
 * quarterTurnIndices(2, 1); // [1, 3, 0, 2]: [[1, 2], [3, 4]] turns into [[2, 4], [1, 3]]
 */
export function quarterTurnIndices(size: number, channels: number): Int32Array {
  const out = new Int32Array(size * size * channels);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < size; j++)
      for (let c = 0; c < channels; c++)
        out[(i * size + j) * channels + c] = (j * size + (size - 1 - i)) * channels + c;
  return out;
}

/** The inverse of a permutation: inverse[p[k]] = k. */
function inversePermutation(p: Int32Array): Int32Array {
  const out = new Int32Array(p.length);
  p.forEach((source, k) => (out[source] = k));
  return out;
}

/**
 * The transform `name` of images of shape `[height, width, channels]` (values in [0, 1]):
 *
 * - `invert`: T(x) = 1 - x, its own inverse;
 * - `rotate`: a quarter turn counter-clockwise (`np.rot90`), undone by a quarter turn clockwise; square images only;
 * - `invert-rotate`: T(x) = rot90(1 - x), T^-1(y) = 1 - rot90^-1(y).
 *
 * Throws an `OptionError` naming `transform` for a rotation of images that are not square.
 *
 * @example
 * const t = imageTransform('invert-rotate', [28, 28, 1]);
 * const b = t.forward(a); // the B-domain images of a
 * t.inverse(b); // a again, exactly
 */
export function imageTransform(name: TransformName, shape: readonly number[]): ImageTransform {
  const [height, width, channels] = shape;
  const invert = name !== 'rotate';
  if (name === 'invert') {
    const flip = (x: tf.Tensor2D) => tf.tidy(() => tf.sub<tf.Tensor2D>(1, x));
    return { name, forward: flip, inverse: flip };
  }
  if (height !== width)
    throw new OptionError('transform', `${name} needs square images, got ${height}x${width}`);
  const turn = quarterTurnIndices(height, channels);
  const back = inversePermutation(turn);
  // Permuting the pixels commutes with 1 - x, so the order of the two steps does not matter.
  const map = (x: tf.Tensor2D, indices: Int32Array) =>
    tf.tidy(() => {
      const moved = tf.gather(x, tf.tensor1d(indices, 'int32'), 1);
      return invert ? tf.sub<tf.Tensor2D>(1, moved) : moved;
    });
  return { name, forward: (x) => map(x, turn), inverse: (y) => map(y, back) };
}

/** Which domain the example at `index` of a data set belongs to: even indices are A, odd ones B. */
export function domainOf(index: number): 'a' | 'b' {
  return index % 2 === 0 ? 'a' : 'b';
}

/** A batch of images split into the two domains' batches; a side is null when the batch has none of it. */
export interface DomainBatch {
  /** The batch's even-indexed examples, as they are: `[m_a, D]`. */
  a: tf.Tensor2D | null;
  /** T of its odd-indexed examples: `[m_b, D]`. */
  b: tf.Tensor2D | null;
}

/**
 * The two domains' batches of an image batch: rows with an even data-set index (`batch.indices`) go to A as they
 * are, rows with an odd index to B through `transform`. The caller disposes both (and still owns `batch`).
 *
 * @example
 * const { a, b } = splitBatch(batch, imageTransform('invert', [28, 28, 1]));
 */
export function splitBatch(batch: Batch, transform: ImageTransform): DomainBatch {
  const rows = { a: [] as number[], b: [] as number[] };
  batch.indices.forEach((index, row) => rows[domainOf(index)].push(row));
  const take = (positions: number[]) =>
    positions.length === 0 ? null : tf.tidy(() => tf.gather(batch.x, tf.tensor1d(positions, 'int32'), 0));
  const plainB = take(rows.b);
  const b = plainB === null ? null : transform.forward(plainB);
  plainB?.dispose();
  return { a: take(rows.a), b };
}

/** A data set of images split into the two domains (see {@link splitDomains}). */
export interface DomainSplit {
  /** The even-indexed examples, with their labels. */
  a: Dataset;
  /** T of the odd-indexed examples, with the labels of the digits they were made from. */
  b: Dataset;
  /** The odd-indexed examples as they are: T^-1 of `b`. */
  bSource: Dataset;
}

/**
 * The two domains of an image data set, as {@link splitBatch} splits its batches: A the even-indexed examples, B
 * the odd-indexed ones through `transform` (at most `limit` of each, the first by index).
 *
 * @example
 * const { a, b } = splitDomains(split.test, imageTransform('invert-rotate', [28, 28, 1])); // 500 digits each
 */
export function splitDomains(data: Dataset, transform: ImageTransform, limit = Infinity): DomainSplit {
  const indices = (parity: number) =>
    Array.from({ length: Math.min(Math.ceil((data.n - parity) / 2), limit) }, (_, i) => 2 * i + parity);
  const a = subset(data, indices(0), `${data.name}-a`);
  const bSource = subset(data, indices(1), `${data.name}-b-source`);
  const d = exampleSize(data);
  const values = tf.tidy(() => {
    if (bSource.n === 0) return new Float32Array(0);
    const x = tf.tensor2d(Float32Array.from(bSource.values), [bSource.n, d]);
    return transform.forward(x).dataSync() as Float32Array;
  });
  return { a, b: { ...bSource, name: `${data.name}-b`, values }, bSource };
}
