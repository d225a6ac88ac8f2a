/**
 * Callbacks for `trainSteps` that run anywhere: early stopping on a monitored metric, and the number formats of
 * progress displays (the terminal's progress bar is Node's, in `progress.ts`).
 */
import type { Callback } from './trainer.js';

/**
 * How a number reads in progress output: 4 significant digits, no exponent for ordinary magnitudes; an integer (a
 * count such as the modes covered) as itself.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

/** A duration as `42s`, `3m05s` or `2h10m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
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
