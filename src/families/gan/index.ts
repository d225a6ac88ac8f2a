/**
 * The GAN family: generative adversarial networks (minimax, non-saturating, least squares, WGAN-GP), with the
 * variationally regularised generator loss, on 2-D densities (and any vectors) and on images (DCGAN); and InfoGAN,
 * whose generator reads latent codes that a Q head on the discriminator learns to read back.
 */
import { deriveSeed } from '../../engine/random.js';
import { isToy2dName } from '../../data/toy2d.js';
import { assignWeights } from '../../io/checkpoint.js';
import type { StepFamily, StepResult } from '../family.js';
import { GAN_OPTIONS, resolveGanConfig, type GanConfig, type GanKind } from './config.js';
import { evaluateGan } from './evaluate.js';
import { GanModel } from './model.js';
import { estimateGanParameters } from './networks.js';
import { ganPictures, ganSamplesFigure } from './pictures.js';
import { ganSamples } from './samples.js';

/** A 2-D GAN that trains in a second: 512 points of the ring, small networks, a fast learning rate. */
const TINY = {
  data: 'ring8',
  limit: 512,
  epochs: 4,
  batchSize: 128,
  generatorHidden: [16, 16],
  discriminatorHidden: [16, 16],
  generatorLr: 2e-3,
  discriminatorLr: 2e-3,
};

/** The GAN family, as `families/index.ts` lists it. */
export const ganFamily: StepFamily<GanModel, GanConfig> = {
  name: 'gan',
  description: 'generative adversarial networks: a generator against a discriminator (or a WGAN critic)',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    {
      name: 'gan',
      description:
        'a GAN: --loss ns, minimax, lsgan or wgan-gp; --generator mlp, flow or conv (Goodfellow et al., 2014)',
    },
    {
      name: 'infogan',
      description:
        'InfoGAN: a GAN whose generator also reads a categorical and continuous codes that a Q head recovers (Chen et al., 2016)',
    },
  ],
  options: GAN_OPTIONS,
  runDefaults: {
    data: ({ kind }) => (kind === 'infogan' ? 'mnist' : 'ring8'),
    sampleMetrics: ({ data }) => data === 'image',
    epochs: ({ data }) => (data === 'image' ? 10 : undefined),
    steps: ({ data }) => (data === 'vector' ? 10000 : undefined),
    batchSize: ({ data }) => (data === 'image' ? 64 : 256),
  },
  monitor: { metric: 'test_divergence', mode: 'min' },
  tinyRuns: [
    { name: 'gan ns', kind: 'gan', options: TINY },
    { name: 'gan wgan-gp', kind: 'gan', options: { ...TINY, loss: 'wgan-gp', discriminatorSteps: 2 } },
    {
      name: 'gan lsgan with reg-old',
      kind: 'gan',
      options: { ...TINY, loss: 'lsgan', regOld: 1, regOldEvery: 2 },
    },
    { name: 'gan flow generator', kind: 'gan', options: { ...TINY, generator: 'flow', flowLayers: 2 } },
    {
      name: 'gan dcgan on images',
      kind: 'gan',
      options: { data: 'mnist', limit: 64, epochs: 2, batchSize: 32, channels: [4, 8], latent: 8 },
    },
    {
      name: 'infogan on images',
      kind: 'infogan',
      options: {
        data: 'mnist',
        limit: 64,
        epochs: 2,
        batchSize: 32,
        channels: [4, 8],
        latent: 8,
        discriminatorLr: 2e-3,
      },
    },
    { name: 'infogan 2-D', kind: 'infogan', options: { ...TINY, categories: 8 } },
  ],

  resolveConfig(kind, options, data) {
    const fields: Record<string, unknown> = {};
    for (const spec of GAN_OPTIONS)
      if (spec.name in options) fields[spec.configKey ?? spec.name] = options[spec.name];
    const name = options.data as string | undefined;
    return resolveGanConfig({
      ...fields,
      kind: kind as GanKind,
      inputShape: data.shape,
      density: name !== undefined && isToy2dName(name) ? name : null,
      seed: options.seed as number,
    });
  },

  create: (config) => new GanModel(config),
  estimateParameters: estimateGanParameters,
  optimizers: (gan) => ({ generator: gan.generatorOptimizer, discriminator: gan.discriminatorOptimizer }),

  /**
   * One discriminator update on the batch; after every k_D-th, k_G generator updates on fresh noise. `loss` is the
   * discriminator's (its part of the game falls as it learns to tell the two apart); `g_loss` the generator's; for
   * InfoGAN `info_loss` is -L_I of the generator's updates (both losses include it).
   */
  trainStep(gan, batch, context) {
    const c = gan.config;
    const parts: StepResult = gan.discriminatorStep(batch.x, deriveSeed(context.seed, 'discriminator'));
    if ((context.step + 1) % c.discriminatorSteps === 0) {
      const sums: StepResult = {};
      for (let i = 0; i < c.generatorSteps; i++)
        for (const [k, v] of Object.entries(
          gan.generatorStep(batch.x.shape[0], deriveSeed(context.seed, 'generator', i)),
        ))
          sums[k] = (sums[k] ?? 0) + v / c.generatorSteps;
      Object.assign(parts, sums);
    }
    return parts;
  },

  evaluate: (gan, data, { seed }) => evaluateGan(gan, data, { seed }),

  sample: ganSamples,

  pictures: ganPictures,
  samplesFigure: ganSamplesFigure,

  save: (gan) => ({ weights: gan.state() }),
  restore(gan, checkpoint, source) {
    assignWeights(gan.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
