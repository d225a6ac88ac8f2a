/**
 * The configuration of a VAE-family model: what `config.json` stores and what the options set. One record for the
 * VAE, the beta-VAE, the IWAE and the conditional VAE, which differ in their objective and conditioning only. The
 * options are declared once, here ({@link VAE_OPTIONS}); the defaults of {@link resolveVaeConfig} are theirs.
 */
import { ACTIVATIONS, type Activation } from '../../nn/activations.js';
import { ELBO_ESTIMATORS, type ElboEstimator } from '../../inference/elbo.js';
import type { DataKind } from '../../data/dataset.js';
import {
  configFields,
  learningRateOption,
  OptionError,
  resolveConfigFields,
  type OptionSpec,
  type OptionValue,
} from '../../train/options.js';
import { ARCHITECTURES, LIKELIHOODS, type Architecture, type Likelihood } from './networks.js';

export type VaeKind = 'vae' | 'beta-vae' | 'iwae' | 'cvae';
export const VAE_KINDS: readonly VaeKind[] = ['vae', 'beta-vae', 'iwae', 'cvae'];
export type PriorKind = 'normal' | 'mixture';
export const PRIOR_KINDS: readonly PriorKind[] = ['normal', 'mixture'];

export interface VaeConfig {
  kind: VaeKind;
  /** The shape of one example: `[height, width, channels]` for images, `[d]` for vectors. */
  inputShape: number[];
  /** d, the latent dimension. */
  latent: number;
  /** Widths of the encoder's hidden layers; the decoder mirrors them. For `conv`, the dense width after the convs. */
  hidden: number[];
  activation: Activation;
  architecture: Architecture;
  likelihood: Likelihood;
  /** Standard deviation of the `gaussian-fixed` likelihood. */
  decoderScale: number;
  /** Soft lower bound on the standard deviation of the `gaussian` likelihood (see `Decoder`). */
  decoderMinScale: number;
  estimator: ElboEstimator;
  /** L, z samples per example in the ELBO. */
  samples: number;
  /** KL weight after warm-up (beta-VAE: > 1). */
  beta: number;
  /** Epochs of linear KL warm-up (0: none). */
  warmup: number;
  /** K, importance samples of the IWAE objective (`iwae` only; the others train on the ELBO). */
  iwSamples: number;
  prior: PriorKind;
  /** Components of the `mixture` prior. */
  priorComponents: number;
  /** Classes of the label the conditional VAE is conditioned on (0: unconditional). */
  numClasses: number;
  /** Conditional VAE: learn p(z|c) (true) or use N(0, I) (false). */
  conditionalPrior: boolean;
  /** Scale the minibatch loss by N/M, the unbiased estimate of the whole training set's ELBO (AEVB eq. 8). */
  datasetScaling: boolean;
  learningRate: number;
  seed: number;
}

const ELBO_KINDS: readonly VaeKind[] = ['vae', 'beta-vae', 'cvae'];
const byData =
  <T extends OptionValue>(image: T, vector: T) =>
  ({ data }: { data: DataKind }) =>
    data === 'image' ? image : vector;

/**
 * The options of the VAE family, as `latentlab train vae|beta-vae|iwae|cvae` and `--config` take them. Their
 * defaults are the AEVB VAE's on images (784-400-20 ReLU MLP, Bernoulli decoder, analytic KL, Adam 1e-3) and a
 * small Gaussian VAE on vectors.
 */
