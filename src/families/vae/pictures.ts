/**
 * The pictures of a trained VAE: samples, reconstructions, the latent space by label, the 2-D manifold, an
 * interpolation strip and the training curves. Each is a PNG written atomically; each function returns its path.
 */
import { join } from 'node:path';
import * as tf from '../engine/tf.js';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { writePng } from '../plot/chart.js';
import { curvesPng } from '../plot/curves.js';
import { imageGridPng } from '../plot/image-grid.js';
import { interpolateLatents } from '../plot/interpolation.js';
import { latentScatterPng } from '../plot/latent-scatter.js';
import { manifoldLatents, manifoldPng } from '../plot/manifold.js';
import { principalComponents } from '../plot/pca.js';
import { reconstructionsPng } from '../plot/reconstructions.js';
import type { VAE } from './vae.js';

function imageOptions(model: VAE) {
  const [height, width, channels] = model.config.inputShape;
  return { height, width, channels: channels as 1 | 3 };
}

/** The first `n` examples of `data` (images and labels), as a batch. */
function firstExamples(data: ImageDataset, n: number) {
  const batch = batches(data, { batchSize: Math.min(n, data.n), shuffle: false }).next();
  if (batch.done) throw new Error(`the data set ${data.name} is empty`);
  return batch.value;
}

/** Labels for a conditional model's samples: each class in turn, one row per class where the grid allows. */
function sampleLabels(model: VAE, n: number): number[] | undefined {
  const classes = model.config.numClasses;
  return classes > 0 ? Array.from({ length: n }, (_, i) => i % classes) : undefined;
}

/** A grid of `n` decoder means of prior draws (for the CVAE, the classes in turn along each row). */
export async function writeSamples(model: VAE, path: string, n = 64, seed = 0): Promise<string> {
  const labels = sampleLabels(model, n);
  const images = model.sample(n, seed || 1, labels);
  const columns = labels ? model.config.numClasses : undefined;
  const png = imageGridPng(await images.data(), { count: n, ...imageOptions(model), columns, scale: 2 });
  images.dispose();
  await writePng(path, png);
  return path;
}

/** Rows of test originals, each above its reconstructions. */
export async function writeReconstructions(
  model: VAE,
  data: ImageDataset,
  path: string,
  n = 32,
): Promise<string> {
  const batch = firstExamples(data, n);
  const recon = model.reconstruct(batch.x, batch.labels ?? undefined);
  const png = reconstructionsPng(await batch.x.data(), await recon.data(), {
    count: batch.x.shape[0],
    ...imageOptions(model),
    columns: 8,
    scale: 2,
  });
  tf.dispose([batch.x, batch.labels ?? [], recon]);
  await writePng(path, png);
  return path;
}

/**
 * Posterior means of up to `n` test examples coloured by label: the latent coordinates themselves for a 2-D latent,
 * otherwise their first two principal components.
 */
export async function writeLatentScatter(
  model: VAE,
  data: ImageDataset,
  path: string,
  n = 2000,
): Promise<string> {
  const batch = firstExamples(data, n);
  const z = model.transform(batch.x, batch.labels ?? undefined);
  const values = await z.data();
  const [m, d] = z.shape;
  tf.dispose([batch.x, z]);
  const labels = batch.labels ? await batch.labels.data() : null;
  batch.labels?.dispose();
  let points: ArrayLike<number> = values;
  let axes = { xTitle: 'z1', yTitle: 'z2' };
  if (d > 2) {
    const pca = principalComponents(values, m, d, 2);
    points = pca.projected;
    const pct = (i: number) => (100 * pca.explainedVarianceRatio[i]).toFixed(0);
    axes = { xTitle: `PC1 of E[z|x] (${pct(0)}% of variance)`, yTitle: `PC2 (${pct(1)}%)` };
  } else if (d === 1) {
    points = Float32Array.from({ length: 2 * m }, (_, i) => (i % 2 === 0 ? values[i / 2] : 0));
    axes = { xTitle: 'z1', yTitle: '' };
  }
  const png = await latentScatterPng(points, labels, {
    title: `Posterior means of ${m} test examples (${d}-D latent)`,
    ...axes,
  });
  await writePng(path, png);
  return path;
}

