/**
 * Settings read from environment variables in Node (`LATENTLAB_THREADS`, `LATENTLAB_NATIVE_THREADS`), checked once,
 * with an error that names the variable.
 */

/**
 * The positive integer the variable `name` holds, or undefined when it is unset or empty; anything else is an error
 * naming the variable.
 *
 * @example
 * positiveIntegerFromEnvironment('LATENTLAB_THREADS', { LATENTLAB_THREADS: '2' }); // 2
 */
export function positiveIntegerFromEnvironment(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return Number(value);
}
