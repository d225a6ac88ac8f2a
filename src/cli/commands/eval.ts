/**
 * `latentlab eval DIR`: a run's held-out metrics as JSON, the same keys as its `summary.json` (`test_elbo`,
 * `test_loglik`, ...), for a model of any family. Its family's evaluation options (`--iw K` for a VAE) are taken
 * for the kinds that have them, and refused for the others.
 */
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../engine/backend.js';
import { deriveSeed } from '../../engine/random.js';
import { FAMILIES } from '../../families/index.js';
import type { Dataset } from '../../data/dataset.js';
import type { FeatureClassifier } from '../../metrics/classifier.js';
import type { SampleMetrics } from '../../metrics/sample-metrics.js';
import { classifierFor } from '../../metrics/node.js';
import { OptionError, resolveOptions, type OptionSpec } from '../../train/options.js';
import { DEFAULT_SAMPLE_COUNT, modelSampleMetrics, sampleReference } from '../../train/sample-metrics.js';
import type { LoadedRun } from '../../train/run.js';
import { MAX_SAMPLE_VALUES } from './sample.js';
import { prefixed } from '../../train/run-files.js';
import { withErrorContext } from '../cli-error.js';
import type { CliIO } from '../io.js';
import { dataFor, loadForCommand } from '../load.js';
import { addOptions, givenFlags } from '../options.js';

/** Every family's evaluation options with the kinds that take them, to say which kinds do. */
function everyEvaluationOption(): OptionSpec[] {
  return FAMILIES.flatMap((f) =>
    f.options.map((s) => ({ ...s, kinds: s.kinds ?? f.kinds.map((k) => k.name) })),
  );
}

/** Every family's evaluation options, each name once (the first declaration's help). */
function evaluationOptions(): OptionSpec[] {
  const seen = new Map<string, OptionSpec>();
  for (const family of FAMILIES)
    for (const spec of family.options)
      if (spec.command === 'eval' && !seen.has(spec.name)) {
        const kinds = spec.kinds ?? family.kinds.map((k) => k.name);
        seen.set(spec.name, { ...spec, help: `${spec.help} (${kinds.join(', ')})`, kinds: undefined });
      }
  return [...seen.values()];
}

/** The options of `eval` itself. */
const COMMAND_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    placeholder: '<s>',
    help: 'seed of the evaluation draws (default: the run seed)',
  },
  { name: 'batchSize', type: 'integer', min: 1, max: 65536, placeholder: '<n>', help: 'examples per batch' },
  {
    name: 'sampleMetrics',
    type: 'boolean',
    help: "images: also score the model's samples (frechet_distance, precision, recall, class_kl, code_accuracy) against the test images on the data set's classifier",
  },
  {
    name: 'sampleCount',
    type: 'integer',
    min: 4,
    placeholder: '<n>',
    help: `samples (and test images) the sample metrics compare (default ${DEFAULT_SAMPLE_COUNT}; implies --sample-metrics)`,
  },
  {
    name: 'classifier',
    type: 'string',
    placeholder: '<file>',
    help: "the classifier of the sample metrics (default: the one shipped for the data set; see 'latentlab classifier'; implies --sample-metrics)",
  },
];

interface EvalFlags {
  data?: string;
  seed?: number;
  batchSize?: number;
  sampleMetrics?: boolean;
  sampleCount?: number;
  classifier?: string;
  backend?: BackendChoice;
}

/**
 * The classifier of the sample metrics for `data` (images of data set `name`), once the request is checked: the
 * sample metrics score its features, and the evaluation gets it too (for the families whose metrics read it).
 */
function sampleClassifier(name: string, data: Dataset, flags: EvalFlags): FeatureClassifier {
  if (data.kind !== 'image')
    throw new OptionError(
      'sampleMetrics',
      `need images, and ${name} holds vectors of shape [${data.shape.join(', ')}]`,
    );
  const size = data.shape.reduce((x, y) => x * y, 1);
  const count = flags.sampleCount ?? DEFAULT_SAMPLE_COUNT;
  if (count * size > MAX_SAMPLE_VALUES)
    throw new OptionError(
      'sampleCount',
      `must be at most ${Math.floor(MAX_SAMPLE_VALUES / size)} for images of ${size} values, got ${count}`,
    );
  return classifierFor(name, flags.classifier).classifier;
}

/** The sample metrics of the run's model against `data`, on `classifier`'s features. */
function drawnMetrics(
  run: LoadedRun,
  classifier: FeatureClassifier,
  data: Dataset,
  seed: number,
  flags: EvalFlags,
): SampleMetrics {
  const reference = sampleReference(classifier, data, {
    count: flags.sampleCount ?? DEFAULT_SAMPLE_COUNT,
    seed: deriveSeed(seed, 'sample-metrics'),
  });
  return modelSampleMetrics(run.family, run.model, reference, deriveSeed(seed, 'sample-metrics'));
}

/** `latentlab eval DIR`. */
export function evalCommand(io: CliIO): Command {
  const command = new Command('eval')
    .description('evaluate a trained model (of any family) on held-out data and print JSON metrics')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .option(
      '--data <name|path>',
      "evaluate on this data set's test part (or this table) instead of the run's",
    );
  addOptions(command, COMMAND_OPTIONS, '');
  command.addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES));
  const specs = evaluationOptions();
  const keys = addOptions(command, specs, '');
  command.action(async (dir: string, flags: EvalFlags) => {
    await withErrorContext({ command: 'eval', specs: [...COMMAND_OPTIONS, ...specs] }, async () => {
      const run = await loadForCommand(dir, flags.backend);
      try {
        const kind = run.checkpoint.config.kind;
        const { values } = resolveOptions(
          run.family.options,
          givenFlags(command, keys),
          {
            kind,
            data: run.state?.shape.length === 3 ? 'image' : 'vector',
          },
          { command: 'eval', others: everyEvaluationOption() },
        );
        const { name, data } = dataFor(run, dir, flags.data);
        const seed = flags.seed ?? (run.state?.options.seed as number | undefined) ?? 0;
        let last = performance.now();
        const drawn =
          flags.sampleMetrics === true || flags.sampleCount !== undefined || flags.classifier !== undefined;
        const classifier = drawn ? sampleClassifier(name, data, flags) : undefined;
        try {
          const metrics = run.family.evaluate(run.model, data, {
            seed: deriveSeed(seed, 'evaluate'),
            batchSize: flags.batchSize,
            options: values,
            onProgress: (done, total) => {
              if (performance.now() - last > 2000 && done < total) {
                last = performance.now();
                io.err(`eval ${done}/${total}\n`);
              }
            },
            classifier,
          });
          const record = {
            family: run.family.name,
            kind,
            data: name,
            ...prefixed(metrics, 'test_'),
            ...(classifier === undefined ? {} : drawnMetrics(run, classifier, data, seed, flags)),
          };
          io.out(JSON.stringify(record, null, 2) + '\n');
        } finally {
          classifier?.dispose();
        }
      } finally {
        run.model.dispose();
      }
    });
  });
  return command;
}
