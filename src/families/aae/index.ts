/**
 * The adversarial autoencoder family: a deterministic autoencoder on images whose codes are matched to a prior p(z)
 * (a normal, ten 2-D Gaussians or a swiss roll) by a discriminator on the codes, optionally guided by the labels into
 * one component of the prior per class.
 */
import { assignWeights } from '../../io/checkpoint.js';
import { OptionError } from '../../train/options.js';
import type { StepFamily } from '../family.js';
import { AAE_OPTIONS, resolveAaeConfig, type AaeConfig } from './config.js';
import { evaluateAae } from './evaluate.js';
import { AdversarialAutoencoder, estimateAaeParameters } from './model.js';
import { AAE_LATENT, aaePictures, aaeSamples } from './pictures.js';
import type { AaePriorKind } from './priors.js';

/** An AAE that trains in seconds: 256 digits, small networks, fast adversarial players. */
const TINY = {
  limit: 256,
  hidden: [64],
  discriminatorHidden: [32],
  epochs: 3,
  batchSize: 32,
  lr: 3e-3,
  discriminatorLr: 1e-3,
  generatorLr: 1e-3,
};

/** The adversarial autoencoder family, as `families/index.ts` lists it. */
export const aaeFamily: StepFamily<AdversarialAutoencoder, AaeConfig> = {
  name: 'aae',
  description:
    'adversarial autoencoders: codes matched to a prior by a discriminator instead of a KL penalty',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    {
      name: 'aae',
      description:
        'the adversarial autoencoder: --prior normal, mixture or swiss-roll, --label-guided (Makhzani et al., 2015)',
    },
  ],
  options: AAE_OPTIONS,
  runDefaults: { data: 'mnist', epochs: 10, batchSize: 100 },
  monitor: { metric: 'test_recon_bce', mode: 'min' },
  tinyRuns: [
    { name: 'aae normal', kind: 'aae', options: TINY },
    { name: 'aae mixture', kind: 'aae', options: { ...TINY, prior: 'mixture' } },
    {
      name: 'aae swiss-roll label-guided',
      kind: 'aae',
      options: { ...TINY, prior: 'swiss-roll', labelGuided: true },
    },
  ],

  resolveConfig(_kind, options, data) {
    if (data.kind !== 'image')
      throw new OptionError(
        'data',
        `an adversarial autoencoder models images (a Bernoulli decoder), and ${data.name} holds vectors`,
      );
    return resolveAaeConfig({
      inputShape: data.shape,
      latent: options.latent as number,
      hidden: options.hidden as number[],
      discriminatorHidden: options.discriminatorHidden as number[],
      prior: options.prior as AaePriorKind,
      labelGuided: options.labelGuided as boolean,
      numClasses: data.labels === null ? 0 : data.numClasses,
      learningRate: options.lr as number,
      discriminatorLr: options.discriminatorLr as number,
      generatorLr: options.generatorLr as number,
      seed: options.seed as number,
    });
  },

  create: (config) => new AdversarialAutoencoder(config),
  estimateParameters: estimateAaeParameters,
  optimizers: (aae) => ({
    autoencoder: aae.autoencoderOptimizer,
    discriminator: aae.discriminatorOptimizer,
    generator: aae.generatorOptimizer,
  }),

  /** The reconstruction phase, then the regularization phase (discriminator, then encoder), on one batch. */
  trainStep: (aae, batch, context) => aae.trainStep(batch.x, batch.labels, context.seed),

  evaluate(aae, data, { seed, batchSize, onProgress }) {
    const e = evaluateAae(aae, data, { seed, batchSize, onProgress });
    return {
      recon_bce: e.reconBce,
      recon_mse: e.reconMse,
      prior_mmd: e.priorMmd,
      d_loss: e.dLoss,
      divergence: e.divergence,
      n: e.n,
    };
  },

  sample: aaeSamples,
  latent: AAE_LATENT,
  pictures: aaePictures,

  save: (aae) => ({ weights: aae.state() }),
  restore(aae, checkpoint, source) {
    assignWeights(aae.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
