import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { head } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { latentOverPriorFigure } from '../figures.js';
import { resolveAaeConfig, type AaeConfig } from './config.js';
import { AdversarialAutoencoder } from './model.js';
import { aaePictures } from './pictures.js';

const mnist = loadDataset('mnist');
const test = head(mnist.test!, 300);

function makeAae(options: Partial<AaeConfig> = {}): AdversarialAutoencoder {
  return new AdversarialAutoencoder(
    resolveAaeConfig({
      inputShape: [28, 28, 1],
      hidden: [16],
      discriminatorHidden: [8],
      seed: 2,
      ...options,
    }),
  );
}

type Layer = { data: { values: Array<Record<string, number | string>> }; encoding: Record<string, unknown> };

describe('the AAE pictures', () => {
  it('draw q(z) over p(z): the prior draws in a layer beneath the codes, which carry their labels', () => {
    const aae = makeAae({ prior: 'mixture' });
    const prior = aae.prior.sample(400, 1);
    const draws = prior.dataSync();
    const figure = latentOverPriorFigure((x) => aae.encode(x), test, draws, { n: 250 });
    if (figure.kind !== 'chart') throw new Error('expected a chart');
    const [under, over] = (figure.spec as unknown as { layer: Layer[] }).layer;
    expect(under.data.values).toHaveLength(400);
    expect(under.data.values[3]).toEqual({ z1: draws[6], z2: draws[7] });
    expect(over.data.values).toHaveLength(250);
    expect(over.data.values.map((v) => v.label)).toEqual(Array.from(test.labels!.subarray(0, 250), String));
    expect(over.encoding.color).toBeDefined();
    prior.dispose();
    aae.dispose();
  });

  it('refuses codes that are not 2-D', () => {
    const aae = makeAae({ latent: 3 });
    expect(() => latentOverPriorFigure((x) => aae.encode(x), test, new Float32Array(20))).toThrow(
      /needs 2-D codes, and these have 3 dimensions/,
    );
    aae.dispose();
  });

  it.each([
    { options: {}, names: ['samples', 'latent', 'reconstructions', 'manifold', 'interpolation', 'curves'] },
    { options: { latent: 4 }, names: ['samples', 'latent', 'reconstructions', 'interpolation', 'curves'] },
  ])('are $names', async ({ options, names }) => {
    const aae = makeAae(options);
    const before = tf.memory().numTensors;
    const history = [
      { epoch: 1, loss: 200, d_loss: 1.3, g_loss: 0.8, test_recon_bce: 190 },
      { epoch: 2, loss: 180, d_loss: 1.2, g_loss: 0.9, test_recon_bce: 175 },
    ];
    const pictures = await aaePictures(aae, { data: 'mnist', train: test, test, history, seed: 0 });
    expect(pictures.map((p) => p.name)).toEqual(names);
    expect(tf.memory().numTensors).toBe(before);
    aae.dispose();
  });
});
