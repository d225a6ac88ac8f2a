/**
 * Memory helpers. TensorFlow.js tensors live outside JavaScript's garbage collector: anything not disposed (or
 * created outside `tf.tidy`) leaks. These helpers make a leak a test failure instead of a slow death.
 */
import * as tf from './tf.js';

/** Thrown by {@link assertNoLeaks} when a function leaves tensors behind. */
export class TensorLeakError extends Error {
  constructor(
    readonly label: string,
    readonly leaked: number,
  ) {
    super(
      `${label}: leaked ${leaked} tensor${leaked === 1 ? '' : 's'} (tf.memory().numTensors grew by ${leaked})`,
    );
    this.name = 'TensorLeakError';
  }
}

/**
 * Run `fn` and throw a {@link TensorLeakError} if `tf.memory().numTensors` is larger afterwards. The value `fn`
 * returns is disposed before counting when it holds tensors, so a function that returns a tensor is not counted as
 * leaking it. Works for synchronous and asynchronous functions.
 *
 * @example
 * await assertNoLeaks(() => tf.tidy(() => tf.add(1, 2).dataSync()), 'add');
 */
export async function assertNoLeaks<T>(fn: () => T | Promise<T>, label = 'function'): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  tf.dispose(collectTensors(result));
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) throw new TensorLeakError(label, leaked);
}

/** Every tensor inside `value` (a tensor, an array, or a plain object of them), for disposal. */
function collectTensors(value: unknown, out: tf.Tensor[] = [], depth = 0): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value as tf.Tensor);
  else if (depth < 4 && Array.isArray(value)) for (const v of value) collectTensors(v, out, depth + 1);
  else if (depth < 4 && value !== null && typeof value === 'object' && value.constructor === Object)
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  return out;
}

/** The number of live tensors now. */
export function numTensors(): number {
  return tf.memory().numTensors;
}
