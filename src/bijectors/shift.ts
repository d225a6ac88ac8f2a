/**
 * `Shift`: y = x + b, a learnable translation along the last axis.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError } from './bijector.js';

/** Options of {@link Shift}. */
export interface ShiftOptions {
  /** Register `shift` as a trainable parameter (default true); otherwise it is a constant the bijector owns. */
  learnable?: boolean;
  /** The initial shift: one number for every coordinate, or d numbers; default 0. */
  init?: number | number[];
  /** Event dimensions (1 for vectors `[n, d]`, 3 for images `[n, h, w, d]`); the shift acts on the last; default 1. */
  eventNdims?: number;
}

/** A `[d]` vector from a number or d numbers, or an error naming the argument. */
export function perCoordinate(value: number | number[], d: number, name: string, where: string): tf.Tensor1D {
  if (!Number.isInteger(d) || d < 1)
    throw new BijectorError(`${where}: 'd' must be an integer >= 1, got ${d}`);
  const values = typeof value === 'number' ? new Array<number>(d).fill(value) : value;
  if (values.length !== d || !values.every(Number.isFinite))
    throw new BijectorError(
      `${where}: '${name}' must be a finite number or ${d} finite numbers, got [${values.join(', ')}]`,
    );
  return tf.tensor1d(values, 'float32');
}

/** The event rank, checked. */
export function checkEventNdims(eventNdims: number, where: string): number {
  if (!Number.isInteger(eventNdims) || eventNdims < 1)
    throw new BijectorError(`${where}: 'eventNdims' must be an integer >= 1, got ${eventNdims}`);
  return eventNdims;
}

/**
 * Translation along the last axis, y = x + shift, with `shift` of shape `[d]` (a parameter named `shift` when
 * learnable). Volume-preserving: the log-det is 0.
 *
 * @example
 * const b = new Shift(2, { init: [1, -1] });
 * b.forward(tf.tensor2d([[0, 0]])); // [[1, -1]]
 */
export class Shift extends Bijector {
  readonly eventNdims: number;
  readonly shift: tf.Tensor1D;
  private readonly owned: boolean;

  constructor(
    readonly d: number,
    { learnable = true, init = 0, eventNdims = 1 }: ShiftOptions = {},
  ) {
    super();
    const where = `Shift(${d})`;
    this.eventNdims = checkEventNdims(eventNdims, where);
    const shift = perCoordinate(init, d, 'init', where);
    this.owned = !learnable;
    this.shift = learnable ? (this.addParameter('shift', shift) as tf.Tensor1D) : shift;
  }

  forwardAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batch = this.batchShapeOf(x);
    return tf.tidy(() => [tf.add(x, this.shift), tf.zeros(batch)]);
  }

  override inverseAndLogDet(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const batch = this.batchShapeOf(y, 'inverseAndLogDet');
    return tf.tidy(() => [tf.sub(y, this.shift), tf.zeros(batch)]);
  }

  override dispose(): void {
    if (this.owned) this.shift.dispose();
    super.dispose();
  }
}
