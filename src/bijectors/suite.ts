/**
 * The generic bijector test suite (zuko's and distrax's habit: one set of checks run over every bijector). A test
 * helper module, not a test file: a `*.test.ts` file calls {@link bijectorSuite} inside its own `describe` blocks.
 *
 * Every check first perturbs all parameters with small random values, since zero-initialised output layers make a
 * fresh coupling layer the identity (which would pass a round trip and a log-det check trivially and receive zero
 * gradients in places).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import { slogdet } from '../linalg/determinant.js';
import type { Bijector } from './bijector.js';

/** Options of {@link bijectorSuite}. */
export interface BijectorSuiteOptions {
  /** A context tensor for conditional bijectors, its batch matching `input()`'s. */
  context?: () => tf.Tensor;
  /** Absolute and relative tolerance of the round trips; default 1e-4. Log-dets get ten times as much. */
  tolerance?: number;
  /** Check the log-det against an autodiff Jacobian of the first example; default true (keep events <= 48). */
  jacobian?: boolean;
}

/** Add N(0, scale^2) noise to every parameter of `b`, seeded, so no check runs at the identity. */
export function perturbParameters(b: Bijector, seed: number, scale = 0.1): void {
  let i = 0;
  for (const v of b.parameters().values())
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, scale, 'float32', seed * 1009 + ++i))));
}

/** log|det J_f(x)| of the first example of `x`, from the autodiff Jacobian, in float64; with the event size. */
export function autodiffLogDet(b: Bijector, x: tf.Tensor, context?: tf.Tensor): number {
  const event = x.shape.slice(x.rank - b.eventNdims);
  const size = event.reduce((a, s) => a * s, 1);
  const rows = tf.tidy(() => {
    // The first example, repeated once per output coordinate: row k of the gradient of sum_k y_k[k] is dy_k/dx,
    // which is J's row k when examples are transformed independently (as every bijector must).
    const first = tf.reshape(tf.slice(tf.reshape(x, [-1, size]), [0, 0], [1, size]), [1, ...event]);
    const xs = tf.tile(first, [size, ...event.map(() => 1)]);
    const cs =
      context === undefined
        ? undefined
        : tf.tile(tf.slice(context, 0, 1), [size, ...context.shape.slice(1).map(() => 1)]);
    const eye = tf.eye(size);
    const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.reshape(b.forward(xi, cs), [size, size]), eye)));
    return g(xs).dataSync();
  });
  const { logAbsDet } = slogdet(rows, size);
  return logAbsDet;
}

/**
 * Register vitest checks of a bijector under `describe(name)`:
 * - inverse(forward(x)) = x and forward(inverse(y)) = y, within `tolerance` (y = forward(x));
 * - the forward log-det equals log|det J| of the autodiff Jacobian (first example, event flattened), and the inverse
 *   log-det at y = f(x) is minus the forward one at x;
 * - every parameter gets a non-zero gradient of sum(f(x)^2) + sum(log-det), and of the same loss through the inverse;
 * - `loadParameters` of its `parameters()` into an instance made with another seed gives the same outputs and log-dets;
 * - log-dets have the batch shape and outputs the input's shape;
 * - nothing leaks (including `initialize` on data and `dispose`).
 *
 * `make(seed)` builds the bijector (a different seed must give different initial weights where there are any);
 * `input()` gives a fresh batch in the forward (noise -> data) direction's domain.
 *
 * @example
 * bijectorSuite('Shift', (seed) => new Shift(3, { init: 0.5 }), () => tf.randomNormal([5, 3], 0, 1, 'float32', 1));
 */
