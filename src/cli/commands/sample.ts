/**
 * `latentlab sample DIR -o FILE`: draws from a trained model of any family, as a picture (`.png`: an image grid, or
 * a scatter of vectors) or, for vectors, as a table (`.csv`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../engine/backend.js';
import type { Dataset } from '../../data/dataset.js';
import { MAX_GRID_IMAGES, samplesFigure } from '../../families/figures.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { writeFigure } from '../../plot/render.js';
import type { OptionSpec } from '../../train/options.js';
import { CliError, withErrorContext } from '../cli-error.js';
import type { CliIO } from '../io.js';
import { loadForCommand } from '../load.js';
import { addOptions } from '../options.js';

/** The most values the samples of one command may hold (2^26 floats, 256 MiB). */
export const MAX_SAMPLE_VALUES = 2 ** 26;

const OPTIONS: readonly OptionSpec[] = [
  { name: 'seed', type: 'integer', min: 0, default: 0, placeholder: '<s>', help: 'seed of the draws' },
  {
    name: 'temperature',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1,
    placeholder: '<T>',
    help: 'draw the latent noise at temperature T (z ~ N(0, T^2 I) for a flow)',
  },
];

interface SampleFlags {
  count?: number;
  output: string;
  seed?: number;
  temperature?: number;
  backend?: BackendChoice;
}

/** The samples as CSV rows, one per sample. */
function csv(samples: Dataset): string {
  const d = samples.shape.reduce((a, b) => a * b, 1);
  const rows: string[] = [];
  for (let i = 0; i < samples.n; i++)
    rows.push(Array.from(samples.values.subarray(i * d, (i + 1) * d)).join(','));
  return rows.join('\n') + '\n';
}

/** `latentlab sample DIR -n N -o FILE`. */
export function sampleCommand(io: CliIO): Command {
  const command = new Command('sample')
    .description('draw samples from a trained model into a PNG (or, for vectors, a CSV table)')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .addOption(
      new Option('-n, --count <n>', 'how many samples (default 64 of images, 1000 of vectors)').argParser(
        (t) => {
          const n = Number(t);
          if (!/^\s*\d+\s*$/.test(t) || !Number.isSafeInteger(n) || n < 1)
            throw new InvalidArgumentError(`expected a positive integer, got '${t}'`);
          return n;
        },
      ),
    )
    .requiredOption('-o, --output <file>', 'the file to write: .png, or .csv for vectors');
  addOptions(command, OPTIONS, '');
  command
    .addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES))
    .action(async (dir: string, flags: SampleFlags) => {
      await withErrorContext({ command: 'sample', specs: OPTIONS }, async () => {
        const format = /\.(png|csv)$/i.exec(flags.output)?.[1].toLowerCase();
        if (format === undefined) throw new CliError(`-o ${flags.output}: expected a .png or .csv file`);
        const run = await loadForCommand(dir, flags.backend);
        try {
          const shape = run.state?.shape ?? (run.checkpoint.config.inputShape as number[] | undefined) ?? [];
          const size = shape.reduce((a, b) => a * b, 1);
          const image = shape.length === 3;
          const n = flags.count ?? (image ? 64 : 1000);
          const most = image
            ? Math.min(MAX_GRID_IMAGES, Math.floor(MAX_SAMPLE_VALUES / size))
            : Math.floor(MAX_SAMPLE_VALUES / size);
          if (n > most)
            throw new CliError(
              `-n ${n}: at most ${most} samples of ${size} values fit in one ${image ? 'picture' : 'file'} here`,
            );
          if (format === 'csv' && image)
            throw new CliError(`-o ${flags.output}: samples of images are pictures; write a .png`);
          const temperature = flags.temperature ?? 1;
          const samples = run.family.sample(run.model, n, { seed: flags.seed ?? 0, temperature });
          await mkdir(dirname(resolve(flags.output)), { recursive: true });
          if (format === 'csv') await writeFileAtomic(flags.output, csv(samples));
          else {
            const figure = run.family.samplesFigure?.(run.model, samples) ?? samplesFigure(samples);
            await writeFigure(flags.output, figure);
          }
          io.out(`${flags.output}\n`);
        } finally {
          run.model.dispose();
        }
      });
    });
  return command;
}
