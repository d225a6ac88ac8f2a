/**
 * The configuration of a VAE-family model: what `config.json` stores and what the CLI's flags set. One record for
 * the VAE, the beta-VAE, the IWAE and the conditional VAE, which differ in their objective and conditioning only.
 */
import { ACTIVATIONS, type Activation } from '../nn/activations.js';
import { ELBO_ESTIMATORS, type ElboEstimator } from '../inference/elbo.js';
import { ARCHITECTURES, LIKELIHOODS, type Architecture, type Likelihood } from './vae-networks.js';

export type VaeKind = 'vae' | 'beta-vae' | 'iwae' | 'cvae';
export const VAE_KINDS: readonly VaeKind[] = ['vae', 'beta-vae', 'iwae', 'cvae'];
export type PriorKind = 'normal' | 'mixture';
export const PRIOR_KINDS: readonly PriorKind[] = ['normal', 'mixture'];

export interface VaeConfig {
  kind: VaeKind;
  /** [height, width, channels] of one example. */
  inputShape: [number, number, number];
  /** d, the latent dimension. */
  latent: number;
  /** Widths of the encoder's hidden layers; the decoder mirrors them. For `conv`, the dense width after the convs. */
  hidden: number[];
  activation: Activation;
  architecture: Architecture;
  likelihood: Likelihood;
  /** Standard deviation of the `gaussian-fixed` likelihood. */
  decoderScale: number;
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

const BASE: Omit<VaeConfig, 'kind' | 'inputShape'> = {
  latent: 20,
  hidden: [400],
  activation: 'relu',
  architecture: 'mlp',
  likelihood: 'bernoulli',
  decoderScale: 1,
  estimator: 'analytic-kl',
  samples: 1,
  beta: 1,
  warmup: 0,
  iwSamples: 1,
  prior: 'normal',
  priorComponents: 10,
  numClasses: 0,
  conditionalPrior: false,
  datasetScaling: false,
  learningRate: 1e-3,
  seed: 0,
};

/** What each kind changes from the base defaults. */
const KIND_DEFAULTS: Record<VaeKind, Partial<VaeConfig>> = {
  vae: {},
  'beta-vae': { beta: 4 },
  iwae: { iwSamples: 5 },
  cvae: { numClasses: 10, conditionalPrior: true },
};

/** A configuration error: the message names the option and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function positiveInt(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`'${name}' must be a positive integer, got ${value}`);
}

function oneOf<T>(value: T, choices: readonly T[], name: string): void {
  if (!choices.includes(value))
    throw new ConfigError(`'${name}' must be one of ${choices.join(', ')}, got '${String(value)}'`);
}

/**
 * The full configuration of a model of `kind`: the base defaults (the AEVB VAE: 400 ReLU units, 20 latents,
 * Bernoulli decoder, analytic KL, Adam 1e-3), the kind's own (beta 4 for `beta-vae`, K = 5 for `iwae`, 10 classes
 * and a learned prior for `cvae`), then `options`. Validates every field.
 *
 * @example
 * const config = resolveVaeConfig('beta-vae', { inputShape: [28, 28, 1], latent: 10 });
 */
export function resolveVaeConfig(
  kind: VaeKind,
  options: Partial<VaeConfig> & { inputShape: [number, number, number] },
): VaeConfig {
  oneOf(kind, VAE_KINDS, 'kind');
  const c: VaeConfig = { ...BASE, ...KIND_DEFAULTS[kind], ...options, kind };
  if (!Array.isArray(c.inputShape) || c.inputShape.length !== 3)
    throw new ConfigError(
      `'inputShape' must be [height, width, channels], got ${JSON.stringify(c.inputShape)}`,
    );
  c.inputShape.forEach((v, i) => positiveInt(v, `inputShape[${i}]`));
  positiveInt(c.latent, 'latent');
  if (!Array.isArray(c.hidden))
    throw new ConfigError(`'hidden' must be a list of widths, got ${String(c.hidden)}`);
  c.hidden.forEach((v, i) => positiveInt(v, `hidden[${i}]`));
  oneOf(c.activation, ACTIVATIONS, 'activation');
  oneOf(c.architecture, ARCHITECTURES, 'architecture');
  oneOf(c.likelihood, LIKELIHOODS, 'likelihood');
  if (!(c.decoderScale > 0 && Number.isFinite(c.decoderScale)))
    throw new ConfigError(`'decoderScale' must be a positive number, got ${c.decoderScale}`);
  oneOf(c.estimator, ELBO_ESTIMATORS, 'estimator');
  positiveInt(c.samples, 'samples');
  if (!(c.beta >= 0 && Number.isFinite(c.beta)))
    throw new ConfigError(`'beta' must be a number >= 0, got ${c.beta}`);
  if (!(c.warmup >= 0 && Number.isFinite(c.warmup)))
    throw new ConfigError(`'warmup' must be a number of epochs >= 0, got ${c.warmup}`);
  positiveInt(c.iwSamples, 'iwSamples');
  if (kind === 'iwae' && c.iwSamples < 2)
    throw new ConfigError(
      `'iwSamples' must be at least 2 for an IWAE (K = 1 is the VAE), got ${c.iwSamples}`,
    );
  oneOf(c.prior, PRIOR_KINDS, 'prior');
  if (c.prior === 'mixture' && (!Number.isInteger(c.priorComponents) || c.priorComponents < 2))
    throw new ConfigError(`'priorComponents' must be an integer >= 2, got ${c.priorComponents}`);
  if (kind === 'cvae') {
    if (!Number.isInteger(c.numClasses) || c.numClasses < 2)
      throw new ConfigError(
        `'numClasses' must be an integer >= 2 for a conditional VAE, got ${c.numClasses}`,
      );
    if (c.prior === 'mixture')
      throw new ConfigError(
        `'prior' must be 'normal' for a conditional VAE (its prior is p(z|c)), got 'mixture'`,
      );
  } else c.numClasses = 0;
  if (!(c.learningRate > 0 && Number.isFinite(c.learningRate)))
    throw new ConfigError(`'learningRate' must be a positive number, got ${c.learningRate}`);
  if (!Number.isInteger(c.seed) || c.seed < 0)
    throw new ConfigError(`'seed' must be an integer >= 0, got ${c.seed}`);
  return c;
}
