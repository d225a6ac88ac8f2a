/**
 * The pictures of a trained ALI/BiGAN: samples G(z); on images, test digits above their reconstructions G(E(x))
 * (what the game taught G about inverting E) and interpolations between codes; the test codes E(x) by class
 * (`latent`: the codes themselves for a 2-D latent, their first two principal components beyond); and the curves of
 * both players' losses and of the held-out metrics.
 */
import { deriveSeed } from '../../engine/random.js';
import type { Picture, PictureContext } from '../family.js';
import {
  curvesFigure,
  interpolationFigure,
  latentCodesFigure,
  latentReconstructionsFigure,
  samplesFigure,
} from '../figures.js';
import type { BiganModel } from './model.js';
import { BIGAN_LATENT, biganSamples } from './samples.js';

/** Every picture that applies to `model`. */
export function biganPictures(model: BiganModel, context: PictureContext): Promise<Picture[]> {
  const seed = deriveSeed(context.seed, 'bigan-pictures');
  const shown = context.test ?? context.train;
  const name = model.config.kind === 'ali' ? 'ALI' : 'BiGAN';
  const pictures: Picture[] = [
    {
      name: 'samples',
      figure: samplesFigure(biganSamples(model, model.isImage ? 100 : 2000, { seed }), {
        title: `${name}: 2000 samples G(z)`,
      }),
    },
  ];
  if (model.isImage) {
    pictures.push({
      name: 'reconstructions',
      figure: latentReconstructionsFigure(BIGAN_LATENT, model, shown),
    });
    pictures.push({ name: 'interpolation', figure: interpolationFigure(BIGAN_LATENT, model, shown) });
  }
  const what = model.config.kind === 'ali' ? 'Encoder means mu(x)' : 'Encoder codes E(x)';
  pictures.push({
    name: 'latent',
    figure: latentCodesFigure(BIGAN_LATENT, model, shown, {
      what,
      symbol: model.config.kind === 'ali' ? 'mu(x)' : 'E(x)',
    }),
  });
  const curves = curvesFigure(
    context.history,
    [
      { title: 'losses', fields: ['loss', 'g_loss'] },
      { title: 'held-out divergence bound on the joints', fields: ['test_divergence'] },
      { title: 'reconstruction error of G(E(x)) per value', fields: ['test_recon_mse'] },
      { title: '1-NN accuracy of the test codes (leave-one-out)', fields: ['test_knn_accuracy'] },
      { title: 'Frechet distance of the samples', fields: ['frechet_distance'] },
      { title: 'precision and recall of the samples', fields: ['precision', 'recall'] },
    ],
    { title: `${name} training curves`, titles: { loss: 'discriminator', g_loss: 'encoder and generator' } },
  );
  if (curves !== null) pictures.push({ name: 'curves', figure: curves });
  return Promise.resolve(pictures);
}
