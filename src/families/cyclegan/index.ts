/**
 * The CycleGAN family: unpaired translation between two domains by two generators that undo each other, each
 * against a discriminator of its output domain. On 2-D data the domains are the training data and a toy density
 * (`--target`); on images, the even-indexed digits and a transform of the odd-indexed ones (`--transform`).
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { isToy2dName, sampleToy2d, type Toy2dName } from '../../data/toy2d.js';
import { assignWeights } from '../../io/checkpoint.js';
import { OptionError } from '../../train/options.js';
import type { StepFamily } from '../family.js';
import {
  CYCLEGAN_OPTIONS,
  CYCLEGAN_DEFAULT_PAIR,
  resolveCycleGanConfig,
  type CycleGanConfig,
} from './config.js';
import { splitBatch, type TransformName } from './domains.js';
import { evaluateCycleGan } from './evaluate.js';
import { CycleGanModel, estimateCycleGanParameters } from './model.js';
import { cycleGanPictures } from './pictures.js';
import { cycleGanSamples } from './samples.js';

/** Small networks and fast rates: a tiny run trains in seconds. */
const TINY_NETWORKS = {
  hidden: [16, 16],
  discriminatorHidden: [16, 16],
  generatorLr: 2e-3,
  discriminatorLr: 2e-3,
};

/** The CycleGAN family, as `families/index.ts` lists it. */
export const cycleganFamily: StepFamily<CycleGanModel, CycleGanConfig> = {
  name: 'cyclegan',
  description: 'CycleGAN: unpaired translation between two domains by two generators that undo each other',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    {
      name: 'cyclegan',
      description:
        'a CycleGAN between 2-D densities (--target) or digits and a transform of them (--transform); ' +
        '--loss lsgan or ns, --cycle and --identity weights (Zhu et al., 2017)',
    },
  ],
  options: CYCLEGAN_OPTIONS,
  runDefaults: {
    data: CYCLEGAN_DEFAULT_PAIR.data,
    sampleMetrics: ({ data }) => data === 'image',
    epochs: ({ data }) => (data === 'image' ? 10 : undefined),
    steps: ({ data }) => (data === 'vector' ? 3000 : undefined),
    batchSize: ({ data }) => (data === 'image' ? 64 : 256),
  },
  monitor: { metric: 'test_cycle_error_a', mode: 'min' },
  tinyRuns: [
    {
      name: 'cyclegan 2-D',
      kind: 'cyclegan',
      options: {
        data: 'ring8',
        target: '8gaussians',
        limit: 512,
        epochs: 4,
        batchSize: 128,
        ...TINY_NETWORKS,
      },
    },
    {
      // The other adversarial loss and the identity terms, so that both tiny runs together take every path.
      name: 'cyclegan on images, ns with identity terms',
      kind: 'cyclegan',
      options: {
        data: 'mnist',
        limit: 128,
        epochs: 2,
        batchSize: 32,
        ...TINY_NETWORKS,
        hidden: [32],
        loss: 'ns',
        identity: 5,
      },
    },
  ],

  resolveConfig(_kind, options, data) {
    const image = data.kind === 'image';
    if (image && (options.batchSize as number) < 2)
      throw new OptionError(
        'batchSize',
        `must be at least 2 on images: each batch splits into the two domains, got ${String(options.batchSize)}`,
      );
    const fields: Record<string, unknown> = {};
    for (const spec of CYCLEGAN_OPTIONS)
      if (spec.name in options) fields[spec.configKey ?? spec.name] = options[spec.name];
    const name = options.data as string | undefined;
    const target =
      (options.target as Toy2dName | undefined) ??
      (name === CYCLEGAN_DEFAULT_PAIR.data ? CYCLEGAN_DEFAULT_PAIR.target : null);
    return resolveCycleGanConfig({
      ...fields,
      inputShape: data.shape,
      source: !image && name !== undefined && isToy2dName(name) ? name : null,
      target: image ? null : target,
      transform: image ? (options.transform as TransformName) : null,
      seed: options.seed as number,
    });
  },

  create: (config) => new CycleGanModel(config),
  estimateParameters: estimateCycleGanParameters,
  optimizers: (model) => ({
    generator: model.generatorOptimizer,
    discriminator: model.discriminatorOptimizer,
  }),

  /**
   * One update of the generators, then of the discriminators. On 2-D data the batch is domain A and a fresh batch
   * of as many points is drawn from the target density (seeded by the step's seed); on images the batch splits by
   * index (see `splitBatch`), and a batch without an example of one domain updates nothing and reports nothing.
   * `loss` is the generators' weighted objective, which falls as the cycle terms do.
   */
  trainStep(model, batch, context) {
    if (!model.isImage) {
      const m = batch.x.shape[0];
      const b = tf.tensor2d(sampleToy2d(model.config.target!, m, deriveSeed(context.seed, 'target')), [m, 2]);
      try {
        return model.trainStep(batch.x, b);
      } finally {
        b.dispose();
      }
    }
    const { a, b } = splitBatch(batch, model.transform!);
    try {
      return a === null || b === null ? {} : model.trainStep(a, b);
    } finally {
      tf.dispose([a ?? [], b ?? []]);
    }
  },

  evaluate: (model, data, { seed, batchSize, classifier }) =>
    evaluateCycleGan(model, data, { seed, batchSize, classifier }),

  sample: cycleGanSamples,
  pictures: cycleGanPictures,

  save: (model) => ({ weights: model.state() }),
  restore(model, checkpoint, source) {
    assignWeights(model.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