export const VAE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'latent',
    sizes: true,
    type: 'integer',
    min: 1,
    max: 4096,
    placeholder: '<d>',
    default: byData(20, 2),
    help: 'latent dimensions',
  },
  {
    name: 'hidden',
    sizes: true,
    type: 'integers',
    min: 1,
    max: 16384,
    placeholder: '<widths>',
    default: byData([400], [64, 64]),
    help: 'hidden layer widths of the encoder (the decoder mirrors them), comma-separated',
  },
  { name: 'activation', type: 'choice', choices: ACTIVATIONS, default: 'relu', help: 'hidden activation' },
  {
    name: 'architecture',
    type: 'choice',
    choices: ARCHITECTURES,
    default: 'mlp',
    help: 'dense layers, or convolutions (images only)',
  },
  {
    name: 'likelihood',
    type: 'choice',
    choices: LIKELIHOODS,
    default: byData<string>('bernoulli', 'gaussian'),
    help: 'decoder p(x|z): Bernoulli (images, binarized afresh each step), Gaussian with learned or fixed variance',
  },
  {
    name: 'decoderScale',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1,
    when: { option: 'likelihood', is: ['gaussian-fixed'] },
    help: 'standard deviation of the gaussian-fixed decoder',
  },
  {
    name: 'decoderMinScale',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1e-3,
    when: { option: 'likelihood', is: ['gaussian'] },
    help: 'soft lower bound on the standard deviation of the gaussian decoder',
  },
  {
    name: 'estimator',
    type: 'choice',
    choices: ELBO_ESTIMATORS,
    default: 'analytic-kl',
    kinds: ELBO_KINDS,
    help: 'SGVB estimator: B (analytic KL) or A (Monte Carlo)',
  },
  {
    name: 'samples',
    type: 'integer',
    min: 1,
    max: 100000,
    default: 1,
    placeholder: '<L>',
    kinds: ELBO_KINDS,
    help: 'z samples per example in the ELBO',
  },
  {
    name: 'beta',
    type: 'number',
    min: 0,
    default: ({ kind }) => (kind === 'beta-vae' ? 4 : 1),
    placeholder: '<b>',
    kinds: ELBO_KINDS,
    help: 'KL weight after the warm-up',
  },
  {
    name: 'warmup',
    type: 'number',
    min: 0,
    default: 0,
    placeholder: '<epochs>',
    kinds: ELBO_KINDS,
    help: 'epochs of linear KL warm-up from 0 to beta',
  },
  {
    name: 'iwSamples',
    type: 'integer',
    min: 2,
    max: 100000,
    default: 5,
    placeholder: '<K>',
    kinds: ['iwae'],
    help: 'importance samples K of the IWAE bound',
  },
  {
    name: 'prior',
    type: 'choice',
    choices: PRIOR_KINDS,
    default: 'normal',
    kinds: ['vae', 'beta-vae', 'iwae'],
    help: 'prior p(z): N(0, I), or a learnable mixture of Gaussians',
  },
  {
    name: 'priorComponents',
    sizes: true,
    type: 'integer',
    min: 2,
    max: 1000,
    default: 10,
    placeholder: '<k>',
    kinds: ['vae', 'beta-vae', 'iwae'],
    when: { option: 'prior', is: ['mixture'] },
    help: 'components of the mixture prior',
  },
  {
    name: 'conditionalPrior',
    type: 'boolean',
    default: true,
    kinds: ['cvae'],
    help: 'learn the prior p(z|c) (--no-conditional-prior: N(0, I))',
  },
  {
    name: 'datasetScaling',
    type: 'boolean',
    default: false,
    help: "scale the minibatch loss by N/M, the estimate of the whole training set's ELBO (AEVB eq. 8)",
  },
  learningRateOption(),
  {
    name: 'evalIw',
    type: 'integer',
    min: 0,
    max: 100000,
    default: 0,
    placeholder: '<K>',
    finalEvaluation: 'iw',
    help: 'at the end, the importance-sampled test log-likelihood with K samples (0: none)',
  },
  {
    name: 'iw',
    type: 'integer',
    min: 0,
    max: 100000,
    default: 0,
    placeholder: '<K>',
    command: 'eval',
    help: 'also the importance-sampled log-likelihood with K samples',
  },
];

/** The configuration fields the options set, with the option of each. */
const FIELDS = configFields(VAE_OPTIONS);

/**
 * The full configuration of a model of `kind` for examples of shape `options.inputShape`: each field not given
 * takes its option's default for that kind and that data (images when the shape is [h, w, c], vectors when it is
 * [d]), then every field is checked. Throws an `OptionError` naming the field.
 *
 * @example
 * const config = resolveVaeConfig('beta-vae', { inputShape: [28, 28, 1], latent: 10 }); // beta 4, Bernoulli
 */
export function resolveVaeConfig(
  kind: VaeKind,
  options: Partial<VaeConfig> & { inputShape: number[] },
): VaeConfig {
  if (!VAE_KINDS.includes(kind))
    throw new OptionError('kind', `must be one of ${VAE_KINDS.join(', ')}, got '${String(kind)}'`);
  const shape = options.inputShape;
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 3))
    throw new OptionError(
      'inputShape',
      `must be [height, width, channels] or [d], got ${JSON.stringify(shape)}`,
    );
  shape.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new OptionError(`inputShape[${i}]`, `must be a positive integer, got ${v}`);
  });
  const data: DataKind = shape.length === 3 ? 'image' : 'vector';
  const context = { kind, data };
  const c = { ...options, kind, inputShape: [...shape] } as VaeConfig;
  const record = c as unknown as Record<string, unknown>;
  resolveConfigFields(record, FIELDS, context);
  c.numClasses ??= kind === 'cvae' ? 10 : 0; // MNIST's ten digits, unless told
  c.seed ??= 0;
  if (!Number.isSafeInteger(c.seed) || c.seed < 0)
    throw new OptionError('seed', `must be an integer >= 0, got ${c.seed}`);
  if (kind === 'cvae') {
    if (!Number.isInteger(c.numClasses) || c.numClasses < 2)
      throw new OptionError(
        'numClasses',
        `must be an integer >= 2 for a conditional VAE, got ${c.numClasses}`,
      );
    if (c.prior === 'mixture')
      throw new OptionError(
        'prior',
        `must be 'normal' for a conditional VAE (its prior is p(z|c)), got 'mixture'`,
      );
  } else {
    c.numClasses = 0;
    c.conditionalPrior = false;
  }
  if (c.architecture === 'conv' && shape.length !== 3)
    throw new OptionError(
      'architecture',
      `conv needs images, and the examples have shape [${shape.join(', ')}]`,
    );
  return c;
}
