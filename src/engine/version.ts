/**
 * latentlab's own version, written into every checkpoint. A constant rather than a read of package.json, so that the
 * library runs in a browser; `version.test.ts` checks that it is package.json's.
 */
export const LATENTLAB_VERSION = '0.1.0';

/** latentlab's version, as package.json gives it. */
export function latentlabVersion(): string {
  return LATENTLAB_VERSION;
}
