/**
 * The base of every distribution. A distribution has a `batchShape` (independent, differently parametrised copies)
 * and an `eventShape` (the shape of one draw); a sample of shape `sampleShape` has shape
 * `[...sampleShape, ...batchShape, ...eventShape]` and `logProb` of it has shape `[...sampleShape, ...batchShape]`.
 * Subclasses implement `logProb` and `rsample` or `sample`, and whichever of `entropy`, `mean`, `variance`, `cdf`
 * and `icdf` are defined for them.
 *
 * Parameters are converted to float32 tensors and broadcast to the batch shape at construction. A float32 tensor
 * that already has that shape is used as it is, not copied: it stays the caller's, who keeps it alive while the
 * distribution is in use. The distribution owns every tensor it made (`dispose()` frees those, never the caller's),
 * and gradients flow through them to the tensors the caller passed.
 */
import * as tf from '../engine/tf.js';
import { resolveSeed } from '../engine/random.js';
import { stopGradient } from './special.js';

/** A tensor or anything `tf.tensor` accepts: a number, a nested array, a typed array. */
export type TensorInput = tf.Tensor | tf.TensorLike;

/** Options every distribution constructor takes. */
export interface DistributionOptions {
  /**
   * Check parameters (and, where cheap, values) and throw an error naming the bad argument. Default: the global
   * setting of {@link setValidateArgs}, itself true. Checking reads the tensor back, so models turn it off in
   * training loops.
   */
  validateArgs?: boolean;
}

let validateByDefault = true;

/** Turn argument validation on or off for distributions built without an explicit `validateArgs`. */
export function setValidateArgs(on: boolean): void {
  validateByDefault = on;
}

/** Whether a distribution built with `options` validates its arguments. */
export function shouldValidate(options?: DistributionOptions): boolean {
  return options?.validateArgs ?? validateByDefault;
}

/**
 * Convert `x` to a float32 tensor, naming it in the error when it cannot be converted. A tensor of another dtype is
 * cast; a float32 tensor is returned as it is (not copied).
 */
export function toFloatTensor(x: TensorInput, name: string, context: string): tf.Tensor {
  if (x instanceof tf.Tensor) return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  if (typeof x === 'number' || Array.isArray(x) || ArrayBuffer.isView(x)) {
    try {
      return tf.tensor(x, undefined, 'float32');
    } catch (e) {
      throw new Error(`${context}: argument '${name}' is not a valid tensor: ${(e as Error).message}`);
    }
  }
  throw new Error(`${context}: argument '${name}' must be a tensor, a number or an array, got ${typeof x}`);
}

/** The shape that `shapes` broadcast to, or an error naming the distribution when they do not. */
export function broadcastShapes(shapes: number[][], context: string): number[] {
  try {
    return shapes.reduce((a, b) => tf.broadcast_util.assertAndGetBroadcastShape(a, b), []);
  } catch {
    throw new Error(
      `${context}: parameter shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast`,
    );
  }
}

/**
 * Convert named parameters to float32 tensors broadcast to one common shape (the batch shape, when the parameters
 * carry no event dimensions). A parameter that is already a float32 tensor of that shape is returned as it is and
 * listed in `borrowed` (the distribution must not dispose it); every other returned tensor is new.
 */
export function broadcastParams<K extends string>(
  params: Record<K, TensorInput>,
  context: string,
): { shape: number[]; tensors: Record<K, tf.Tensor>; borrowed: tf.Tensor[] } {
  const names = Object.keys(params) as K[];
  const raw = names.map((n) => toFloatTensor(params[n], n, context));
  const shape = broadcastShapes(
    raw.map((t) => t.shape),
    context,
  );
  const tensors = {} as Record<K, tf.Tensor>;
  const borrowed: tf.Tensor[] = [];
  names.forEach((n, i) => {
    const given = raw[i] === params[n];
    if (tf.util.arraysEqual(raw[i].shape, shape)) {
      tensors[n] = raw[i];
      if (given) borrowed.push(raw[i]);
    } else {
      tensors[n] = tf.broadcastTo(raw[i], shape);
      if (!given) raw[i].dispose();
    }
  });
  return { shape, tensors, borrowed };
}