/** The learned 2-D manifold: decoder means on a grid of z = Phi^-1(p), p in [0.05, 0.95] (AEVB's figure 4). */
export async function writeManifold(model: VAE, path: string, gridSize = 20): Promise<string> {
  if (model.config.latent !== 2)
    throw new Error(`the manifold picture needs a 2-D latent space; this model has ${model.config.latent}`);
  const z = manifoldLatents(gridSize);
  const n = gridSize * gridSize;
  const labels = model.config.numClasses > 0 ? new Array<number>(n).fill(0) : undefined;
  const images = tf.tidy(() => model.generate(tf.tensor2d(z, [n, 2]), labels)); // the tidy frees the codes
  const { height, width, channels } = imageOptions(model);
  const png = manifoldPng(await images.data(), gridSize, height, width, channels);
  images.dispose();
  await writePng(path, png);
  return path;
}

/**
 * Interpolation strips: for `pairs` pairs of test examples, the decoder means along the line between their
 * posterior means, ends included (one row per pair).
 */
export async function writeInterpolation(
  model: VAE,
  data: ImageDataset,
  path: string,
  { pairs = 6, steps = 10, spherical = false } = {},
): Promise<string> {
  const batch = firstExamples(data, 2 * pairs);
  const m = batch.x.shape[0];
  if (m < 2) throw new Error(`interpolation needs at least 2 examples; ${data.name} has ${m}`);
  const z = await model.transform(batch.x, batch.labels ?? undefined).array();
  const labels = batch.labels ? Array.from(await batch.labels.data()) : undefined;
  tf.dispose([batch.x, batch.labels ?? []]);
  const rows: number[] = [];
  const strips: number[][] = [];
  for (let p = 0; p + 1 < m && rows.length < pairs; p += 2) {
    const path = interpolateLatents(Float32Array.from(z[p]), Float32Array.from(z[p + 1]), steps, {
      spherical,
    });
    for (let s = 0; s < steps; s++)
      strips.push(Array.from(path.subarray(s * z[0].length, (s + 1) * z[0].length)));
    rows.push(p);
  }
  // The conditional model keeps the first example's label along its row.
  const rowLabels = labels ? rows.flatMap((p) => new Array<number>(steps).fill(labels[p])) : undefined;
  const images = tf.tidy(() => model.generate(tf.tensor2d(strips), rowLabels));
  const png = imageGridPng(await images.data(), {
    count: strips.length,
    ...imageOptions(model),
    columns: steps,
    scale: 2,
  });
  images.dispose();
  await writePng(path, png);
  return path;
}

/** ELBO, reconstruction and KL per epoch, training and test together in each panel, and the KL weight. */
export async function writeCurves(history: Array<Record<string, number>>, path: string): Promise<string> {
  const has = (k: string) => history.some((r) => Number.isFinite(r[k]));
  const pair = (title: string, train: string, test: string) => ({ title, fields: [train, test].filter(has) });
  const series = [
    pair('ELBO (nats)', 'elbo', 'test_elbo'),
    pair('E[log p(x|z)] (nats)', 'reconstruction', 'test_reconstruction'),
    pair('KL(q(z|x) || p(z)) (nats)', 'kl', 'test_kl'),
    ...(history.some((r) => r.beta !== history[0].beta)
      ? [{ title: 'KL weight beta', fields: ['beta'] }]
      : []),
  ].filter((g) => g.fields.length > 0);
  const png = await curvesPng(history, {
    series,
    title: 'Training curves, per example',
    seriesTitles: {
      elbo: 'train',
      test_elbo: 'test',
      reconstruction: 'train',
      test_reconstruction: 'test',
      kl: 'train',
      test_kl: 'test',
    },
  });
  await writePng(path, png);
  return path;
}

/** Every picture that applies to `model`, in `dir`; returns the paths written. */
export async function writeVaePictures(
  model: VAE,
  test: ImageDataset,
  history: Array<Record<string, number>>,
  dir: string,
  seed = 0,
): Promise<string[]> {
  const paths = [
    await writeSamples(model, join(dir, 'samples.png'), 64, seed),
    await writeReconstructions(model, test, join(dir, 'reconstructions.png')),
    await writeLatentScatter(model, test, join(dir, 'latent.png')),
  ];
  if (model.config.latent === 2) paths.push(await writeManifold(model, join(dir, 'manifold.png')));
  paths.push(await writeInterpolation(model, test, join(dir, 'interpolation.png')));
  if (history.length > 0) paths.push(await writeCurves(history, join(dir, 'curves.png')));
  return paths;
}
