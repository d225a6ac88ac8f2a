/**
 * Named optimizers in a checkpoint: `optimizer.safetensors` holds each optimizer's state under its name
 * (`model.adam.step`, `generator.adam.m.<param>`, ...), so a family with several optimizers saves and restores all.
 */
import type * as tf from '../engine/tf.js';
import { asFloat32Arrays, CheckpointError, type NamedArray } from '../io/safetensors.js';
import type { Optimizer } from '../optim/optimizer.js';

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function checkNames(optimizers: Readonly<Record<string, Optimizer>>): void {
  for (const name of Object.keys(optimizers))
    if (!NAME.test(name))
      throw new TypeError(`optimizer name '${name}' must be a word (letters, digits, '-' and '_'; no dots)`);
}

/**
 * Every optimizer's state, each entry prefixed with the optimizer's name and a dot. The caller disposes the tensors.
 *
 * @example
 * optimizerStates({ model: adam }); // Map { 'model.adam.step' => ..., 'model.adam.m.encoder.loc.kernel' => ... }
 */
export function optimizerStates(optimizers: Readonly<Record<string, Optimizer>>): Map<string, tf.Tensor> {
  checkNames(optimizers);
  const out = new Map<string, tf.Tensor>();
  for (const [name, optimizer] of Object.entries(optimizers))
    for (const [key, t] of optimizer.state()) out.set(`${name}.${key}`, t);
  return out;
}

/**
 * Restore every optimizer from `saved` (a checkpoint's optimizer arrays), checking each against `params`. A
 * checkpoint without the state of one of them is refused: training would silently restart that optimizer.
 * Errors name `source` (the file) and the optimizer.
 */
export function restoreOptimizers(
  optimizers: Readonly<Record<string, Optimizer>>,
  saved: Map<string, NamedArray> | null,
  params: Map<string, tf.Variable> | undefined,
  source: string,
): void {
  checkNames(optimizers);
  const names = Object.keys(optimizers);
  if (names.length === 0) return;
  if (saved === null)
    throw new CheckpointError(
      `${source} is missing: the checkpoint holds no optimizer state, so it can be evaluated and sampled but not ` +
        `resumed (training would restart the optimizer${names.length > 1 ? 's' : ''} from scratch)`,
    );
  const groups = new Map<string, Map<string, NamedArray>>(names.map((n) => [n, new Map()]));
  for (const [key, value] of saved) {
    const dot = key.indexOf('.');
    const group = groups.get(key.slice(0, dot));
    if (dot < 0 || group === undefined)
      throw new CheckpointError(
        `${source}: entry '${key}' belongs to no optimizer of the model (${names.join(', ')})`,
      );
    group.set(key.slice(dot + 1), value);
  }
  for (const [name, state] of groups) {
    if (state.size === 0)
      throw new CheckpointError(
        `${source} holds no state for the optimizer '${name}', so the run cannot be resumed`,
      );
    try {
      optimizers[name].loadState(asFloat32Arrays(state), params);
    } catch (e) {
      throw new CheckpointError(`${source}: optimizer '${name}': ${(e as Error).message}`);
    }
  }
}
