/**
 * Progress of training on a terminal (Node only): a live bar per epoch, or plain lines when the output is a log.
 */
import cliProgress from 'cli-progress';
import { formatDuration, formatNumber } from './callbacks.js';
import type { Callback, StepContext } from './trainer.js';

export interface ProgressOptions {
  /** Where to write; standard error by default (standard output stays for results). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Which parts of the step's output to show, in order (default: all of them). */
  show?: string[];
  /** Force the live bar (true) or plain lines (false); default: a bar when the stream is a terminal. */
  bar?: boolean;
  /** Plain mode: also print a line every this many seconds within a long epoch (default 30). */
  lineEvery?: number;
  label?: string;
}

/**
 * Progress: on a terminal, a bar per epoch with the running means of the loss parts, steps per second and the ETA;
 * otherwise one line per epoch (and one every `lineEvery` seconds inside long epochs), so logs stay readable.
 */
export function progressCallback(options: ProgressOptions = {}): Callback {
  const { stream = process.stderr, show, lineEvery = 30, label = 'train' } = options;
  const useBar = options.bar ?? Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let epochs = 0;
  let perEpoch = 0;
  let epochStart = 0;
  let lastLine = 0;
  const sums: Record<string, number> = {};
  let count = 0;

  const summary = (values: Record<string, number>) =>
    Object.entries(values)
      .filter(([k]) => (show ? show.includes(k) : !['epoch', 'step', 'seconds'].includes(k)))
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join('  ');

  const means = () => Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count]));

  return {
    onTrainBegin(info) {
      epochs = info.epochs;
      perEpoch = info.batchesPerEpoch;
      if (info.startEpoch > 0)
        stream.write(`${label}: resuming after epoch ${info.startEpoch} of ${epochs}\n`);
    },
    onBatchEnd(context: StepContext, parts) {
      if (context.batch === 0 || count === 0) {
        for (const k of Object.keys(sums)) delete sums[k];
        count = 0;
        epochStart = performance.now();
        lastLine = epochStart;
        if (useBar) {
          bar?.stop();
          bar = new cliProgress.SingleBar(
            {
              format: `${label} epoch ${context.epoch + 1}/${epochs} [{bar}] {value}/{total} | {parts} | {rate} it/s | ETA {eta_formatted}`,
              stream: stream as NodeJS.WriteStream,
              hideCursor: true,
              clearOnComplete: false,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(perEpoch - context.batch, 0, { parts: '', rate: '0' });
        }
      }
      for (const [k, v] of Object.entries(parts)) sums[k] = (sums[k] ?? 0) + v;
      count++;
      const now = performance.now();
      const rate = (count / (now - epochStart)) * 1000;
      if (bar) bar.update(count, { parts: summary(means()), rate: rate.toFixed(1) });
      else if ((now - lastLine) / 1000 >= lineEvery && context.batch + 1 < perEpoch) {
        lastLine = now;
        const eta = (perEpoch - context.batch - 1) / rate;
        stream.write(
          `${label} epoch ${context.epoch + 1}/${epochs} ${context.batch + 1}/${perEpoch}  ${summary(means())}  ` +
            `${rate.toFixed(1)} it/s  ETA ${formatDuration(eta)}\n`,
        );
      }
    },
    onEpochEnd(record) {
      bar?.stop();
      bar = null;
      count = 0;
      stream.write(
        `${label} epoch ${record.epoch}/${epochs}  ${summary(record)}  (${formatDuration(record.seconds)})\n`,
      );
    },
    onTrainEnd() {
      bar?.stop();
    },
  };
}
