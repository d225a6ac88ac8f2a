/**
 * Figures any family can draw from data alone: samples (an image grid, or a scatter of vectors), interpolation
 * strips between latent codes, reconstructions through them and a map of them by class, and training curves. A
 * family's own pictures add what only it knows (a VAE's manifold, a flow's density, a mixture's ellipses).
 */
import * as tf from '../engine/tf.js';
import { batches } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { curvesSpec, type CurveGroup } from '../plot/curves.js';
import { densityComparisonSpec } from '../plot/density2d.js';
import { chartFigure, rasterFigure, type Figure, type TopLevelSpec } from '../plot/figure.js';
import { imageGrid } from '../plot/image-grid.js';
import { interpolateLatents } from '../plot/interpolation.js';
import { manifoldGrid } from '../plot/manifold.js';
import { latentScatterSpec } from '../plot/latent-scatter.js';
import { principalComponents } from '../plot/pca.js';
import { reconstructionsGrid } from '../plot/reconstructions.js';
import type { LatentCodes } from './family.js';

/** The most images one grid holds: a grid of 100 x 100 small images is already a large PNG. */
export const MAX_GRID_IMAGES = 10000;

/** `[height, width, channels]` of an image data set, for a grid. */
function imageOptions(data: Pick<Dataset, 'shape'>) {
  const [height, width, channels] = data.shape;
  return { height, width, channels: channels as 1 | 3 };
}

/** `data`'s points in the plane: the points themselves in 2-D, their first two principal components beyond. */
export function planePoints(data: Dataset): { points: Float32Array; axes: [string, string] } {
  const d = data.shape.reduce((a, b) => a * b, 1);
  if (d === 2) return { points: Float32Array.from(data.values), axes: ['x1', 'x2'] };
  if (d === 1)
    return {
      points: Float32Array.from({ length: 2 * data.n }, (_, i) => (i % 2 === 0 ? data.values[i / 2] : 0)),
      axes: ['x1', ''],
    };
  const pca = principalComponents(data.values, data.n, d, 2);
  const pct = (j: number) => `PC${j + 1} (${(100 * pca.explainedVarianceRatio[j]).toFixed(0)}% of variance)`;
  return { points: Float32Array.from(pca.projected), axes: [pct(0), pct(1)] };
}

/**
 * A picture of samples: a grid of images (one row per class in turn when the samples carry labels), or a scatter of
 * vectors (on their first two principal components beyond 2-D).
 *
 * @example
 * const figure = samplesFigure(family.sample(model, 64, { seed: 0 }), { title: '64 samples' });
 */
export function samplesFigure(samples: Dataset, { title }: { title?: string } = {}): Figure {
  if (samples.kind === 'image')
    return rasterFigure(
      imageGrid(samples.values, {
        count: samples.n,
        ...imageOptions(samples),
        columns: samples.labels !== null && samples.numClasses > 0 ? samples.numClasses : undefined,
        scale: 2,
      }),
    );
  const { points } = planePoints(samples);
  return chartFigure(
    densityComparisonSpec({
      learned: null,
      truth: null,
      samples: points,
      title: title ?? `${samples.n} samples`,
    }),
  );
}

/** Options of {@link interpolationFigure}. */
export interface InterpolationFigureOptions {
  /** Pairs of examples, one row each. Default 6. */
  pairs?: number;
  /** Images per row, ends included. Default 10. */
  steps?: number;
  /** Spherical interpolation (slerp) instead of straight lines. */
  spherical?: boolean;
}

/**
 * Interpolation strips: for `pairs` pairs of the first examples of `data` (images), the decoded points along the
 * line between their latent codes, ends included, one row per pair. A conditional model keeps the first example's
 * label along its row.
 */
export function interpolationFigure<M>(
  latent: LatentCodes<M>,
  model: M,
  data: Dataset,
  { pairs = 6, steps = 10, spherical = false }: InterpolationFigureOptions = {},
): Figure {
  const first = batches(data, { batchSize: Math.min(2 * pairs, data.n), shuffle: false }).next();
  if (first.done || first.value.x.shape[0] < 2)
    throw new RangeError(`interpolation needs at least 2 examples; ${data.name} has ${data.n}`);
  const batch = first.value;
  const m = batch.x.shape[0];
  const labels = batch.labels ? Array.from(batch.labels.dataSync()) : undefined;
  const codes = tf.tidy(() => latent.encode(model, batch.x, labels));
  const z = codes.arraySync();
  tf.dispose([codes, batch.x, batch.labels ?? []]);
  const strips: number[][] = [];
  const rowLabels: number[] = [];
  for (let p = 0; p + 1 < m && strips.length < pairs * steps; p += 2) {
    const path = interpolateLatents(Float32Array.from(z[p]), Float32Array.from(z[p + 1]), steps, {
      spherical,
    });
    const width = z[p].length;
    for (let s = 0; s < steps; s++) {
      strips.push(Array.from(path.subarray(s * width, (s + 1) * width)));
      if (labels) rowLabels.push(labels[p]);
    }
  }
  const images = tf.tidy(() => latent.decode(model, tf.tensor2d(strips), labels ? rowLabels : undefined));
  const values = images.dataSync();
  images.dispose();
  return rasterFigure(
    imageGrid(values, { count: strips.length, ...imageOptions(data), columns: steps, scale: 2 }),
  );
}

