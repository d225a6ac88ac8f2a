/**
 * The Helmholtz machine's configuration and its options: the sizes of the binary layers, the learning algorithm
 * (wake-sleep or reweighted wake-sleep with K samples) and Adam's step size.
 */
import {
  checkInputShape,
  configFields,
  learningRateOption,
  OptionError,
  resolveConfigFields,
  type OptionSpec,
} from '../../train/options.js';

export type HelmholtzAlgorithm = 'wake-sleep' | 'rws';
export const HELMHOLTZ_ALGORITHMS: readonly HelmholtzAlgorithm[] = ['wake-sleep', 'rws'];

export interface HelmholtzConfig {
  kind: 'helmholtz';
  /** The shape of one image, `[height, width, channels]`; its pixels are the visible units. */
  inputShape: number[];
  /** Sizes of the hidden binary layers, from the data up: `[200, 200]` is x - h1 (200) - h2 (200). */
  hidden: number[];
  algorithm: HelmholtzAlgorithm;
  /** K, the importance samples per example of reweighted wake-sleep (wake-sleep draws one). */
  k: number;
  learningRate: number;
  seed: number;
}

/** The options of `latentlab train helmholtz` and `latentlab eval` on its runs. */
export const HELMHOLTZ_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'hidden',
    sizes: true,
    type: 'integers',
    min: 1,
    max: 16384,
    placeholder: '<sizes>',
    default: [200, 200],
    help: 'sizes of the hidden binary layers, from the data up, comma-separated',
  },
  {
    name: 'algorithm',
    type: 'choice',
    choices: HELMHOLTZ_ALGORITHMS,
    default: 'rws',
    help: 'wake-sleep (Hinton et al. 1995) or reweighted wake-sleep (Bornschein and Bengio 2015)',
  },
  {
    name: 'k',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 5,
    placeholder: '<K>',
    when: { option: 'algorithm', is: ['rws'] },
    help: 'importance samples per example of reweighted wake-sleep',
  },
  learningRateOption('Adam learning rate, of both the generative and the recognition model'),
  {
    name: 'evalIw',
    type: 'integer',
    min: 1,
    max: 100000,
    default: 100,
    placeholder: '<K>',
    finalEvaluation: 'iw',
    help: 'at the end, the importance-sampled test log-likelihood with K samples',
  },
  {
    name: 'iw',
    type: 'integer',
    min: 1,
    max: 100000,
    default: 100,
    placeholder: '<K>',
    command: 'eval',
    help: 'importance samples per example of the log-likelihood estimate (the papers use up to 5000)',
  },
];

const FIELDS = configFields(HELMHOLTZ_OPTIONS);

/**
 * A full configuration from partial options: defaults filled in, every value checked (an `OptionError` naming it).
 *
 * @example
 * const config = resolveHelmholtzConfig({ inputShape: [28, 28, 1], algorithm: 'wake-sleep' });
 */
export function resolveHelmholtzConfig(
  options: Partial<HelmholtzConfig> & { inputShape: number[] },
): HelmholtzConfig {
  const shape = options.inputShape;
  if (checkInputShape(shape) !== 'image')
    throw new OptionError(
      'inputShape',
      `a Helmholtz machine models binary images: expected [height, width, channels], got ${JSON.stringify(shape)}`,
    );
  const config = { ...options, kind: 'helmholtz', inputShape: [...shape] } as HelmholtzConfig;
  resolveConfigFields(config as unknown as Record<string, unknown>, FIELDS, {
    kind: 'helmholtz',
    data: 'image',
  });
  if (config.hidden.length === 0) throw new OptionError('hidden', 'needs at least one hidden layer');
  config.seed ??= 0;
  if (!Number.isSafeInteger(config.seed) || config.seed < 0)
    throw new OptionError('seed', `must be a non-negative integer, got ${config.seed}`);
  return config;
}
