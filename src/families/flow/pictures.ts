/**
 * The pictures of a trained flow, as figures. For a 2-D density: the learned density beside the true one with a
 * scatter of samples (`density`), and how the layers move a grid of points from z to x (`layers`). For images:
 * sample grids at a few temperatures (`samples`). And the training curves (`curves`).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { toy2dLogDensity, TOY2D_NAMES } from '../../data/toy2d.js';
import { densityComparisonSpec, densityGrid, gridWarpSpec, makeGridLines } from '../../plot/density2d.js';
import { chartFigure, rasterFigure, type Figure } from '../../plot/figure.js';
import { imageGrid } from '../../plot/image-grid.js';
import type { Picture, PictureContext } from '../family.js';
import { curvesFigure } from '../figures.js';
import type { FlowModel } from './model.js';

/** The temperatures of the image sample grid (Glow shows reduced temperatures look cleaner). */
export const SAMPLE_TEMPERATURES = [0.5, 0.7, 1];

/** The square a 2-D picture shows: wide enough for every toy density here. */
const RANGE: [number, number] = [-4, 4];

/** `n` samples; a conditional flow draws the classes 0, 1, 2, ... in turn (a grid's columns show the classes). */
function sampleByClass(model: FlowModel, n: number, temperature: number, seed: number): Float32Array {
  const k = model.config.numClasses;
  const labels = k > 0 ? Array.from({ length: n }, (_, i) => i % k) : undefined;
  const x = model.sample(n, { temperature, seed, labels });
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return values;
}

/** log p(x) of the model at 2-D points (float64 in, float64 out), in batches. */
function modelLogDensity(model: FlowModel): (points: Float64Array) => Float64Array {
  return (points) => {
    const n = points.length / 2;
    const out = new Float64Array(n);
    const chunk = 4096;
    for (let i = 0; i < n; i += chunk) {
      const m = Math.min(chunk, n - i);
      const lp = tf.tidy(() =>
        model.logProb(tf.tensor2d(Float32Array.from(points.subarray(2 * i, 2 * (i + m))), [m, 2])),
      );
      out.set(lp.dataSync(), i);
      lp.dispose();
    }
    return out;
  };
}

/** The learned 2-D density (and the true one, when the data set is a known density) on a grid, with samples. */
export function densityFigure(model: FlowModel, data: string, seed: number): Figure {
  const grid = { xRange: RANGE, yRange: RANGE, resolution: 120 };
  const learned = densityGrid(modelLogDensity(model), grid);
  const known = (TOY2D_NAMES as readonly string[]).includes(data) ? toy2dLogDensity(data) : null;
  const truth = known ? densityGrid(known, grid) : null;
  const samples = sampleByClass(model, 2000, 1, seed);
  return chartFigure(
    densityComparisonSpec({ learned, truth, samples, title: `${model.config.arch} on ${data}` }),
  );
}

/** Options of {@link layerStages}. */
export interface LayerStagesOptions {
  /** Lines per axis of the grid in z ({@link makeGridLines}'s `lines`). Default 15. */
  lines?: number;
  /** Points along each line. Default 60. */
  pointsPerLine?: number;
  /** The square [lo, hi]^2 the grid covers in z. Default [-2.5, 2.5], 2.5 standard deviations of the base. */
  range?: readonly [number, number];
  /** At most about this many stages are kept: z, x, and evenly spaced layers between. Default 5. */
  panels?: number;
}

/** The grid of lines pushed through a flow's layers: the stages kept, each `2 * lines * pointsPerLine` points. */
export interface LayerStages {
  /** The points of each stage kept, x and y interleaved, in the order of {@link makeGridLines}. */
  stages: Float32Array[];
  /** Which stage each is: 0 for z, i after the flow's i-th bijector (noise -> data order). */
  indices: number[];
  /** 'z', 'after layer i', ..., 'x'. */
  titles: string[];
  /** Lines per axis. */
  lines: number;
}

/**
 * A square grid of lines in z (the base) pushed through a 2-D flow one bijector at a time toward x
 * (`Chain.forwardStages`), keeping z, x and every `floor((stages - 1) / (panels - 1))`-th stage between: what
 * {@link layersFigure} draws, and the studio draws live.
 *
 * @example
 * const { stages, titles } = layerStages(realNVP({ inputShape: [2], layers: 8 }));
 * titles; // ['z', 'after layer 2', 'after layer 4', 'after layer 6', 'x']
 */
export function layerStages(
  model: FlowModel,
  { lines = 15, pointsPerLine = 60, range = [-2.5, 2.5], panels = 5 }: LayerStagesOptions = {},
): LayerStages {
  if (model.config.inputShape.length !== 1 || model.config.inputShape[0] !== 2)
    throw new RangeError(
      `layerStages: argument 'model' must be a flow on 2-D points, got inputShape [${model.config.inputShape.join(', ')}]`,
    );
  if (!Number.isInteger(panels) || panels < 2)
    throw new RangeError(`layerStages: option 'panels' must be an integer >= 2, got ${panels}`);
  const z = makeGridLines(range, lines, pointsPerLine);
  const all = tf.tidy(() => model.flow.forwardStages(tf.tensor2d(z, [z.length / 2, 2])));
  const values = all.map((s) => Float32Array.from(s.dataSync()));
  tf.dispose(all);
  const last = values.length - 1;
  const every = Math.max(1, Math.floor(last / (panels - 1)));
  const indices = [...values.keys()].filter((i) => i % every === 0 || i === last);
  return {
    stages: indices.map((i) => values[i]),
    indices,
    titles: indices.map((i) => (i === 0 ? 'z' : i === last ? 'x' : `after layer ${i}`)),
    lines,
  };
}

/** A grid of z pushed through the flow one layer at a time, from the base (left) to the data (right). */
export function layersFigure(model: FlowModel): Figure {
  const { stages, titles, lines } = layerStages(model);
  return chartFigure(gridWarpSpec(stages, { lines, stageTitles: titles }));
}

/** Rows of image samples, one row per temperature of {@link SAMPLE_TEMPERATURES}. */
export function temperatureSamplesFigure(model: FlowModel, seed: number, perRow = 10): Figure {
  const [height, width, channels] = model.config.inputShape;
  const rows: number[] = [];
  for (const T of SAMPLE_TEMPERATURES) rows.push(...sampleByClass(model, perRow, T, seed));
  return rasterFigure(
    imageGrid(rows, {
      count: perRow * SAMPLE_TEMPERATURES.length,
      height,
      width,
      channels: channels as 1 | 3,
      columns: perRow,
      scale: 2,
    }),
  );
}

/** Every picture that applies to `model`. */
export async function flowPictures(model: FlowModel, context: PictureContext): Promise<Picture[]> {
  const seed = deriveSeed(context.seed, 'flow');
  const pictures: Picture[] = [];
  if (model.isImage) pictures.push({ name: 'samples', figure: temperatureSamplesFigure(model, seed) });
  else if (model.config.inputShape[0] === 2) {
    pictures.push({ name: 'density', figure: densityFigure(model, context.data, seed) });
    pictures.push({ name: 'layers', figure: layersFigure(model) });
  }
  const curves = curvesFigure(
    context.history,
    [
      { title: 'train -log p(x) (nats)', fields: ['loss'] },
      { title: 'test log p(x) (nats)', fields: ['test_loglik'] },
      { title: 'test bits/dim', fields: ['test_bits_per_dim'] },
    ],
    { title: 'Training curves' },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