/** The first `n` examples of `data` (values and labels), as one batch that the caller disposes. */
function firstExamples(data: Dataset, n: number) {
  const batch = batches(data, { batchSize: Math.min(n, data.n), shuffle: false }).next();
  if (batch.done) throw new RangeError(`the data set ${data.name} is empty`);
  return batch.value;
}

/**
 * Rows of the first `n` examples of `data` (images), each above its reconstruction decode(encode(x)) through the
 * model's latent codes: a VAE's decoder means at its posterior means, a BiGAN's G(E(x)).
 *
 * @example
 * const figure = latentReconstructionsFigure(VAE_LATENT, vae, split.test); // 32 digits over their reconstructions
 */
export function latentReconstructionsFigure<M>(
  latent: LatentCodes<M>,
  model: M,
  data: Dataset,
  n = 32,
): Figure {
  const batch = firstExamples(data, n);
  const labels = batch.labels ? Array.from(batch.labels.dataSync()) : undefined;
  const recon = tf.tidy(() => latent.decode(model, latent.encode(model, batch.x, labels), labels));
  const grid = reconstructionsGrid(batch.x.dataSync(), recon.dataSync(), {
    count: batch.x.shape[0],
    ...imageOptions(data),
    columns: 8,
    scale: 2,
  });
  tf.dispose([batch.x, batch.labels ?? [], recon]);
  return rasterFigure(grid);
}

/** Options of {@link latentCodesFigure}. */
export interface LatentCodesFigureOptions {
  /** The most examples drawn. Default 2000. */
  n?: number;
  /** What the codes are, for the title (`Posterior means`). Default `Latent codes`. */
  what?: string;
  /** The codes' symbol, for the axes beyond 2-D (`E[z|x]`). Default `z`. */
  symbol?: string;
}

/**
 * The latent codes encode(x) of up to `n` examples of `data`, coloured by label: the coordinates themselves for a
 * 2-D latent, otherwise their first two principal components.
 *
 * @example
 * const figure = latentCodesFigure(VAE_LATENT, vae, split.test, { what: 'Posterior means', symbol: 'E[z|x]' });
 */
export function latentCodesFigure<M>(
  latent: LatentCodes<M>,
  model: M,
  data: Dataset,
  { n = 2000, what = 'Latent codes', symbol = 'z' }: LatentCodesFigureOptions = {},
): Figure {
  const batch = firstExamples(data, n);
  const labels = batch.labels ? batch.labels.dataSync() : null;
  const z = tf.tidy(() => latent.encode(model, batch.x, labels === null ? undefined : Array.from(labels)));
  const values = z.dataSync();
  const [m, d] = z.shape;
  tf.dispose([batch.x, batch.labels ?? [], z]);
  let points: ArrayLike<number> = values;
  let axes = { xTitle: 'z1', yTitle: 'z2' };
  if (d > 2) {
    const pca = principalComponents(values, m, d, 2);
    points = pca.projected;
    const pct = (i: number) => (100 * pca.explainedVarianceRatio[i]).toFixed(0);
    axes = { xTitle: `PC1 of ${symbol} (${pct(0)}% of variance)`, yTitle: `PC2 (${pct(1)}%)` };
  } else if (d === 1) {
    points = Float32Array.from({ length: 2 * m }, (_, i) => (i % 2 === 0 ? values[i / 2] : 0));
    axes = { xTitle: 'z1', yTitle: '' };
  }
  return chartFigure(
    latentScatterSpec(points, labels, { title: `${what} of ${m} test examples (${d}-D latent)`, ...axes }),
  );
}

/** Options of {@link latentOverPriorFigure}. */
export interface LatentOverPriorOptions {
  /** The most examples encoded. Default 2000. */
  n?: number;
  /** What the points are, for the title (`Codes E(x)`, `Draws z ~ q(z|x)`). Default `Codes`. */
  what?: string;
  /** The prior's name, for the title (`N(0, I)`). Default `p(z)`. */
  priorName?: string;
}

