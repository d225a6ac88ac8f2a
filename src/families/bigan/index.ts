/**
 * The ALI/BiGAN family: a generator G: z -> x and an encoder E: x -> z trained together against a discriminator on
 * pairs (x, z), so that G learns to generate and E to invert it (BiGAN: a deterministic E; ALI: a Gaussian q(z | x)).
 * On images (MLPs, as BiGAN's MNIST networks) and on vectors (the 2-D toy densities).
 */
import { deriveSeed } from '../../engine/random.js';
import { assignWeights } from '../../io/checkpoint.js';
import { OptionError } from '../../train/options.js';
import type { StepFamily, StepResult } from '../family.js';
import { BIGAN_OPTIONS, resolveBiganConfig, type BiganConfig, type BiganKind } from './config.js';
import { evaluateBigan } from './evaluate.js';
import { BiganModel } from './model.js';
import { estimateBiganParameters } from './networks.js';
import { biganPictures } from './pictures.js';
import { BIGAN_LATENT, biganSamples } from './samples.js';

/**
 * A run of a few seconds: 256 digits, small networks, fast learning rates, and no sample metrics (1,000 draws
 * through the classifier after each epoch would take most of its time).
 */
const TINY = {
  limit: 256,
  sampleMetrics: false,
  epochs: 3,
  batchSize: 32,
  latent: 8,
  encoderHidden: [32],
  generatorHidden: [32],
  discriminatorHidden: [32],
  generatorLr: 1e-3,
  discriminatorLr: 1e-3,
};

/** The ALI/BiGAN family, as `families/index.ts` lists it. */
export const biganFamily: StepFamily<BiganModel, BiganConfig> = {
  name: 'bigan',
  description: 'ALI/BiGAN: a generator and an encoder trained against a discriminator on (x, z) pairs',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    {
      name: 'bigan',
      description:
        'BiGAN: a deterministic encoder E(x) learns to invert the generator through the game (Donahue et al., 2016)',
    },
    {
      name: 'ali',
      description:
        'ALI: a BiGAN whose encoder is a Gaussian q(z|x), sampled by reparameterization (Dumoulin et al., 2016)',
    },
  ],
  options: BIGAN_OPTIONS,
  runDefaults: {
    data: 'mnist',
    sampleMetrics: ({ data }) => data === 'image',
    epochs: ({ data }) => (data === 'image' ? 15 : undefined),
    steps: ({ data }) => (data === 'vector' ? 5000 : undefined),
    batchSize: 100,
  },
  monitor: { metric: 'test_recon_mse', mode: 'min' },
  tinyRuns: [
    { name: 'bigan', kind: 'bigan', options: TINY },
    { name: 'ali', kind: 'ali', options: TINY },
    {
      name: 'bigan on 2-D points',
      kind: 'bigan',
      options: {
        ...TINY,
        data: 'moons',
        limit: 512,
        batchSize: 64,
        latent: 2,
        generatorLr: 2e-3,
        discriminatorLr: 2e-3,
      },
    },
  ],

  resolveConfig(kind, options, data) {
    const fields: Record<string, unknown> = {};
    for (const spec of BIGAN_OPTIONS) if (spec.name in options) fields[spec.name] = options[spec.name];
    const config = resolveBiganConfig({
      ...fields,
      kind: kind as BiganKind,
      inputShape: data.shape,
      seed: options.seed as number,
    });
    // Batch normalisation in training mode needs two examples per batch; the last batch of an epoch may hold one.
    const batchSize = options.batchSize as number | undefined;
    if (config.batchNorm && batchSize !== undefined && (batchSize === 1 || data.n % batchSize === 1))
      throw new OptionError(
        'batchSize',
        `leaves a batch of one example (${data.n} examples in batches of ${batchSize}), which batch normalisation cannot normalise; choose another batch size or turn batch normalisation off`,
      );
    return config;
  },

  create: (config) => new BiganModel(config),
  estimateParameters: estimateBiganParameters,
  optimizers: (model) => ({
    generator: model.generatorOptimizer,
    discriminator: model.discriminatorOptimizer,
  }),

  /**
   * One update of D on the batch; after every k_D-th, one update of E and G on the same batch. `loss` is D's loss
   * L_D (`d_loss` too), which falls from log 4 as D learns to tell the pairs apart, and is what a tiny run can be
   * checked to improve: E and G's loss `g_loss` rises meanwhile, and the reconstruction error G(E(x)) only falls once
   * the game has gone on for a while.
   */
  trainStep(model, batch, context) {
    const { d_loss } = model.discriminatorStep(batch.x, deriveSeed(context.seed, 'discriminator'));
    const parts: StepResult = { loss: d_loss, d_loss };
    if ((context.step + 1) % model.config.discriminatorSteps === 0)
      Object.assign(parts, model.encoderGeneratorStep(batch.x, deriveSeed(context.seed, 'generator')));
    return parts;
  },

  evaluate: (model, data, { seed }) => ({ ...evaluateBigan(model, data, { seed }) }),
  sample: biganSamples,
  latent: BIGAN_LATENT,
  pictures: biganPictures,

  save: (model) => ({ weights: model.state() }),
  restore(model, checkpoint, source) {
    assignWeights(model.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