export function bijectorSuite(
  name: string,
  make: (seed: number) => Bijector,
  input: () => tf.Tensor,
  options: BijectorSuiteOptions = {},
): void {
  const { context: makeContext, tolerance = 1e-4, jacobian = true } = options;
  const roundTrip = { rtol: tolerance, atol: tolerance };
  const logDetTolerance = { rtol: 10 * tolerance, atol: 10 * tolerance };

  /** Run `fn` on a perturbed bijector, a fresh input and context, disposing all three afterwards. */
  function withBijector(fn: (b: Bijector, x: tf.Tensor, c: tf.Tensor | undefined) => void, seed = 1): void {
    const b = make(seed);
    const x = input();
    const c = makeContext?.();
    try {
      perturbParameters(b, seed);
      fn(b, x, c);
    } finally {
      tf.dispose([x, ...(c === undefined ? [] : [c])]);
      b.dispose();
    }
  }

  describe(`${name} (bijector suite)`, () => {
    it('inverse(forward(x)) = x and forward(inverse(y)) = y', () => {
      withBijector((b, x, c) =>
        tf.tidy(() => {
          const y = b.forward(x, c);
          expect(b.inverse(y, c)).toBeAllClose(x, roundTrip);
          expect(b.forward(b.inverse(y, c), c)).toBeAllClose(y, roundTrip);
        }),
      );
    });

    it('the log-dets agree with each other and with the autodiff Jacobian', () => {
      withBijector((b, x, c) =>
        tf.tidy(() => {
          const [y, forwardLogDet] = b.forwardAndLogDet(x, c);
          const [, inverseLogDet] = b.inverseAndLogDet(y, c);
          expect(inverseLogDet).toBeAllClose(tf.neg(forwardLogDet), logDetTolerance);
          expect(b.forwardLogDet(x, c)).toBeAllClose(forwardLogDet, logDetTolerance);
          if (jacobian) {
            const first = tf.reshape(forwardLogDet, [-1]).dataSync()[0];
            expect(autodiffLogDet(b, x, c)).toBeAllClose(first, { rtol: 1e-3, atol: 1e-3 });
          }
        }),
      );
    });

    it('every parameter receives a gradient, through the forward and the inverse', () => {
      withBijector((b, x, c) => {
        const params = [...b.parameters()];
        if (params.length === 0) {
          expect(b.numParameters()).toBe(0);
          return;
        }
        const y = b.forward(x, c);
        const losses: [string, () => tf.Scalar][] = [
          ['forward', () => lossOf(b.forwardAndLogDet(x, c))],
          ['inverse', () => lossOf(b.inverseAndLogDet(y, c))],
        ];
        for (const [direction, loss] of losses) {
          const { value, grads } = tf.variableGrads(loss);
          for (const [pname, v] of params) {
            const g = grads[v.name];
            expect(g, `${direction}: ${pname} has no gradient`).toBeDefined();
            const largest = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]);
            expect(largest, `${direction}: gradient of ${pname}`).toBeGreaterThan(0);
          }
          tf.dispose([value, ...Object.values(grads)]);
        }
        y.dispose();
      });
    });

    it('parameters loaded into an instance with another seed give the same outputs', () => {
      withBijector((b, x, c) => {
        const copy = make(2);
        try {
          expect([...copy.parameters().keys()]).toEqual([...b.parameters().keys()]);
          copy.loadParameters(b.parameters());
          tf.tidy(() => {
            const [y, ld] = b.forwardAndLogDet(x, c);
            const [y2, ld2] = copy.forwardAndLogDet(x, c);
            expect(y2).toBeAllClose(y, { rtol: 1e-6, atol: 1e-6 });
            expect(ld2).toBeAllClose(ld, { rtol: 1e-6, atol: 1e-6 });
            expect(copy.inverseLogDet(y, c)).toBeAllClose(b.inverseLogDet(y, c), { rtol: 1e-6, atol: 1e-6 });
          });
        } finally {
          copy.dispose();
        }
      });
    });

    it('outputs keep the input shape and log-dets have the batch shape', () => {
      withBijector((b, x, c) =>
        tf.tidy(() => {
          const batch = x.shape.slice(0, x.rank - b.eventNdims);
          const [y, ld] = b.forwardAndLogDet(x, c);
          const [x2, ld2] = b.inverseAndLogDet(y, c);
          expect(y.shape).toEqual(x.shape);
          expect(x2.shape).toEqual(x.shape);
          expect(ld.shape).toEqual(batch);
          expect(ld2.shape).toEqual(batch);
        }),
      );
    });

    it('leaks no tensors', async () => {
      await assertNoLeaks(() => {
        withBijector((b, x, c) => {
          const y = b.forward(x, c);
          b.initialize(y, c);
          tf.dispose([
            y,
            ...b.forwardAndLogDet(x, c),
            ...b.inverseAndLogDet(y, c),
            b.inverse(y, c),
            b.forwardLogDet(x, c),
            b.inverseLogDet(y, c),
          ]);
        });
      }, name);
    });
  });
}

/** sum(out^2) + sum(logDet): touches every output coordinate and the log-det. */
function lossOf([out, logDet]: [tf.Tensor, tf.Tensor]): tf.Scalar {
  return tf.add(tf.sum(tf.square(out)), tf.sum(logDet));
}