/**
 * q(z) over p(z): the 2-D codes `encode(x)` of up to `n` examples of `data`, coloured by label, drawn over points of
 * the prior in grey (`prior`, n * 2 values), so that one sees how the aggregate posterior covers the prior: where
 * the codes leave holes in it, and where they fall outside it (Makhzani et al.'s Figures 2 and 4, an adversarial
 * autoencoder's codes beside a VAE's).
 *
 * @example
 * const prior = aae.prior.sample(2000, 0); // [2000, 2]
 * const figure = latentOverPriorFigure((x) => aae.encode(x), split.test, prior.dataSync(), { what: 'Codes E(x)' });
 *
 * References: A. Makhzani et al., "Adversarial Autoencoders", 2015, https://arxiv.org/abs/1511.05644
 */
export function latentOverPriorFigure(
  encode: (x: tf.Tensor2D, labels?: number[]) => tf.Tensor2D,
  data: Dataset,
  prior: ArrayLike<number>,
  { n = 2000, what = 'Codes', priorName = 'p(z)' }: LatentOverPriorOptions = {},
): Figure {
  if (prior.length % 2 !== 0)
    throw new RangeError(`latentOverPriorFigure: 'prior' must hold n * 2 values, got ${prior.length}`);
  const batch = firstExamples(data, n);
  const labels = batch.labels ? batch.labels.dataSync() : null;
  const z = tf.tidy(() => encode(batch.x, labels === null ? undefined : Array.from(labels)));
  const [m, d] = z.shape;
  const values = z.dataSync();
  tf.dispose([batch.x, batch.labels ?? [], z]);
  if (d !== 2)
    throw new RangeError(`the latent-over-prior picture needs 2-D codes, and these have ${d} dimensions`);
  const draws = prior.length / 2;
  // The codes' scatter as the latent map draws it, as the top layer over the prior's points.
  const codes = latentScatterSpec(values, labels, {
    title: `${what} of ${m} test examples over ${draws} draws from ${priorName} (light grey)`,
  }) as unknown as Record<string, unknown> & { encoding: Record<string, unknown> };
  const { data: codesData, mark, encoding, ...frame } = codes;
  const priorLayer = {
    data: { values: Array.from({ length: draws }, (_, i) => ({ z1: prior[2 * i], z2: prior[2 * i + 1] })) },
    // Lighter than category10's grey (class 7), so that the prior reads as a backdrop.
    mark: { type: 'circle', size: 14, opacity: 0.8, color: '#d9d9d9' },
    encoding: { x: encoding.x, y: encoding.y },
  };
  return chartFigure({ ...frame, layer: [priorLayer, { data: codesData, mark, encoding }] } as TopLevelSpec);
}

/**
 * A map of a 2-D latent space: the images decode(z) of `gridSize`^2 codes `z` (in `manifoldLatents`' order, row by
 * row from the top), tiled edge to edge. With the codes of `manifoldLatents` it is the AEVB paper's Figure 4.
 *
 * @example
 * const figure = latentGridFigure(VAE_LATENT, vae, split.test, manifoldLatents(20), 20);
 */
export function latentGridFigure<M>(
  latent: LatentCodes<M>,
  model: M,
  data: Pick<Dataset, 'shape'>,
  z: Float32Array,
  gridSize: number,
  labels?: readonly number[],
): Figure {
  const count = gridSize * gridSize;
  if (z.length !== 2 * count)
    throw new RangeError(
      `latentGridFigure: 'z' must hold gridSize^2 * 2 = ${2 * count} values, got ${z.length}`,
    );
  const images = tf.tidy(() => latent.decode(model, tf.tensor2d(z, [count, 2]), labels));
  const { height, width, channels } = imageOptions(data);
  const grid = manifoldGrid(images.dataSync(), gridSize, height, width, channels);
  images.dispose();
  return rasterFigure(grid);
}

/**
 * Training curves: one panel per group of fields that appear in `history`, each field a line (training and test
 * together, say).
 */
export function curvesFigure(
  history: ReadonlyArray<Record<string, number>>,
  groups: ReadonlyArray<CurveGroup>,
  { title, titles = {}, x = 'epoch' }: { title?: string; titles?: Record<string, string>; x?: string } = {},
): Figure | null {
  const has = (k: string) => history.some((r) => Number.isFinite(r[k]));
  const series = groups
    .map((g) => ({ ...g, fields: g.fields.filter(has) }))
    .filter((g) => g.fields.length > 0);
  if (history.length < 2 || series.length === 0) return null;
  return chartFigure(curvesSpec(history, { series, title, seriesTitles: titles, x }));
}
