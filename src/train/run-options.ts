/**
 * The options every run takes, whatever its family: the data, the seed, a subset of the training set, and (for the
 * families trained by steps) the length of training, the batch size and early stopping. A family gives their
 * defaults (`runDefaults`: the VAE trains 5 epochs of 128 digits, a flow 1500 steps of 256 points on 2-D data).
 */
import type { Family } from '../families/family.js';
import type { OptionSpec, OptionValues } from './options.js';

/** The run options of every family. */
export const COMMON_RUN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'data',
    type: 'string',
    placeholder: '<name|path>',
    help: 'mnist (embedded), mnist-full (after latentlab data fetch mnist), fashion-mnist, idx:DIR (IDX files), a 2-D density (moons, 8gaussians, ...) or a CSV/TSV/JSON table',
  },
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    default: 0,
    placeholder: '<s>',
    help: 'seed of the weights, the batch order and every random draw',
  },
  {
    name: 'limit',
    type: 'integer',
    min: 1,
    placeholder: '<n>',
    help: 'train on the first n training examples only',
  },
];

/** The run options of the families trained by gradient steps. */
export const STEP_RUN_OPTIONS: readonly OptionSpec[] = [
  { name: 'epochs', type: 'integer', min: 1, placeholder: '<n>', help: 'epochs to train' },
  {
    name: 'steps',
    type: 'integer',
    min: 1,
    placeholder: '<n>',
    help: 'optimisation steps in all (with --epochs, whichever comes first)',
  },
  {
    name: 'batchSize',
    type: 'integer',
    min: 1,
    max: 65536,
    placeholder: '<n>',
    help: 'examples per step',
  },
  {
    name: 'patience',
    type: 'integer',
    min: 1,
    placeholder: '<epochs>',
    help: 'stop when the held-out metric has not improved for this many epochs',
  },
  {
    name: 'sampleMetrics',
    type: 'boolean',
    default: false,
    help: "images: record the sample metrics of 1000 draws after each epoch (the Frechet distance, precision, recall and class KL on the data set's classifier)",
  },
  {
    name: 'classifier',
    type: 'string',
    placeholder: '<file>',
    help: "the classifier file of the sample metrics (default: the one shipped for the data set; see 'latentlab classifier')",
  },
];

/** The run options of `family`, with its defaults filled in. */
export function runOptionsOf(family: Family): OptionSpec[] {
  const specs =
    family.training === 'steps' ? [...COMMON_RUN_OPTIONS, ...STEP_RUN_OPTIONS] : [...COMMON_RUN_OPTIONS];
  return specs.map((spec) =>
    spec.name in family.runDefaults ? { ...spec, default: family.runDefaults[spec.name] } : spec,
  );
}

/** Every option of `family` (its run options, then its own), for one kind and command. */
export function optionsOf(family: Family): OptionSpec[] {
  return [...runOptionsOf(family), ...family.options];
}

/** The options that only say how long to train: the ones a resumed run may change. */
export const LENGTH_OPTIONS: readonly string[] = ['epochs', 'steps'];

/**
 * The length of training the user asked for: when either `epochs` or `steps` was given, the other one's default is
 * dropped (asking for 20 epochs of a flow on 2-D data means 20 epochs, not "20 epochs or 1500 steps").
 */
export function trainingLength(
  values: OptionValues,
  sources: Record<string, string>,
): { epochs?: number; steps?: number } {
  const given = (name: string) => sources[name] !== undefined && sources[name] !== 'default';
  const epochs = values.epochs as number | undefined;
  const steps = values.steps as number | undefined;
  if (given('epochs') && !given('steps')) return { epochs };
  if (given('steps') && !given('epochs')) return { steps };
  return { ...(epochs === undefined ? {} : { epochs }), ...(steps === undefined ? {} : { steps }) };
}
