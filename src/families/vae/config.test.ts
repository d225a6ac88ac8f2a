import { describe, expect, it } from 'vitest';
import { ConfigError, resolveVaeConfig, VAE_KINDS, type VaeConfig, type VaeKind } from './vae-config.js';

const SHAPE: [number, number, number] = [28, 28, 1];

describe('resolveVaeConfig defaults', () => {
  it('gives the AEVB VAE for kind vae', () => {
    expect(resolveVaeConfig('vae', { inputShape: SHAPE })).toEqual({
      kind: 'vae',
      inputShape: [28, 28, 1],
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
    });
  });

  it.each<[VaeKind, Partial<VaeConfig>]>([
    ['vae', { beta: 1, iwSamples: 1, numClasses: 0, conditionalPrior: false }],
    ['beta-vae', { beta: 4, iwSamples: 1, numClasses: 0, conditionalPrior: false }],
    ['iwae', { beta: 1, iwSamples: 5, numClasses: 0, conditionalPrior: false }],
    ['cvae', { beta: 1, iwSamples: 1, numClasses: 10, conditionalPrior: true }],
  ])('sets the defaults of %s', (kind, expected) => {
    const config = resolveVaeConfig(kind, { inputShape: SHAPE });
    expect(config).toMatchObject({ ...expected, kind, latent: 20, hidden: [400] });
  });

  it('lets options override the kind defaults, but not the kind', () => {
    const options = { inputShape: SHAPE, beta: 2, latent: 3, kind: 'vae' as VaeKind };
    const config = resolveVaeConfig('beta-vae', options);
    expect(config).toMatchObject({ kind: 'beta-vae', beta: 2, latent: 3 });
    expect(resolveVaeConfig('iwae', { inputShape: SHAPE, iwSamples: 50 }).iwSamples).toBe(50);
    expect(resolveVaeConfig('cvae', { inputShape: SHAPE, numClasses: 3 }).numClasses).toBe(3);
  });

  it('makes the unconditional kinds ignore numClasses', () => {
    for (const kind of VAE_KINDS.filter((k) => k !== 'cvae'))
      expect(resolveVaeConfig(kind, { inputShape: SHAPE, numClasses: 10 }).numClasses).toBe(0);
  });

  it('is a fixed point: resolving a resolved configuration changes nothing', () => {
    for (const kind of VAE_KINDS) {
      const config = resolveVaeConfig(kind, { inputShape: [8, 8, 3], latent: 4, hidden: [16, 8] });
      expect(resolveVaeConfig(kind, config)).toEqual(config);
    }
  });

  it('leaves its options unchanged', () => {
    const options = { inputShape: SHAPE, numClasses: 7 };
    resolveVaeConfig('vae', options);
    expect(options).toEqual({ inputShape: SHAPE, numClasses: 7 });
  });
});

describe('resolveVaeConfig validation', () => {
  const cases: Array<[string, VaeKind, Record<string, unknown>, string]> = [
    ['an unknown kind', 'gan' as VaeKind, {}, `'kind' must be one of vae, beta-vae, iwae, cvae, got 'gan'`],
    [
      'a 2-d input shape',
      'vae',
      { inputShape: [28, 28] },
      `'inputShape' must be [height, width, channels], got [28,28]`,
    ],
    [
      'a zero image width',
      'vae',
      { inputShape: [28, 0, 1] },
      `'inputShape[1]' must be a positive integer, got 0`,
    ],
    ['a zero latent size', 'vae', { latent: 0 }, `'latent' must be a positive integer, got 0`],
    ['a fractional latent size', 'vae', { latent: 2.5 }, `'latent' must be a positive integer, got 2.5`],
    ['hidden not a list', 'vae', { hidden: 400 }, `'hidden' must be a list of widths, got 400`],
    [
      'a negative hidden width',
      'vae',
      { hidden: [400, -1] },
      `'hidden[1]' must be a positive integer, got -1`,
    ],
    [
      'an unknown activation',
      'vae',
      { activation: 'gelu' },
      `'activation' must be one of linear, relu, tanh`,
    ],
    [
      'an unknown architecture',
      'vae',
      { architecture: 'rnn' },
      `'architecture' must be one of mlp, conv, got 'rnn'`,
    ],
    [
      'an unknown likelihood',
      'vae',
      { likelihood: 'poisson' },
      `'likelihood' must be one of bernoulli, gaussian, gaussian-fixed, got 'poisson'`,
    ],
    ['a zero decoder scale', 'vae', { decoderScale: 0 }, `'decoderScale' must be a positive number, got 0`],
    [
      'an infinite decoder scale',
      'vae',
      { decoderScale: Infinity },
      `'decoderScale' must be a positive number`,
    ],
    [
      'an unknown estimator',
      'vae',
      { estimator: 'exact' },
      `'estimator' must be one of analytic-kl, monte-carlo, got 'exact'`,
    ],
    ['zero samples', 'vae', { samples: 0 }, `'samples' must be a positive integer, got 0`],
    ['a negative beta', 'beta-vae', { beta: -1 }, `'beta' must be a number >= 0, got -1`],
    ['a NaN beta', 'vae', { beta: NaN }, `'beta' must be a number >= 0, got NaN`],
    ['a negative warm-up', 'vae', { warmup: -1 }, `'warmup' must be a number of epochs >= 0, got -1`],
    ['zero importance samples', 'vae', { iwSamples: 0 }, `'iwSamples' must be a positive integer, got 0`],
    [
      'an IWAE with K = 1',
      'iwae',
      { iwSamples: 1 },
      `'iwSamples' must be at least 2 for an IWAE (K = 1 is the VAE), got 1`,
    ],
    ['an unknown prior', 'vae', { prior: 'vamp' }, `'prior' must be one of normal, mixture, got 'vamp'`],
    [
      'a one-component mixture',
      'vae',
      { prior: 'mixture', priorComponents: 1 },
      `'priorComponents' must be an integer >= 2, got 1`,
    ],
    [
      'a CVAE with one class',
      'cvae',
      { numClasses: 1 },
      `'numClasses' must be an integer >= 2 for a conditional VAE, got 1`,
    ],
    [
      'a CVAE with a mixture prior',
      'cvae',
      { prior: 'mixture' },
      `'prior' must be 'normal' for a conditional VAE (its prior is p(z|c)), got 'mixture'`,
    ],
    ['a zero learning rate', 'vae', { learningRate: 0 }, `'learningRate' must be a positive number, got 0`],
    ['a negative seed', 'vae', { seed: -1 }, `'seed' must be an integer >= 0, got -1`],
    ['a fractional seed', 'vae', { seed: 1.5 }, `'seed' must be an integer >= 0, got 1.5`],
  ];

  it.each(cases)('rejects %s with a ConfigError naming the option', (_name, kind, options, message) => {
    const call = () => resolveVaeConfig(kind, { inputShape: SHAPE, ...options });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });

  it('names its errors ConfigError, for the command line', () => {
    try {
      resolveVaeConfig('vae', { inputShape: SHAPE, latent: -3 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('ConfigError');
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('checks priorComponents only for the mixture prior, which uses it', () => {
    expect(resolveVaeConfig('vae', { inputShape: SHAPE, priorComponents: 1 }).priorComponents).toBe(1);
  });
});
