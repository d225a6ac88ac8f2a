/**
 * Argument checks shared by the picture functions of `src/plot/`: each failure is one line naming the function, the
 * argument and what was expected.
 */

/**
 * Thrown when a picture function gets an argument it cannot draw (a wrong length, a non-integer size, ...). Its
 * message is one line, `fn: argument 'name' ...`, so a command-line tool can print it as it is.
 */
export class PlotArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlotArgumentError';
  }
}

/** Throw unless `value` is an integer >= `min` (1 unless given). */
export function checkInteger(value: number, name: string, fn: string, min = 1): void {
  if (!Number.isInteger(value) || value < min)
    throw new PlotArgumentError(`${fn}: argument '${name}' must be an integer >= ${min}, got ${value}`);
}

/** Throw unless `array` has exactly `expected` entries; `what` explains how `expected` was computed. */
export function checkLength(
  array: ArrayLike<number>,
  expected: number,
  name: string,
  fn: string,
  what: string,
): void {
  if (array.length !== expected)
    throw new PlotArgumentError(
      `${fn}: argument '${name}' must have ${what} = ${expected} entries, got ${array.length}`,
    );
}

/** Throw unless `range` is [lo, hi] with finite lo < hi; the message names option `name` of `fn`. */
export function checkRange(range: readonly [number, number], name: string, fn: string): void {
  if (
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    !(range[0] < range[1])
  )
    throw new PlotArgumentError(
      `${fn}: option '${name}' must be [lo, hi] with finite lo < hi, got [${range.join(', ')}]`,
    );
}
