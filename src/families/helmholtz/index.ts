/**
 * The Helmholtz machine family: sigmoid belief networks of binary units with a recognition network, trained by
 * wake-sleep or reweighted wake-sleep on dynamically binarized images, evaluated by the importance-sampled
 * log-likelihood.
 */
import { assignWeights } from '../../io/checkpoint.js';
import { OptionError } from '../../train/options.js';
import type { StepFamily } from '../family.js';
import { HELMHOLTZ_OPTIONS, resolveHelmholtzConfig, type HelmholtzConfig } from './config.js';
import { evaluateHelmholtz } from './evaluate.js';
import { estimateHelmholtzParameters, HelmholtzMachine } from './model.js';
import { helmholtzPictures, helmholtzSamples } from './pictures.js';

/** A machine that trains in a second: 256 digits, one layer of 16 units. */
const TINY = { limit: 256, hidden: [16], epochs: 3, batchSize: 32, lr: 3e-3, evalIw: 10 };

/**
 * Importance samples of the held-out estimate after each epoch, where no `--iw` is given: cheap enough to watch
 * (the final evaluation takes `--eval-iw`, 100 by default, and `latentlab eval --iw`).
 */
const EPOCH_IW = 10;

/** The Helmholtz machine family, as `families/index.ts` lists it. */
export const helmholtzFamily: StepFamily<HelmholtzMachine, HelmholtzConfig> = {
  name: 'helmholtz',
  description: 'Helmholtz machines (sigmoid belief networks) trained by wake-sleep or reweighted wake-sleep',
  engine: 'tfjs',
  training: 'steps',
  kinds: [
    {
      name: 'helmholtz',
      description:
        'a Helmholtz machine of binary units: --algorithm wake-sleep (Hinton et al., 1995) or rws --k K ' +
        '(Bornschein and Bengio, 2015)',
    },
  ],
  options: HELMHOLTZ_OPTIONS,
  runDefaults: { data: 'mnist', epochs: 10, batchSize: 64 },
  monitor: { metric: 'test_loglik', mode: 'max' },
  tinyRuns: [
    { name: 'helmholtz wake-sleep', kind: 'helmholtz', options: { ...TINY, algorithm: 'wake-sleep' } },
    { name: 'helmholtz rws', kind: 'helmholtz', options: { ...TINY, algorithm: 'rws', k: 3 } },
  ],

  resolveConfig(_kind, options, data) {
    if (data.kind !== 'image')
      throw new OptionError(
        'data',
        `a Helmholtz machine models binarized images, and ${data.name} holds vectors`,
      );
    return resolveHelmholtzConfig({
      inputShape: data.shape,
      hidden: options.hidden as number[],
      algorithm: options.algorithm as HelmholtzConfig['algorithm'],
      k: options.k as number,
      learningRate: options.lr as number,
      seed: options.seed as number,
    });
  },

  create: (config) => new HelmholtzMachine(config),
  estimateParameters: estimateHelmholtzParameters,
  optimizers: (model) => ({ generative: model.pOptimizer, recognition: model.qOptimizer }),

  trainStep(model, batch, context) {
    const { loss, q_loss } = model.trainStep(batch.x, context.seed);
    return { loss, bound: -loss, q_loss };
  },

  evaluate(model, data, { seed, batchSize, options = {}, onProgress }) {
    const e = evaluateHelmholtz(model, data, {
      seed,
      batchSize,
      iwSamples: (options.iw as number | undefined) ?? EPOCH_IW,
      onProgress,
    });
    return { loglik: e.loglik, elbo: e.elbo, iw_samples: e.iwSamples, n: e.n };
  },

  sample: (model, n, options) => helmholtzSamples(model, n, options),
  pictures: helmholtzPictures,

  save: (model) => ({ weights: model.state() }),
  restore(model, checkpoint, source) {
    assignWeights(model.state(), checkpoint.weights, `${source}/weights.safetensors`);
  },
};
