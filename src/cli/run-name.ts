/**
 * The default run directory of a command that writes one.
 */

/** `runs/<model>-<UTC time>`, e.g. `runs/gmm-20261122-101530`: a new directory for each run, sorted by time. */
export function runName(model: string): string {
  return `runs/${model}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}
