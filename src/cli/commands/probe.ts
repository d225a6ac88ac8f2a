/**
 * `latentlab probe [DIR]`: how much of the class a model's latent codes carry, by the 1-nearest-neighbour classifier
 * and a linear probe fitted to the codes of the training images and scored on the test images; without DIR, the
 * same of the raw pixels, the baseline every encoder is compared with. Prints JSON.
 */
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, initEngine, type BackendChoice } from '../../engine/backend.js';
import { head } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { OptionError, type OptionSpec } from '../../train/options.js';
import { latentFeatures, probeAccuracies, rawFeatures } from '../../train/probe.js';
import { CliError, withErrorContext } from '../cli-error.js';
import type { CliIO } from '../io.js';
import { loadForCommand } from '../load.js';
import { addOptions } from '../options.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'limit',
    type: 'integer',
    min: 2,
    placeholder: '<n>',
    help: 'use only the first n training examples (all by default)',
  },
];

interface ProbeFlags {
  data?: string;
  limit?: number;
  backend?: BackendChoice;
}

/** `latentlab probe [DIR]`. */
export function probeCommand(io: CliIO): Command {
  const command = new Command('probe')
    .description(
      'score latent codes (or, without a run, raw pixels) by 1-nearest-neighbour and linear-probe test accuracy',
    )
    .argument(
      '[dir]',
      'a run directory of a model with latent codes; without it, the raw examples are probed',
    )
    .option('--data <name>', "the labelled data set (default: the run's, or mnist without a run)");
  addOptions(command, OPTIONS, '');
  command
    .addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES))
    .action(async (dir: string | undefined, flags: ProbeFlags) => {
      await withErrorContext({ command: 'probe', specs: OPTIONS }, async () => {
        const run = dir === undefined ? null : await loadForCommand(dir, flags.backend);
        try {
          if (run === null) await initEngine({ backend: flags.backend });
          const kind = run?.checkpoint.config.kind;
          if (run !== null && run.family.latent === undefined)
            throw new CliError(`${dir} holds a ${kind}, which has no latent codes to probe`);
          const name = flags.data ?? (run?.state?.options.data as string | undefined) ?? 'mnist';
          const split = loadDataset(name);
          if (split.test === null)
            throw new OptionError('data', `must have a test part for the probes, and ${name} has none`);
          const shape = run?.state?.shape;
          if (shape !== undefined && split.test.shape.join(',') !== shape.join(','))
            throw new OptionError(
              'data',
              `${name} has examples of shape [${split.test.shape.join(', ')}], but the model in ${dir} was trained on [${shape.join(', ')}]`,
            );
          const train = head(split.train, flags.limit);
          const features = (data: typeof train) =>
            run === null ? rawFeatures(data) : latentFeatures(run.family.latent!, run.model, data);
          const result = probeAccuracies(features(train), train, features(split.test), split.test);
          const record = {
            features: run === null ? 'raw examples' : `latent codes of ${kind}`,
            data: name,
            ...result,
          };
          io.out(JSON.stringify(record, null, 2) + '\n');
        } finally {
          run?.model.dispose();
        }
      });
    });
  return command;
}
