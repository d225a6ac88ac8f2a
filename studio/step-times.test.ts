import { describe, expect, it } from 'vitest';
import { StepTimes } from './step-times.js';

describe('the step times the page shows', () => {
  it('gives the median of the last steps only', () => {
    const times = new StepTimes(3);
    expect(times.median()).toBeNaN();
    for (const ms of [100, 4, 6]) times.add(ms);
    expect(times.median()).toBe(6);
    // The first step (100 ms, a warm-up) leaves the window: the median of 4, 6 and 2.
    times.add(2);
    expect(times.count).toBe(3);
    expect(times.median()).toBe(4);
  });

  it('takes the mean of the two middle times for an even count, and skips a step that was not taken', () => {
    const times = new StepTimes();
    for (const ms of [5, NaN, 1, 9, 3]) times.add(ms);
    expect(times.count).toBe(4);
    expect(times.median()).toBe(4);
    times.clear();
    expect(times.count).toBe(0);
  });

  it('refuses a window that is not a positive integer, naming it', () => {
    expect(() => new StepTimes(0)).toThrow("StepTimes: argument 'window' must be a positive integer, got 0");
  });
});
