/**
 * Callbacks for {@link fit}: a progress display (a live bar on a terminal, plain lines otherwise) and early
 * stopping on a monitored metric.
 */
import cliProgress from 'cli-progress';
import type { Callback, StepContext } from './trainer.js';

/** How a number reads in progress output: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

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

export interface EarlyStoppingOptions {
  /** The metric to watch (default `test_elbo`). */
  monitor?: string;
  /** `max` (default: an ELBO or log-likelihood) or `min` (a loss). */
  mode?: 'max' | 'min';
  /** Epochs without improvement before stopping. */
  patience: number;
  /** The smallest change that counts as an improvement. */
  minDelta?: number;
}

/** Stop when `monitor` has not improved by `minDelta` for `patience` epochs. */
export function earlyStopping({
  monitor = 'test_elbo',
  mode = 'max',
  patience,
  minDelta = 0,
}: EarlyStoppingOptions): Callback {
  if (!Number.isInteger(patience) || patience < 1)
    throw new Error(`earlyStopping: argument 'patience' must be a positive integer, got ${patience}`);
  let best = mode === 'max' ? -Infinity : Infinity;
  let waited = 0;
  return {
    onEpochEnd(record) {
      const value = record[monitor];
      if (value === undefined) throw new Error(`earlyStopping: the epoch record has no metric '${monitor}'`);
      const improved = mode === 'max' ? value > best + minDelta : value < best - minDelta;
      if (improved) {
        best = value;
        waited = 0;
        return;
      }
      waited++;
      if (waited >= patience)
        return `${monitor} has not improved for ${patience} epoch${patience > 1 ? 's' : ''} (best ${formatNumber(best)})`;
    },
  };
}
