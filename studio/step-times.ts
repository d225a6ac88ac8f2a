/**
 * The speed the page shows: the median time of the last training steps, each as the worker measured it (the step
 * alone, without the pictures and evaluations between steps). The page-speed benchmark reads the same number from the
 * page (`bench/page-speed.ts`).
 */

/** How many of the last steps the median is over. */
export const STEP_WINDOW = 50;

export class StepTimes {
  private readonly times: number[] = [];

  /**
   * Keep the times of the last `window` steps.
   *
   * @example
   * const times = new StepTimes();
   * times.add(6.1); times.add(5.9); times.add(7.3);
   * times.median(); // 6.1
   */
  constructor(readonly window = STEP_WINDOW) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`StepTimes: argument 'window' must be a positive integer, got ${window}`);
  }

  /** Record a step's milliseconds; a non-finite time (no step was taken) is left out. */
  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.times.push(ms);
    if (this.times.length > this.window) this.times.shift();
  }

  clear(): void {
    this.times.length = 0;
  }

  /** The steps the median is over: the steps recorded, at most `window`. */
  get count(): number {
    return this.times.length;
  }

  /** The median of the recorded times (the mean of the two middle ones for an even count); NaN before any. */
  median(): number {
    if (this.times.length === 0) return NaN;
    const sorted = [...this.times].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
