/**
 * Timing helpers shared by the benchmarks: the median, and a step loop that times each step after a warm-up and
 * fails on a tensor leak (a leaking step would be timed on a heap that grows, and would crash a real training run).
 */
import * as tf from '../src/engine/tf.js';

/** The median of `xs` (the mean of the two middle values for an even count), as Python's `statistics.median`. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Options of {@link timeSteps}. */
export interface TimeStepsOptions {
  /** Timed steps. */
  steps: number;
  /** Untimed steps first; default 10, as the peers do. */
  warmup?: number;
  /** Names the loop in the leak error. */
  label: string;
}

/** Thrown by {@link timeSteps} when the number of live tensors changes from one step to the next. */
export class StepLeakError extends Error {
  override name = 'StepLeakError';
}

/**
 * Run `step` `warmup + steps` times and return the milliseconds of each timed step. The number of live tensors
 * after the first step (when optimizers create their moment slots) must stay the same after every later step, or a
 * {@link StepLeakError} is thrown.
 */
export function timeSteps(step: () => void, { steps, warmup = 10, label }: TimeStepsOptions): number[] {
  const times: number[] = [];
  let baseline = 0;
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    step();
    const elapsed = performance.now() - start;
    if (i >= warmup) times.push(elapsed);
    const live = tf.memory().numTensors;
    if (i === 0) baseline = live;
    else if (live !== baseline)
      throw new StepLeakError(
        `${label}: tf.memory().numTensors went from ${baseline} after the first step to ${live} after step ` +
          `${i + 1}; the step leaks tensors`,
      );
  }
  return times;
}
