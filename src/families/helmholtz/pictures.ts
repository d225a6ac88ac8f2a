/**
 * The Helmholtz machine's pictures: samples (the probabilities p(x = 1 | h_1) of ancestral draws), the sleep
 * phase's dreams (the binary images the recognition model is trained on in wake-sleep), and the bound and the
 * recognition loss over training.
 */
import * as tf from '../../engine/tf.js';
import { resolveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import type { Picture, PictureContext, SampleOptions } from '../family.js';
import { curvesFigure, samplesFigure } from '../figures.js';
import type { HelmholtzMachine } from './model.js';

function imageSet(model: HelmholtzMachine, values: Float32Array, n: number, name: string): Dataset {
  return { name, kind: 'image', shape: [...model.config.inputShape], values, labels: null, n, numClasses: 0 };
}

/** n draws from p, as images: the pixel probabilities p(x = 1 | h_1) of ancestral samples (`binary`: x itself). */
export function helmholtzSamples(
  model: HelmholtzMachine,
  n: number,
  { seed }: SampleOptions = {},
  binary = false,
): Dataset {
  const dream = model.dream(n, resolveSeed(seed));
  const values = (binary ? dream.x : dream.means).dataSync() as Float32Array;
  tf.dispose([...dream.hs, dream.x, dream.means]);
  return imageSet(model, values, n, binary ? 'dreams' : 'samples');
}

export function helmholtzPictures(model: HelmholtzMachine, context: PictureContext): Promise<Picture[]> {
  const pictures: Picture[] = [
    { name: 'samples', figure: samplesFigure(helmholtzSamples(model, 64, { seed: context.seed })) },
    { name: 'dreams', figure: samplesFigure(helmholtzSamples(model, 64, { seed: context.seed }, true)) },
  ];
  const curves = curvesFigure(
    context.history,
    [
      { title: 'log p(x) and its bounds (nats)', fields: ['bound', 'test_elbo', 'test_loglik'] },
      { title: 'Recognition loss (nats)', fields: ['q_loss'] },
    ],
    {
      title: `Training curves, ${model.config.algorithm === 'rws' ? `reweighted wake-sleep, K = ${model.config.k}` : 'wake-sleep'}`,
      titles: {
        bound: model.config.algorithm === 'rws' ? 'train bound' : 'train ELBO',
        test_elbo: 'test ELBO',
        test_loglik: 'test log p(x)',
        q_loss: model.config.algorithm === 'rws' ? 'wake phase' : 'sleep phase',
      },
    },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