/** Throw unless every entry of `t` satisfies `ok`, naming the argument and what was expected. */
export function checkValues(
  t: tf.Tensor,
  ok: (v: number) => boolean,
  name: string,
  expected: string,
  context: string,
): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!ok(values[i]))
      throw new Error(
        `${context}: argument '${name}' must be ${expected}, got ${values[i]} at flat index ${i}`,
      );
  }
}

/** The base class; see the module documentation. */
export abstract class Distribution {
  /** Shape of independent, differently parametrised copies. */
  abstract readonly batchShape: number[];
  /** Shape of a single draw. */
  abstract readonly eventShape: number[];
  /** Whether `rsample` gives pathwise (reparameterized) gradients. */
  readonly hasRsample: boolean = false;

  /** Log-density (or log-mass) of `x`, of shape `x.shape` minus the event dimensions. */
  abstract logProb(x: TensorInput): tf.Tensor;

  /** The parameter tensors this distribution holds; `dispose` frees those it did not borrow. */
  protected abstract parameters(): tf.Tensor[];

  /** The caller's tensors this distribution uses without a copy (see {@link broadcastParams}). */
  private readonly borrowedTensors = new Set<tf.Tensor>();

  /** Mark `tensors` as the caller's: `dispose` leaves them alone. */
  protected borrow(tensors: readonly tf.Tensor[]): void {
    for (const t of tensors) this.borrowedTensors.add(t);
  }

  /** A name for error messages. */
  get name(): string {
    return this.constructor.name;
  }

  /** `[...sampleShape, ...batchShape, ...eventShape]`. */
  protected extendedShape(sampleShape: number[] = []): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /** Draw samples without gradients. Defaults to `rsample` with gradients stopped. */
  sample(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => stopGradient(this.rsample(sampleShape, seed)));
  }

  /** Draw samples that are differentiable functions of the parameters (the reparameterization trick). */
  rsample(_sampleShape: number[] = [], _seed?: number): tf.Tensor {
    throw new Error(`${this.name} has no reparameterized sampler (rsample); use sample`);
  }

  /** Density or mass: `exp(logProb(x))`. */
  prob(x: TensorInput): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logProb(x)));
  }

  entropy(): tf.Tensor {
    throw this.undefinedMethod('entropy');
  }
  mean(): tf.Tensor {
    throw this.undefinedMethod('mean');
  }
  variance(): tf.Tensor {
    throw this.undefinedMethod('variance');
  }
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance()));
  }
  /** Cumulative distribution function P(X <= x). */
  cdf(_x: TensorInput): tf.Tensor {
    throw this.undefinedMethod('cdf');
  }
  /** Inverse of the cdf: the quantile function. */
  icdf(_p: TensorInput): tf.Tensor {
    throw this.undefinedMethod('icdf');
  }

  /**
   * Inverse-transform sampling: `icdf(u)` with u ~ Uniform(0, 1). Gives draws of the right law for any
   * distribution with an `icdf`, and they are pathwise-differentiable in the parameters wherever `icdf` is.
   */
  sampleByIcdf(sampleShape: number[] = [], seed?: number): tf.Tensor {
    return tf.tidy(() => this.icdf(uniformOpen(this.extendedShape(sampleShape), seed)));
  }

  /** Free the parameter tensors this distribution owns. */
  dispose(): void {
    tf.dispose(this.parameters().filter((t) => !this.borrowedTensors.has(t)));
  }

  protected undefinedMethod(method: string): Error {
    return new Error(`${this.name}.${method} is not defined`);
  }
}

/** Uniform draws from the open interval (0, 1): never exactly 0 or 1, so log and icdf stay finite. */
export function uniformOpen(shape: number[], seed?: number): tf.Tensor {
  const tiny = 1e-7;
  return tf.randomUniform(shape, tiny, 1 - tiny, 'float32', resolveSeed(seed));
}

/** Standard normal draws of `shape`, seeded from the global stream unless `seed` is given. */
export function standardNormal(shape: number[], seed?: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', resolveSeed(seed));
}
