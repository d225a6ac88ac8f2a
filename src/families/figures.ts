/**
 * Figures any family can draw from data alone: samples (an image grid, or a scatter of vectors), interpolation
 * strips between latent codes, and training curves. A family's own pictures add what only it knows (a VAE's
 * manifold, a flow's density, a mixture's ellipses).
 */
import * as tf from '../engine/tf.js';
import { batches } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { curvesSpec, type CurveGroup } from '../plot/curves.js';
import { densityComparisonSpec } from '../plot/density2d.js';
import { chartFigure, rasterFigure, type Figure } from '../plot/figure.js';
import { imageGrid } from '../plot/image-grid.js';
import { interpolateLatents } from '../plot/interpolation.js';
import { principalComponents } from '../plot/pca.js';
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
