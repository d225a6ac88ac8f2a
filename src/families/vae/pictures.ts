/**
 * The pictures of a trained VAE: samples, reconstructions, the latent space by label, the 2-D manifold, an
 * interpolation strip and the training curves, as figures (the run lifecycle writes them as PNGs).
 */
import * as tf from '../../engine/tf.js';
import { batches } from '../../data/batches.js';
import type { Dataset } from '../../data/dataset.js';
import { chartFigure, rasterFigure, type Figure } from '../../plot/figure.js';
import { latentScatterSpec } from '../../plot/latent-scatter.js';
import { manifoldGrid, manifoldLatents } from '../../plot/manifold.js';
import { principalComponents } from '../../plot/pca.js';
import { reconstructionsGrid } from '../../plot/reconstructions.js';
import type { Picture, PictureContext } from '../family.js';
import { curvesFigure, interpolationFigure, samplesFigure } from '../figures.js';
import type { VAE } from './model.js';
import { VAE_LATENT, vaeSamples } from './samples.js';

function imageOptions(model: VAE) {
  const [height, width, channels] = model.config.inputShape;
  return { height, width, channels: channels as 1 | 3 };
}

/** The first `n` examples of `data` (values and labels), as a batch. */
function firstExamples(data: Dataset, n: number) {
  const batch = batches(data, { batchSize: Math.min(n, data.n), shuffle: false }).next();
  if (batch.done) throw new RangeError(`the data set ${data.name} is empty`);
  return batch.value;
}

/** Rows of test originals, each above its reconstructions. */
export function reconstructionsFigure(model: VAE, data: Dataset, n = 32): Figure {
  const batch = firstExamples(data, n);
  const recon = model.reconstruct(batch.x, { labels: batch.labels ?? undefined });
  const grid = reconstructionsGrid(batch.x.dataSync(), recon.dataSync(), {
    count: batch.x.shape[0],
    ...imageOptions(model),
    columns: 8,
    scale: 2,
  });
  tf.dispose([batch.x, batch.labels ?? [], recon]);
  return rasterFigure(grid);
}

/**
 * Posterior means of up to `n` test examples coloured by label: the latent coordinates themselves for a 2-D latent,
 * otherwise their first two principal components.
 */
export function latentScatterFigure(model: VAE, data: Dataset, n = 2000): Figure {
  const batch = firstExamples(data, n);
  const z = model.transform(batch.x, { labels: batch.labels ?? undefined });
  const values = z.dataSync();
  const [m, d] = z.shape;
  const labels = batch.labels ? batch.labels.dataSync() : null;
  tf.dispose([batch.x, batch.labels ?? [], z]);
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
  return chartFigure(
    latentScatterSpec(points, labels, {
      title: `Posterior means of ${m} test examples (${d}-D latent)`,
      ...axes,
    }),
  );
}

/** The learned 2-D manifold: decoder means on a grid of z = Phi^-1(p), p in [0.05, 0.95] (AEVB's figure 4). */
export function manifoldFigure(model: VAE, gridSize = 20): Figure {
  if (model.config.latent !== 2)
    throw new RangeError(
      `the manifold picture needs a 2-D latent space; this model has ${model.config.latent}`,
    );
  const z = manifoldLatents(gridSize);
  const n = gridSize * gridSize;
  const labels = model.config.numClasses > 0 ? new Array<number>(n).fill(0) : undefined;
  const images = tf.tidy(() => model.generate(tf.tensor2d(z, [n, 2]), { labels }));
  const { height, width, channels } = imageOptions(model);
  const grid = manifoldGrid(images.dataSync(), gridSize, height, width, channels);
  images.dispose();
  return rasterFigure(grid);
}

/** ELBO, reconstruction and KL per epoch, training and test together in each panel, and the KL weight. */
export function vaeCurvesFigure(history: ReadonlyArray<Record<string, number>>): Figure | null {
  const weighted = history.some((r) => r.beta !== history[0].beta);
  return curvesFigure(
    history,
    [
      { title: 'ELBO (nats)', fields: ['elbo', 'test_elbo'] },
      { title: 'E[log p(x|z)] (nats)', fields: ['reconstruction', 'test_reconstruction'] },
      { title: 'KL(q(z|x) || p(z)) (nats)', fields: ['kl', 'test_kl'] },
      ...(weighted ? [{ title: 'KL weight beta', fields: ['beta'] }] : []),
    ],
    {
      title: 'Training curves, per example',
      titles: {
        elbo: 'train',
        test_elbo: 'test',
        reconstruction: 'train',
        test_reconstruction: 'test',
        kl: 'train',
        test_kl: 'test',
      },
    },
  );
}

/**
 * Every picture that applies: `samples`; on images `reconstructions`, `latent`, `manifold` (2-D latent) and
 * `interpolation`; `curves` when there are two epochs or more.
 */
export async function vaePictures(model: VAE, context: PictureContext): Promise<Picture[]> {
  const image = model.config.inputShape.length === 3;
  const shown = context.test ?? context.train;
  const pictures: Picture[] = [
    { name: 'samples', figure: samplesFigure(vaeSamples(model, image ? 64 : 2000, { seed: context.seed })) },
  ];
  if (image) {
    pictures.push({ name: 'reconstructions', figure: reconstructionsFigure(model, shown) });
    pictures.push({ name: 'latent', figure: latentScatterFigure(model, shown) });
    if (model.config.latent === 2) pictures.push({ name: 'manifold', figure: manifoldFigure(model) });
    pictures.push({ name: 'interpolation', figure: interpolationFigure(VAE_LATENT, model, shown) });
  } else pictures.push({ name: 'latent', figure: latentScatterFigure(model, shown) });
  const curves = vaeCurvesFigure(context.history);
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
