/**
 * The VAE family: the variational autoencoder (AEVB), the beta-VAE, the importance-weighted autoencoder and the
 * conditional VAE, trained by gradient steps on images (a Bernoulli decoder on dynamically binarized pixels) or on
 * vectors (a Gaussian decoder: real numbers are never binarized).
 */
import { assignWeights } from '../../io/checkpoint.js';
import { linearWarmup } from '../../inference/annealing.js';
import { OptionError } from '../../train/options.js';
import type { StepFamily } from '../family.js';
import { resolveVaeConfig, VAE_OPTIONS, type VaeConfig, type VaeKind } from './config.js';
import { evaluateVae } from './evaluate.js';
import { VAE } from './model.js';
import { estimateVaeParameters } from './networks.js';
import { vaePictures } from './pictures.js';
import { VAE_LATENT, vaeSamples } from './samples.js';

/** A VAE that trains in a second: 256 digits, a 32-unit layer, a 2-D latent. */
const TINY = { limit: 256, hidden: [32], latent: 2, epochs: 3, batchSize: 64, lr: 3e-3 };

/** The VAE family, as `families/index.ts` lists it. */
export const vaeFamily: StepFamily<VAE, VaeConfig> = {
  name: 'vae',
  description:
    'variational autoencoders trained on the ELBO (or the IWAE bound) by reparameterized gradients',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    { name: 'vae', description: 'the AEVB variational autoencoder (Kingma and Welling, 2014)' },
    { name: 'beta-vae', description: 'the VAE with a KL weight beta > 1 (Higgins et al., 2017)' },
    {
      name: 'iwae',
      description: 'the importance-weighted autoencoder, trained on the K-sample bound (Burda et al., 2016)',
    },
    {
      name: 'cvae',
      description: 'the conditional VAE, p(x|z, c) with a learned prior p(z|c) (Sohn et al., 2015)',
    },
  ],
  options: VAE_OPTIONS,
  runDefaults: { data: 'mnist', epochs: 5, batchSize: 128 },
  monitor: { metric: 'test_elbo', mode: 'max' },
  tinyRuns: [
    { name: 'vae', kind: 'vae', options: TINY },
    { name: 'beta-vae', kind: 'beta-vae', options: TINY },
    { name: 'iwae', kind: 'iwae', options: { ...TINY, iwSamples: 3 } },
    { name: 'cvae', kind: 'cvae', options: TINY },
    { name: 'vae on vectors', kind: 'vae', options: { ...TINY, data: 'moons', limit: 512 } },
  ],

  resolveConfig(kind, options, data) {
    if (kind === 'cvae' && data.labels === null)
      throw new OptionError('data', `${data.name} has no labels, and a conditional VAE needs them`);
    if (options.likelihood === 'bernoulli' && data.kind !== 'image')
      throw new OptionError(
        'likelihood',
        `bernoulli binarizes the data, and ${data.name} holds real-valued vectors; use gaussian or gaussian-fixed`,
      );
    if (options.architecture === 'conv' && data.kind !== 'image')
      throw new OptionError('architecture', `conv needs images, and ${data.name} holds vectors`);
    const fields: Record<string, unknown> = {};
    for (const spec of VAE_OPTIONS)
      if ((spec.command ?? 'train') === 'train' && spec.finalEvaluation === undefined && spec.name in options)
        fields[spec.configKey ?? spec.name] = options[spec.name];
    return resolveVaeConfig(kind as VaeKind, {
      ...fields,
      inputShape: data.shape,
      numClasses: kind === 'cvae' ? data.numClasses : 0,
      seed: options.seed as number,
    });
  },

  create: (config) => new VAE(config),
  estimateParameters: estimateVaeParameters,
  optimizers: (vae) => ({ model: vae.optimizer }),

  trainStep(vae, batch, context) {
    const schedule = linearWarmup(vae.config.beta, vae.config.warmup);
    const beta = schedule(context.progress);
    const parts = vae.trainStep(batch, { seed: context.seed, beta, datasetSize: context.datasetSize });
    return vae.config.kind === 'iwae' ? parts : { ...parts, beta };
  },

  evaluate(vae, data, { seed, batchSize, options = {}, onProgress }) {
    const e = evaluateVae(vae, data, {
      seed,
      batchSize,
      iwSamples: (options.iw as number | undefined) ?? 0,
      onProgress,
    });
    return {
      elbo: e.elbo,
      reconstruction: e.reconstruction,
      kl: e.kl,
      ...(e.iwLogLikelihood === undefined
        ? {}
        : { iw_loglik: e.iwLogLikelihood, iw_samples: e.iwSamples ?? null }),
      prior_mmd: e.priorMmd,
      active_units: e.activeUnits,
      kl_per_dim: e.klPerDimension,
      unit_activity: e.unitActivity,
      n: e.n,
    };
  },

  sample: vaeSamples,
  latent: VAE_LATENT,

  pictures: vaePictures,

  save: (vae) => ({ weights: vae.state() }),
  restore(vae, checkpoint, source) {
    assignWeights(vae.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
