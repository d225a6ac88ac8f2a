/**
 * Argument checks shared by the metrics of `src/metrics/`: each failure is one line naming the function, the argument
 * and what was expected, so a command-line tool can print it as it is.
 */

/**
 * Thrown when a metric gets an argument it cannot score (an odd number of coordinates, a negative std, a grid of the
 * wrong size, ...). Its message is one line, `fn: argument 'name' ...`.
 */
export class MetricArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricArgumentError';
  }
}

/** Throw unless option `name` is an integer >= `min`. */
export function checkIntegerOption(value: number, name: string, fn: string, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new MetricArgumentError(`${fn}: option '${name}' must be an integer >= ${min}, got ${value}`);
}

/** Throw unless `points` holds n * 2 values (x, y of each point). */
export function checkPoints(points: ArrayLike<number>, name: string, fn: string): void {
  if (points.length % 2 !== 0)
    throw new MetricArgumentError(
      `${fn}: argument '${name}' must hold n * 2 values (x, y of each point), got ${points.length}`,
    );
}
