/**
 * Argument checks for the layers of `src/nn/`: each failure is one line naming the layer, the argument and what was
 * expected, so the command-line tool can print it as it is.
 */

/** Thrown when a layer or module gets an argument it cannot use (a width of 0, an unknown activation, ...). */
export class ModuleArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleArgumentError';
  }
}

/** Throw unless `value` is an integer >= `min` (1 unless given). */
export function checkInteger(value: number, name: string, where: string, min = 1): void {
  if (!Number.isInteger(value) || value < min)
    throw new ModuleArgumentError(`${where}: '${name}' must be an integer >= ${min}, got ${value}`);
}

/** Throw unless `value` is one of `choices`. */
export function checkChoice<T extends string>(
  value: string,
  choices: readonly T[],
  name: string,
  where: string,
): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new ModuleArgumentError(
    `${where}: unknown ${name} '${value}'; expected one of ${choices.join(', ')}`,
  );
}
