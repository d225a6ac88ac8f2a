/**
 * The pictures of a trained flow. For a 2-D density: the learned density beside the true one with a scatter of
 * samples (`density.png`), and how the layers move a grid of points from z to x (`layers.png`). For images: sample
 * grids at a few temperatures (`samples.png`). And the training curves (`curves.png`).
 */
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { toy2dLogDensity, TOY2D_NAMES } from '../data/toy2d.js';
import { writePng } from '../plot/chart.js';
import { curvesPng } from '../plot/curves.js';
import { densityComparisonPng, densityGrid, gridWarpPng, makeGridLines } from '../plot/density2d.js';
import { imageGridPng } from '../plot/image-grid.js';
import type { FlowModel } from './flows.js';

/** The temperatures of the image sample grid (Glow shows reduced temperatures look cleaner). */
export const SAMPLE_TEMPERATURES = [0.5, 0.7, 1];

/** The square a 2-D picture shows: wide enough for every toy density here. */
const RANGE: [number, number] = [-4, 4];

/**
 * `n` samples; a conditional flow draws the classes 0, 1, 2, ... in turn (so a grid's columns show the classes).
 * The label tensor is freed by the tidy.
 */
function sampleByClass(model: FlowModel, n: number, temperature: number, seed: number): tf.Tensor2D {
  const k = model.config.numClasses;
  return tf.tidy(() =>
    model.sample(n, {
      temperature,
      seed,
      labels:
        k > 0
          ? tf.tensor1d(
              Array.from({ length: n }, (_, i) => i % k),
              'int32',
            )
          : undefined,
    }),
  );
}

/** `n` samples as a PNG: an image grid for images, a scatter for 2-D data. */
export async function writeFlowSamples(
  model: FlowModel,
  path: string,
  n = 64,
  seed = 0,
  temperature = 1,
): Promise<string> {
  const x = sampleByClass(model, n, temperature, seed || 1);
  const values = await x.data();
  x.dispose();
  if (model.isImage) {
    const [height, width, channels] = model.config.inputShape;
    await writePng(
      path,
      imageGridPng(values, { count: n, height, width, channels: channels as 1 | 3, scale: 2 }),
    );
  } else {
    await writePng(
      path,
      await densityComparisonPng({
        learned: null,
        truth: null,
        samples: values,
        title: `${n} samples (T = ${temperature})`,
      }),
    );
  }
  return path;
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

/** The learned density (and the true one, when known) on a grid, with samples. */
export async function writeDensity(model: FlowModel, data: string, path: string, seed = 0): Promise<string> {
  const grid = { xRange: RANGE, yRange: RANGE, resolution: 120 };
  const learned = densityGrid(modelLogDensity(model), grid);
  const known = (TOY2D_NAMES as readonly string[]).includes(data) ? toy2dLogDensity(data) : null;
  const truth = known ? densityGrid(known, grid) : null;
  const x = sampleByClass(model, 2000, 1, seed + 7);
  const samples = Float32Array.from(await x.data());
  x.dispose();
  await writePng(
    path,
    await densityComparisonPng({ learned, truth, samples, title: `${model.config.arch} on ${data}` }),
  );
  return path;
}

/** A grid of z pushed through the flow one layer at a time, from the base (left) to the data (right). */
export async function writeLayers(model: FlowModel, path: string): Promise<string> {
  const lines = 15;
  const z = makeGridLines([-2.5, 2.5], lines, 60);
  const stages = tf.tidy(() => model.flow.forwardStages(tf.tensor2d(z, [z.length / 2, 2])));
  const values = stages.map((s) => Float32Array.from(s.dataSync()));
  tf.dispose(stages);
  const every = Math.max(1, Math.floor((values.length - 1) / 4));
  const picked = values
    .map((v, i) => [v, i] as const)
    .filter(([, i]) => i % every === 0 || i === values.length - 1);
  await writePng(
    path,
    await gridWarpPng(
      picked.map(([v]) => v),
      {
        lines,
        stageTitles: picked.map(([, i]) =>
          i === 0 ? 'z' : i === values.length - 1 ? 'x' : `after layer ${i}`,
        ),
      },
    ),
  );
  return path;
}

/** Every picture that applies to `model`, in `dir`; returns the paths written. */
export async function writeFlowPictures(
  model: FlowModel,
  data: string,
  history: Array<Record<string, number>>,
  dir: string,
  seed = 0,
): Promise<string[]> {
  const paths: string[] = [];
  if (model.isImage) {
    const [height, width, channels] = model.config.inputShape;
    const per = 10;
    const rows: number[] = [];
    for (const T of SAMPLE_TEMPERATURES) {
      const x = sampleByClass(model, per, T, seed + 11);
      rows.push(...(await x.data()));
      x.dispose();
    }
    const png = imageGridPng(rows, {
      count: per * SAMPLE_TEMPERATURES.length,
      height,
      width,
      channels: channels as 1 | 3,
      columns: per,
      scale: 2,
    });
    await writePng(join(dir, 'samples.png'), png);
    paths.push(join(dir, 'samples.png'));
  } else {
    paths.push(await writeDensity(model, data, join(dir, 'density.png'), seed));
    if (model.config.inputShape[0] === 2) paths.push(await writeLayers(model, join(dir, 'layers.png')));
  }
  const series = ['loss', 'test_loglik', 'test_bits_per_dim'].filter((k) =>
    history.some((r) => Number.isFinite(r[k])),
  );
  if (history.length > 1 && series.length > 0) {
    await writePng(
      join(dir, 'curves.png'),
      await curvesPng(history, {
        series,
        title: 'Training curves',
        seriesTitles: {
          loss: 'train -log p(x) (nats)',
          test_loglik: 'test log p(x) (nats)',
          test_bits_per_dim: 'test bits/dim',
        },
      }),
    );
    paths.push(join(dir, 'curves.png'));
  }
  return paths;
}
