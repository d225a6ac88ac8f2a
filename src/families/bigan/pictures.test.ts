import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { head } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { resolveBiganConfig } from './config.js';
import { BiganModel } from './model.js';
import { biganPictures } from './pictures.js';

const history = [
  { epoch: 1, loss: 1.2, g_loss: 0.9, test_recon_mse: 0.2, test_knn_accuracy: 0.5, test_divergence: 0.1 },
  { epoch: 2, loss: 1.1, g_loss: 1.0, test_recon_mse: 0.1, test_knn_accuracy: 0.6, test_divergence: 0.2 },
];

describe('biganPictures', () => {
  it('draws samples, reconstructions, interpolations, the codes by class and the curves on images', async () => {
    const split = loadDataset('mnist');
    const test = head(split.test!, 64);
    const model = new BiganModel(
      resolveBiganConfig({ inputShape: [28, 28, 1], latent: 2, encoderHidden: [8], generatorHidden: [8] }),
    );
    const before = tf.memory().numTensors;
    const pictures = await biganPictures(model, { data: 'mnist', train: test, test, history, seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(pictures.map((p) => p.name)).toEqual([
      'samples',
      'reconstructions',
      'interpolation',
      'latent',
      'curves',
    ]);
    const [samples, reconstructions] = pictures.map((p) => p.figure);
    // 100 samples in a 10 x 10 grid and 32 digits over their reconstructions (8 columns, 8 rows), of 28 x 28 at scale 2.
    if (samples.kind !== 'raster' || reconstructions.kind !== 'raster')
      throw new Error('expected image grids');
    expect(samples.raster.width).toBe(reconstructions.raster.width + 2 * (56 + 4) /* two more columns */);
    expect(reconstructions.raster.height).toBe(samples.raster.height - 2 * (56 + 4));
    // The 2-D codes are drawn as they are, coloured by the digits' classes.
    const latent = pictures[3].figure;
    expect(latent.kind).toBe('chart');
    expect(JSON.stringify(latent.kind === 'chart' ? latent.spec : {})).toMatch(
      /Encoder codes E\(x\) of 64 test/,
    );
    model.dispose();
  });

  it('draws a scatter of samples and the codes on 2-D points, without image pictures', async () => {
    const split = loadDataset('moons');
    const model = new BiganModel(resolveBiganConfig({ kind: 'ali', inputShape: [2] }));
    const pictures = await biganPictures(model, {
      data: 'moons',
      train: head(split.train, 100),
      test: null,
      history: [],
      seed: 0,
    });
    expect(pictures.map((p) => [p.name, p.figure.kind])).toEqual([
      ['samples', 'chart'],
      ['latent', 'chart'],
    ]);
    model.dispose();
  });
});
