/**
 * The adversarial autoencoder's samples, codes and pictures: decoded prior draws, the codes of test images over the
 * prior (q(z) over p(z), the paper's Figures 2, 4 and 6), reconstructions, the decoded 2-D latent space, an
 * interpolation strip, and the curves of the three losses and of the held-out metrics.
 */
import { deriveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { manifoldLatents } from '../../plot/manifold.js';
import type { LatentCodes, Picture, PictureContext, SampleOptions } from '../family.js';
import {
  curvesFigure,
  interpolationFigure,
  latentCodesFigure,
  latentGridFigure,
  latentOverPriorFigure,
  latentReconstructionsFigure,
  samplesFigure,
} from '../figures.js';
import type { AdversarialAutoencoder } from './model.js';
import { PRIOR_COMPONENTS } from './priors.js';

/** An AAE's latent codes: z = E(x), decoded to the decoder's means sigmoid(f(z)). */
export const AAE_LATENT: LatentCodes<AdversarialAutoencoder> = {
  encode: (aae, x) => aae.encode(x),
  decode: (aae, z) => aae.decode(z),
};

/**
 * `n` decoded prior draws as a data set of the training images' shape; with `labels` (a mixture or swiss-roll prior)
 * each draw comes from its label's component, and the data set carries the labels.
 *
 * @example
 * const sevens = aaeSamples(aae, 8, { seed: 0, labels: new Array(8).fill(7) });
 */
export function aaeSamples(
  aae: AdversarialAutoencoder,
  n: number,
  { seed, temperature, labels }: SampleOptions = {},
): Dataset {
  const x = aae.sample(n, { seed, temperature, labels });
  const values = x.dataSync() as Float32Array;
  x.dispose();
  return {
    name: 'samples',
    kind: 'image',
    shape: [...aae.config.inputShape],
    values,
    labels: labels === undefined ? null : Int32Array.from(labels),
    n,
    numClasses: labels === undefined ? 0 : PRIOR_COMPONENTS,
  };
}

/** The side of the manifold picture's grid. */
const GRID = 20;

/**
 * The codes of the manifold picture: for the normal prior evenly spaced in probability (`manifoldLatents`), for the
 * 2-D priors evenly spaced over the square that holds 99% of `draws` (n * 2 values), in the same order.
 */
function manifoldCodes(aae: AdversarialAutoencoder, draws: Float32Array): Float32Array {
  if (aae.config.prior === 'normal') return manifoldLatents(GRID);
  const radii = Array.from({ length: draws.length }, (_, i) => Math.abs(draws[i])).sort((a, b) => a - b);
  const r = radii[Math.floor(0.99 * (radii.length - 1))];
  const at = (i: number) => -r + (2 * r * i) / (GRID - 1);
  const z = new Float32Array(GRID * GRID * 2);
  for (let row = 0; row < GRID; row++)
    for (let c = 0; c < GRID; c++) {
      z[2 * (row * GRID + c)] = at(c);
      z[2 * (row * GRID + c) + 1] = at(GRID - 1 - row);
    }
  return z;
}

/**
 * Every picture: `samples` (one column per component of a 2-D prior), `latent` (2-D codes over the prior, else the
 * codes' first two principal components), `reconstructions`, `manifold` (2-D codes), `interpolation` and `curves`.
 */
export function aaePictures(aae: AdversarialAutoencoder, context: PictureContext): Promise<Picture[]> {
  const seed = deriveSeed(context.seed, 'aae-pictures');
  const shown = context.test ?? context.train;
  const k = aae.prior.components;
  const labels = k > 0 ? Array.from({ length: 100 }, (_, i) => i % k) : undefined;
  const pictures: Picture[] = [
    { name: 'samples', figure: samplesFigure(aaeSamples(aae, 100, { seed, labels })) },
  ];
  if (aae.config.latent === 2) {
    const prior = aae.prior.sample(2000, deriveSeed(seed, 'prior'));
    const draws = prior.dataSync() as Float32Array;
    prior.dispose();
    pictures.push({
      name: 'latent',
      figure: latentOverPriorFigure((x) => aae.encode(x), shown, draws, {
        what: 'Codes E(x)',
        priorName: aae.config.prior === 'normal' ? 'N(0, I)' : `the ${aae.config.prior} prior`,
      }),
    });
    pictures.push({ name: 'reconstructions', figure: latentReconstructionsFigure(AAE_LATENT, aae, shown) });
    pictures.push({
      name: 'manifold',
      figure: latentGridFigure(AAE_LATENT, aae, shown, manifoldCodes(aae, draws), GRID),
    });
  } else {
    pictures.push({
      name: 'latent',
      figure: latentCodesFigure(AAE_LATENT, aae, shown, { what: 'Codes E(x)' }),
    });
    pictures.push({ name: 'reconstructions', figure: latentReconstructionsFigure(AAE_LATENT, aae, shown) });
  }
  pictures.push({ name: 'interpolation', figure: interpolationFigure(AAE_LATENT, aae, shown) });
  const curves = curvesFigure(
    context.history,
    [
      { title: 'reconstruction loss (nats per image)', fields: ['loss', 'test_recon_bce'] },
      { title: 'adversarial losses', fields: ['d_loss', 'g_loss', 'test_d_loss'] },
      { title: 'MMD^2 of q(z) to p(z), test codes', fields: ['test_prior_mmd'] },
      { title: 'squared error per pixel, test', fields: ['test_recon_mse'] },
    ],
    {
      title: `Training curves, ${aae.config.prior} prior${aae.config.labelGuided ? ', label-guided' : ''}`,
      titles: {
        loss: 'train',
        test_recon_bce: 'test',
        d_loss: 'discriminator',
        g_loss: 'encoder (generator)',
        test_d_loss: 'discriminator, test',
      },
    },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
