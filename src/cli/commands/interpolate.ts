/**
 * `latentlab interpolate DIR -o FILE.png`: decode straight (or spherical) lines between the latent codes of pairs
 * of test images, for any family with latent codes (a VAE's posterior means, a flow's f^-1(x)).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../engine/backend.js';
import { interpolationFigure, MAX_GRID_IMAGES } from '../../families/figures.js';
import { writeFigure } from '../../plot/render.js';
import type { OptionSpec } from '../../train/options.js';
import { CliError, withErrorContext } from '../cli-error.js';
import type { CliIO } from '../io.js';
import { dataFor, loadForCommand } from '../load.js';
import { addOptions } from '../options.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'pairs',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 6,
    placeholder: '<n>',
    help: 'pairs of examples, one row each',
  },
  {
    name: 'steps',
    type: 'integer',
    min: 2,
    max: 1000,
    default: 10,
    placeholder: '<n>',
    help: 'images per row, the two ends included',
  },
];

interface InterpolateFlags {
  output: string;
  pairs?: number;
  steps?: number;
  spherical?: boolean;
  data?: string;
  backend?: BackendChoice;
}

/** `latentlab interpolate DIR -o FILE.png`. */
export function interpolateCommand(io: CliIO): Command {
  const command = new Command('interpolate')
    .description('decode lines between the latent codes of pairs of test images (models with latent codes)')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .requiredOption('-o, --output <file>', 'the PNG to write');
  addOptions(command, OPTIONS, '');
  command
    .option('--spherical', 'spherical (slerp) instead of linear interpolation')
    .option('--data <name>', 'take the examples from this data set instead of the run’s')
    .addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES))
    .action(async (dir: string, flags: InterpolateFlags) => {
      await withErrorContext({ command: 'interpolate', specs: OPTIONS }, async () => {
        if (!/\.png$/i.test(flags.output)) throw new CliError(`-o ${flags.output}: expected a .png file`);
        const pairs = flags.pairs ?? 6;
        const steps = flags.steps ?? 10;
        if (pairs * steps > MAX_GRID_IMAGES)
          throw new CliError(
            `--pairs ${pairs} --steps ${steps}: ${pairs * steps} images are more than one picture holds (${MAX_GRID_IMAGES})`,
          );
        const run = await loadForCommand(dir, flags.backend);
        try {
          const kind = run.checkpoint.config.kind;
          if (run.family.latent === undefined)
            throw new CliError(`${dir} holds a ${kind}, which has no latent codes to interpolate`);
          const { name, data } = dataFor(run, dir, flags.data);
          if (data.kind !== 'image')
            throw new CliError(`interpolate draws images, and ${name} holds vectors`);
          const figure = interpolationFigure(run.family.latent, run.model, data, {
            pairs,
            steps,
            spherical: flags.spherical,
          });
          await mkdir(dirname(resolve(flags.output)), { recursive: true });
          await writeFigure(flags.output, figure);
          io.out(`${flags.output}\n`);
        } finally {
          run.model.dispose();
        }
      });
    });
  return command;
}
