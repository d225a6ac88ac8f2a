import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { OptionError } from '../../train/options.js';
import { resolveVaeConfig, VAE_KINDS, type VaeKind } from './config.js';
import { VAE } from './model.js';

const SHAPE = [28, 28, 1];

describe('resolveVaeConfig defaults', () => {
  it('gives the AEVB VAE on images: a 784-400-20 ReLU MLP whose decoder outputs Bernoulli probabilities', () => {
    const vae = new VAE(resolveVaeConfig('vae', { inputShape: SHAPE }));
    // Encoder 784 -> 400 -> (20 loc, 20 log-variance), decoder 20 -> 400 -> 784 logits, no prior parameters.
    const expected = 784 * 400 + 400 + 2 * (400 * 20 + 20) + (20 * 400 + 400) + (400 * 784 + 784);
    expect(vae.numParameters()).toBe(expected);
    const x = vae.sample(3, { seed: 0 });
    const values = x.dataSync();
    expect(values.every((v) => v > 0 && v < 1)).toBe(true); // sigmoid probabilities, not Gaussian means
    expect(vae.optimizer.learningRate).toBe(1e-3);
    x.dispose();
    vae.dispose();
  });

  it('gives a small Gaussian VAE on vectors, whose likelihood scores real numbers', () => {
    const config = resolveVaeConfig('vae', { inputShape: [2] });
    const vae = new VAE(config);
    const z = tf.zeros<tf.Rank.R2>([1, config.latent]);
    const lp = tf.tidy(() => vae.likelihood(z).logProb(tf.tensor2d([[-3.2, 1.7]])));
    expect(Number.isFinite(lp.dataSync()[0])).toBe(true); // a Bernoulli would give -Infinity or NaN here
    expect(config.latent).toBeLessThan(20);
    tf.dispose([z, lp]);
    vae.dispose();
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
      const config = resolveVaeConfig(kind, {
        inputShape: [8, 8, 3],
        latent: 4,
        hidden: [16, 8],
        numClasses: 3,
      });
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
      `'inputShape' must be [height, width, channels] or [d], got [28,28]`,
    ],
    [
      'a zero image width',
      'vae',
      { inputShape: [28, 0, 1] },
      `'inputShape[1]' must be a positive integer, got 0`,
    ],
    ['a zero latent size', 'vae', { latent: 0 }, `'latent' must be a positive integer at most 4096, got 0`],
    [
      'a fractional latent size',
      'vae',
      { latent: 2.5 },
      `'latent' must be a positive integer at most 4096, got 2.5`,
    ],
    [
      'hidden not a list',
      'vae',
      { hidden: 400 },
      `'hidden' must be a list of positive integers such as [512, 256], each at most 16384, got 400`,
    ],
    [
      'a negative hidden width',
      'vae',
      { hidden: [400, -1] },
      `'hidden' must be a list of positive integers such as [512, 256], each at most 16384, got [400,-1]`,
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
    [
      'a zero decoder scale',
      'vae',
      { likelihood: 'gaussian-fixed', decoderScale: 0 },
      `'decoderScale' must be a positive number, got 0`,
    ],
    [
      'an infinite decoder scale',
      'vae',
      { likelihood: 'gaussian-fixed', decoderScale: Infinity },
      `'decoderScale' must be a positive number`,
    ],
    [
      'an unknown estimator',
      'vae',
      { estimator: 'exact' },
      `'estimator' must be one of analytic-kl, monte-carlo, got 'exact'`,
    ],
    ['zero samples', 'vae', { samples: 0 }, `'samples' must be a positive integer at most 100000, got 0`],
    ['a negative beta', 'beta-vae', { beta: -1 }, `'beta' must be a number >= 0, got -1`],
    ['a NaN beta', 'vae', { beta: NaN }, `'beta' must be a number >= 0, got NaN`],
    ['a negative warm-up', 'vae', { warmup: -1 }, `'warmup' must be a number >= 0, got -1`],
    [
      'zero importance samples',
      'vae',
      { iwSamples: 0 },
      `'iwSamples' must be an integer >= 2 and at most 100000, got 0`,
    ],
    [
      'an IWAE with K = 1',
      'iwae',
      { iwSamples: 1 },
      `'iwSamples' must be an integer >= 2 and at most 100000, got 1`,
    ],
    ['an unknown prior', 'vae', { prior: 'vamp' }, `'prior' must be one of normal, mixture, got 'vamp'`],
    [
      'a one-component mixture',
      'vae',
      { prior: 'mixture', priorComponents: 1 },
      `'priorComponents' must be an integer >= 2 and at most 1000, got 1`,
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

  it.each(cases)('rejects %s with an OptionError naming the option', (_name, kind, options, message) => {
    const call = () => resolveVaeConfig(kind, { inputShape: SHAPE, ...options });
    expect(call).toThrow(OptionError);
    expect(call).toThrow(message);
  });

  it('names its errors OptionError, with the option and the reason apart', () => {
    try {
      resolveVaeConfig('vae', { inputShape: SHAPE, latent: -3 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe('OptionError');
      expect((e as OptionError).option).toBe('latent');
      expect((e as OptionError).reason).toBe('must be a positive integer at most 4096, got -3');
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('checks priorComponents only for the mixture prior, which uses it', () => {
    expect(resolveVaeConfig('vae', { inputShape: SHAPE, priorComponents: 1 }).priorComponents).toBe(1);
  });
});
