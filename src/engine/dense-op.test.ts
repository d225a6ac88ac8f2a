import * as tf from './tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseProduct, type DenseProductActivation } from './dense-op.js';
import { assertNoLeaks } from './memory.js';

// denseProduct against the same layer written op by op (tf.matMul, tf.add, tf.relu, whose gradients TensorFlow.js
// and second-order.ts define): values, the first derivatives in x, W and b, and the derivative in W and b of a
// penalty on d f / d x (WGAN-GP's gradient of a gradient). The second-order gradients of the op-by-op layer are
// themselves checked against float64 finite differences in second-order.test.ts.

const N = 5;
const IN = 4;
const OUT = 3;

/** Fixed inputs and weights, with no pre-activation near relu's kink (|x W + b| > 0.05, checked below). */
function fixtures() {
  const at = (n: number, scale: number, phase: number) =>
    Array.from({ length: n }, (_, k) => scale * Math.sin(1.7 * k + phase));
  return {
    x: tf.tensor2d(at(N * IN, 1.2, 0.3), [N, IN]),
    w: tf.variable(tf.tensor2d(at(IN * OUT, 0.8, 1.1), [IN, OUT])),
    b: tf.variable(tf.tensor1d(at(OUT, 0.5, 2.0))),
    v: tf.tensor2d(at(OUT, 1, 0.7), [OUT, 1]),
  };
}

type Layer = (x: tf.Tensor2D, w: tf.Variable, b: tf.Variable) => tf.Tensor2D;
const fused =
  (activation: DenseProductActivation): Layer =>
  (x, w, b) =>
    denseProduct(x, w, b, activation);
const opByOp =
  (activation: DenseProductActivation): Layer =>
  (x, w, b) => {
    const h = tf.add<tf.Tensor2D>(tf.matMul(x, w), b);
    return activation === 'relu' ? tf.relu(h) : h;
  };

/** f(x) = sum((layer(x) v)^2), its gradients in x, W and b, and those in W and b of mean(||df/dx_i||^2). */
function derivatives(layer: Layer, { x, w, b, v }: ReturnType<typeof fixtures>) {
  const f = (xi: tf.Tensor2D) => tf.sum<tf.Scalar>(tf.square(tf.matMul(layer(xi, w, b), v)));
  return tf.tidy(() => {
    const first = tf.variableGrads(() => f(x), [w, b]);
    const dx = tf.grad((xi: tf.Tensor) => f(xi as tf.Tensor2D))(x);
    const second = tf.variableGrads(() => {
      const g = tf.grad((xi: tf.Tensor) => f(xi as tf.Tensor2D))(x);
      return tf.mean<tf.Scalar>(tf.sum(tf.square(g), 1));
    }, [w, b]);
    const read = (t: tf.Tensor) => Array.from(t.dataSync());
    return {
      value: read(first.value),
      dx: read(dx),
      dw: read(first.grads[w.name]),
      db: read(first.grads[b.name]),
      penalty: read(second.value),
      penaltyDw: read(second.grads[w.name]),
      penaltyDb: read(second.grads[b.name]),
    };
  });
}

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5 * scale);
}

describe.each(['wasm', 'cpu'])('denseProduct on %s', (backend) => {
  let previous: string;
  let fx: ReturnType<typeof fixtures>;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
    fx = fixtures();
  });
  afterAll(async () => {
    tf.dispose([fx.x, fx.w, fx.b, fx.v]);
    await tf.setBackend(previous);
  });

  it('the fixtures keep every pre-activation away from the kink', () => {
    const h = tf.tidy(() => tf.add(tf.matMul(fx.x, fx.w), fx.b).dataSync());
    expect(Math.min(...Array.from(h, Math.abs))).toBeGreaterThan(0.05);
    expect(Array.from(h).some((v) => v < 0)).toBe(true);
  });

  it.each(['linear', 'relu'] as const)(
    'values, first and second derivatives agree with the op-by-op layer (%s)',
    (activation) => {
      const ours = derivatives(fused(activation), fx);
      const reference = derivatives(opByOp(activation), fx);
      for (const key of Object.keys(reference) as (keyof typeof reference)[])
        expectClose(ours[key], reference[key]);
      // Not vacuous: the penalty's gradient in W is not zero.
      expect(Math.max(...ours.penaltyDw.map(Math.abs))).toBeGreaterThan(0.01);
    },
  );

  it('outside a gradient tape it is the same layer', () => {
    const [ours, reference] = tf.tidy(() => [
      Array.from(denseProduct(fx.x, fx.w, fx.b, 'relu').dataSync()),
      Array.from(opByOp('relu')(fx.x, fx.w, fx.b).dataSync()),
    ]);
    expectClose(ours, reference);
  });

  it('leaves no tensor behind, with and without a tape', async () => {
    await assertNoLeaks(() => {
      derivatives(fused('relu'), fx);
      tf.dispose(denseProduct(fx.x, fx.w, fx.b, 'linear'));
    }, 'denseProduct');
  });
});
