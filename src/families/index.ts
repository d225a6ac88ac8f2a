/**
 * Every model family latentlab has, listed explicitly (no registration by side effect). The command line, the run
 * lifecycle, the documentation and the generic family test suite all read this list: a new family is a folder
 * under `families/` and one entry here.
 */
import type { Family } from './family.js';
import { aaeFamily } from './aae/index.js';
import { biganFamily } from './bigan/index.js';
import { cycleganFamily } from './cyclegan/index.js';
import { flowFamily } from './flow/index.js';
import { ganFamily } from './gan/index.js';
import { helmholtzFamily } from './helmholtz/index.js';
import { mixtureFamily } from './mixture/index.js';
import { vaeFamily } from './vae/index.js';

/** The families, in the order the command line lists them. */
export const FAMILIES: readonly Family[] = [
  vaeFamily,
  flowFamily,
  mixtureFamily,
  ganFamily,
  aaeFamily,
  biganFamily,
  cycleganFamily,
  helmholtzFamily,
];

/** The family that trains `kind` (`vae`, `flow`, `gmm`, ...), or undefined. */
export function familyOfKind(kind: string, families: readonly Family[] = FAMILIES): Family | undefined {
  return families.find((f) => f.kinds.some((k) => k.name === kind));
}

/** Every kind of every family, in order. */
export function allKinds(families: readonly Family[] = FAMILIES): string[] {
  return families.flatMap((f) => f.kinds.map((k) => k.name));
}
