/**
 * The pictures of a trained VAE: samples, reconstructions, the latent space by label, the aggregate posterior over
 * the prior, the 2-D manifold, an interpolation strip and the training curves, as figures (the run lifecycle writes
 * them as PNGs).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import type { Figure } from '../../plot/figure.js';
import { manifoldLatents } from '../../plot/manifold.js';
import type { Picture, PictureContext } from '../family.js';
import {
  curvesFigure,
  interpolationFigure,
  latentCodesFigure,
  latentGridFigure,
  latentOverPriorFigure,
  latentReconstructionsFigure,
  samplesFigure,
} from '../figures.js';
import type { VAE } from './model.js';
import { ConditionalGaussianPrior } from './networks.js';
import { VAE_LATENT, vaeSamples } from './samples.js';

/** Rows of test originals, each above its reconstructions (decoder means at the posterior means). */
export function reconstructionsFigure(model: VAE, data: Dataset, n = 32): Figure {
  return latentReconstructionsFigure(VAE_LATENT, model, data, n);
}

/**
 * Posterior means of up to `n` test examples coloured by label: the latent coordinates themselves for a 2-D latent,
 * otherwise their first two principal components.
 */
export function latentScatterFigure(model: VAE, data: Dataset, n = 2000): Figure {
  return latentCodesFigure(VAE_LATENT, model, data, { n, what: 'Posterior means', symbol: 'E[z|x]' });
}

/** The learned 2-D manifold: decoder means on a grid of z = Phi^-1(p), p in [0.05, 0.95] (AEVB's figure 4). */
export function manifoldFigure(model: VAE, gridSize = 20): Figure {
  if (model.config.latent !== 2)
    throw new RangeError(
      `the manifold picture needs a 2-D latent space; this model has ${model.config.latent}`,
    );
  const labels = model.config.numClasses > 0 ? new Array<number>(gridSize * gridSize).fill(0) : undefined;
  const shape = { shape: model.config.inputShape };
  return latentGridFigure(VAE_LATENT, model, shape, manifoldLatents(gridSize), gridSize, labels);
}

/**
 * q(z) over p(z) for a 2-D latent: one draw z ~ q(z|x) for each of up to 2,000 examples of `data` (draws of the
 * aggregate posterior q(z) = E_x q(z|x), coloured by label) over 2,000 draws of the prior, the picture an adversarial
 * autoencoder draws of its codes. Null for a learned conditional prior p(z|c), which has no one p(z) to draw.
 */
export function aggregatePosteriorFigure(model: VAE, data: Dataset, seed: number): Figure | null {
  if (model.config.latent !== 2 || model.priorNetwork instanceof ConditionalGaussianPrior) return null;
  const prior = model.drawPrior(2000, undefined, { seed: deriveSeed(seed, 'prior') });
  const draws = prior.dataSync();
  prior.dispose();
  const encode = (x: tf.Tensor2D, labels?: number[]) =>
    tf.tidy(() => {
      const q = model.posterior(x, model.context(labels, x.shape[0]));
      return tf.reshape<tf.Rank.R2>(q.sample([], deriveSeed(seed, 'posterior')), [x.shape[0], 2]);
    });
  return latentOverPriorFigure(encode, data, draws, {
    what: 'Draws z ~ q(z|x)',
    priorName: model.config.prior === 'mixture' ? 'the mixture prior' : 'N(0, I)',
  });
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
 * Every picture that applies: `samples`; on images `reconstructions`, `latent`, `latent-over-prior` and `manifold`
 * (2-D latent) and `interpolation`; `curves` when there are two epochs or more.
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
    const overPrior = aggregatePosteriorFigure(model, shown, deriveSeed(context.seed, 'latent-over-prior'));
    if (overPrior !== null) pictures.push({ name: 'latent-over-prior', figure: overPrior });
    if (model.config.latent === 2) pictures.push({ name: 'manifold', figure: manifoldFigure(model) });
    pictures.push({ name: 'interpolation', figure: interpolationFigure(VAE_LATENT, model, shown) });
  } else pictures.push({ name: 'latent', figure: latentScatterFigure(model, shown) });
  const curves = vaeCurvesFigure(context.history);
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
