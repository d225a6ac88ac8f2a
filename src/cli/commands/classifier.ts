/**
 * `latentlab classifier --data NAME -o FILE`: train the feature classifier of the sample metrics on a labelled image
 * data set's training part, and write it as one safetensors file. `npm run classifiers` makes the ones the package
 * ships this way; any other image data set (`idx:DIR`) gets its own, which `eval --sample-metrics --classifier FILE`
 * then uses. It prints JSON: the test accuracy, and the Frechet distance of the test images to as many training
 * images (what a perfect model's samples would score at that count).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, initEngine, type BackendChoice } from '../../engine/backend.js';
import { deriveSeed, Random } from '../../engine/random.js';
import { subset } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { classifierAccuracy, trainClassifier } from '../../metrics/classifier.js';
import { writeClassifier } from '../../metrics/node.js';
import { sampleMetrics } from '../../metrics/sample-metrics.js';
import { progressCallback } from '../../train/progress.js';
import { learningRateOption, OptionError, type OptionSpec } from '../../train/options.js';
import { withErrorContext } from '../cli-error.js';
import { progressStream, type CliIO } from '../io.js';
import { addOptions } from '../options.js';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'epochs', type: 'integer', min: 1, default: 5, placeholder: '<n>', help: 'epochs of training' },
  {
    name: 'batchSize',
    type: 'integer',
    min: 1,
    default: 128,
    placeholder: '<n>',
    help: 'examples per batch',
  },
  learningRateOption('Adam learning rate', 1e-3, undefined),
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    default: 0,
    placeholder: '<s>',
    help: 'seed of the weights and batches',
  },
  {
    name: 'limit',
    type: 'integer',
    min: 2,
    placeholder: '<n>',
    help: 'train on the first n training images only',
  },
];

interface ClassifierFlags {
  data: string;
  output: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
  limit?: number;
  backend?: BackendChoice;
}

/** `latentlab classifier`. */
export function classifierCommand(io: CliIO): Command {
  const command = new Command('classifier')
    .description('train the feature classifier of the sample metrics on a labelled image data set')
    .requiredOption('--data <name>', 'the image data set: mnist, mnist-full, fashion-mnist or idx:DIR')
    .requiredOption('-o, --output <file>', 'the classifier file to write (.safetensors)');
  addOptions(command, OPTIONS, '');
  command.addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES));
  command.action(async (given: ClassifierFlags) => {
    await withErrorContext({ command: 'classifier', specs: OPTIONS }, async () => {
      const defaults = Object.fromEntries(OPTIONS.map((o) => [o.name, o.default]));
      const flags = { ...defaults, ...given } as Required<Omit<ClassifierFlags, 'limit' | 'backend'>> &
        ClassifierFlags;
      if (!flags.output.endsWith('.safetensors'))
        throw new OptionError('output', `expected a .safetensors file, got ${flags.output}`);
      const split = loadDataset(flags.data);
      if (split.train.kind !== 'image' || split.test === null || split.train.labels === null)
        throw new OptionError('data', `${flags.data} is not a labelled image data set with a test part`);
      await initEngine({ backend: flags.backend });
      const train =
        flags.limit === undefined || flags.limit >= split.train.n
          ? split.train
          : subset(
              split.train,
              Array.from({ length: flags.limit }, (_, i) => i),
            );
      const test = split.test;
      const started = performance.now();
      const { classifier, history } = await trainClassifier(train, {
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        learningRate: flags.lr,
        seed: flags.seed,
        test,
        callbacks: [progressCallback({ label: 'classifier', stream: progressStream(io) })],
      });
      try {
        const testAccuracy = classifierAccuracy(classifier, test);
        const info = { data: flags.data, testAccuracy, epochs: flags.epochs };
        const output = resolve(flags.output);
        await mkdir(dirname(output), { recursive: true });
        await writeClassifier(output, classifier, info);
        // What a model whose samples were the data would score: the test images against as many training images.
        const count = Math.min(test.n, train.n);
        const order = new Random(deriveSeed(flags.seed, 'reference')).permutation(train.n).slice(0, count);
        const reference = sampleMetrics(classifier, test, subset(train, order, 'train'));
        io.out(
          JSON.stringify(
            {
              data: flags.data,
              output,
              train_images: train.n,
              test_accuracy: testAccuracy,
              epochs: flags.epochs,
              parameters: classifier.numParameters(),
              seconds: (performance.now() - started) / 1000,
              reference_frechet_distance: reference.frechet_distance,
              reference_precision: reference.precision,
              reference_recall: reference.recall,
              reference_sample_count: reference.sample_count,
              history,
            },
            null,
            2,
          ) + '\n',
        );
      } finally {
        classifier.dispose();
      }
    });
  });
  return command;
}
