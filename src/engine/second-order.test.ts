import * as tf from './tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeaks } from './memory.js';
import { ACTIVATIONS, LEAKY_RELU_SLOPE, activate, type Activation } from '../nn/activations.js';
import { MLP } from '../nn/mlp.js';

// The critic f(x) = w2 . act(x W1 + b1) + b2 of the project's own MLP (so Dense's fused relu and linear products are
// on the path), and the WGAN-GP penalty P = mean_i (||grad_x f(x_i)||_2 - 1)^2 built with tf.grad inside. The
// reference is an independent float64 computation of P from the same weights, with the analytic act', and central
// differences of it in every weight and input.

const IN = 3;
const HIDDEN = 6;
const BATCH = 4;
const SEED = 2;

/** x_ij = 1.3 sin(0.9 (i IN + j) + 0.4): fixed points at which no pre-activation is near a kink (checked below). */
const X = Array.from({ length: BATCH * IN }, (_, k) => 1.3 * Math.sin(0.9 * k + 0.4));

// tfjs-core's selu constants (ops/selu_util.ts).
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;

/** act'(h) in float64, written from each activation's definition. */
const derivative: Record<Activation, (h: number) => number> = {
  linear: () => 1,
  relu: (h) => (h > 0 ? 1 : 0),
  tanh: (h) => 1 - Math.tanh(h) ** 2,
  sigmoid: (h) => {
    const s = 1 / (1 + Math.exp(-h));
    return s * (1 - s);
  },
  softplus: (h) => 1 / (1 + Math.exp(-h)),
  elu: (h) => (h > 0 ? 1 : Math.exp(h)),
  'leaky-relu': (h) => (h > 0 ? 1 : LEAKY_RELU_SLOPE),
  selu: (h) => (h > 0 ? SELU_SCALE : SELU_SCALE_ALPHA * Math.exp(h)),
};

interface Weights {
  w1: number[]; // [IN, HIDDEN], Dense's layout
  b1: number[];
  w2: number[]; // [HIDDEN, 1]
  b2: number[];
  x: number[]; // [BATCH, IN]
}

/** The pre-activations h_ik = sum_j x_ij W1_jk + b1_k, in float64. */
function preActivations({ w1, b1, x }: Weights): number[] {
  const h: number[] = [];
  for (let i = 0; i < BATCH; i++)
    for (let k = 0; k < HIDDEN; k++) {
      let s = b1[k];
      for (let j = 0; j < IN; j++) s += x[i * IN + j] * w1[j * HIDDEN + k];
      h.push(s);
    }
  return h;
}

/** P in float64: grad_x f(x_i)_j = sum_k W1_jk w2_k act'(h_ik). */
function penalty64(activation: Activation, p: Weights): number {
  const h = preActivations(p);
  let total = 0;
  for (let i = 0; i < BATCH; i++) {
    let norm2 = 0;
    for (let j = 0; j < IN; j++) {
      let g = 0;
      for (let k = 0; k < HIDDEN; k++)
        g += p.w1[j * HIDDEN + k] * p.w2[k] * derivative[activation](h[i * HIDDEN + k]);
      norm2 += g * g;
    }
    total += (Math.sqrt(norm2) - 1) ** 2;
  }
  return total / BATCH;
}

/** Central differences of `penalty64` in every entry of `p[key]`. */
function finiteDifferences(activation: Activation, p: Weights, key: keyof Weights, step = 1e-6): number[] {
  return p[key].map((_, n) => {
    const shifted = (delta: number) => {
      const values = [...p[key]];
      values[n] += delta;
      return penalty64(activation, { ...p, [key]: values });
    };
    return (shifted(step) - shifted(-step)) / (2 * step);
  });
}

/** The points X as a variable (the tidy disposes the tensor the variable was made from). */
const inputs = () => tf.tidy(() => tf.variable(tf.tensor2d(X, [BATCH, IN])));

function criticOf(activation: Activation): MLP {
  return new MLP(IN, [HIDDEN], 1, { activation, seed: SEED });
}

function weightsOf(critic: MLP, x: tf.Tensor): Weights {
  const [hidden, output] = critic.layers;
  const values = (t: tf.Tensor) => Array.from(t.dataSync());
  return {
    w1: values(hidden.kernel),
    b1: values(hidden.bias),
    w2: values(output.kernel),
    b2: values(output.bias),
    x: values(x),
  };
}

/** WGAN-GP's penalty of `critic` at `x`, with the input gradient taken by tf.grad (so P's gradient is second order). */
function penalty(critic: MLP, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const g = tf.grad((xi: tf.Tensor) => tf.sum(critic.apply(xi)))(x);
    const norms = tf.sqrt(tf.sum(tf.square(g), 1));
    return tf.mean(tf.square(tf.sub(norms, 1)));
  });
}

/**
 * dP/dW1, dP/db1, dP/dw2 and dP/dx by TensorFlow.js's second-order autodiff, as float64 arrays. x is taken as a
 * variable so that tf.variableGrads allows it no path (under `linear`, P does not depend on x: its gradient is 0).
 */
function autodiff(critic: MLP, x: tf.Variable): Record<'w1' | 'b1' | 'w2' | 'x', number[]> {
  return tf.tidy(() => {
    const [hidden, output] = critic.layers;
    const wrt = { w1: hidden.kernel, b1: hidden.bias, w2: output.kernel, x };
    const { grads } = tf.variableGrads(() => penalty(critic, x), Object.values(wrt));
    const values = (v: tf.Variable) => {
      const g = grads[v.name] as tf.Tensor | undefined;
      return g === undefined ? new Array<number>(v.size).fill(0) : Array.from(g.dataSync());
    };
    return { w1: values(wrt.w1), b1: values(wrt.b1), w2: values(wrt.w2), x: values(x) };
  });
}

const maxAbs = (values: number[]) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(['wasm', 'cpu'])('second-order gradients on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  // The replaced first-order gradients (tanh, sigmoid, elu recompute f(x); cast and addN are the identity).
  it.each(ACTIVATIONS.map((activation) => ({ activation })))(
    "the first derivative is still act'(x) ($activation)",
    ({ activation }) => {
      const points = [-2.5, -1, -0.3, 0.2, 0.9, 3];
      const x = tf.tensor1d(points);
      const g = tf.grad((xi: tf.Tensor) => tf.sum(activate(xi, activation)))(x);
      expect(g).toBeAllClose(points.map(derivative[activation]), { rtol: 1e-6, atol: 1e-7 });
      tf.dispose([x, g]);
    },
  );

  it('cast and addN pass the gradient through unchanged', () => {
    const y = tf.tensor1d([0.5, 0.25, -1]);
    const ints = tf.tensor1d([1, -2, 3], 'int32');
    const gCast = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.cast(xi, 'float32'), y)))(ints);
    expect(gCast).toBeAllClose([0.5, 0.25, -1]);
    // sum((a + b + a) y): the gradient is 2 y in a and y in b.
    const [a, b] = [tf.tensor1d([1, -2, 3]), tf.tensor1d([4, 5, 6])];
    const [ga, gb] = tf.grads((ai: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(tf.addN([ai, bi, ai]), y)))([
      a,
      b,
    ]);
    expect(ga).toBeAllClose([1, 0.5, -2]);
    expect(gb).toBeAllClose([0.5, 0.25, -1]);
    tf.dispose([y, ints, gCast, a, b, ga, gb]);
  });

  it.each(ACTIVATIONS.map((activation) => ({ activation })))(
    "the gradient penalty's gradient in W1, b1, w2 and x matches finite differences ($activation)",
    ({ activation }) => {
      const critic = criticOf(activation);
      const x = inputs();
      const p = weightsOf(critic, x);
      // Away from the kinks of relu, leaky-relu, elu and selu, the finite differences are those of a smooth function.
      const h = preActivations(p);
      expect(Math.min(...h.map(Math.abs))).toBeGreaterThan(0.05);
      expect(h.some((v) => v < 0) && h.some((v) => v > 0)).toBe(true);

      const value = penalty(critic, x);
      expect(value.dataSync()[0]).toBeCloseTo(penalty64(activation, p), 5);
      const got = autodiff(critic, x);
      for (const key of ['w1', 'b1', 'w2', 'x'] as const) {
        const want = finiteDifferences(activation, p, key);
        // float32 autodiff against a float64 reference (the worst relative error seen is 3e-6): relative 1e-4, plus
        // 1e-5 of the largest entry for entries that nearly cancel (exactly 0 for x under the piecewise-linear ones).
        expect(got[key], `${activation}: dP/d${key}`).toBeAllClose(want, {
          rtol: 1e-4,
          atol: 1e-5 * Math.max(maxAbs(want), 1e-3),
        });
      }
      tf.dispose([value, x]);
      critic.dispose();
    },
  );

  it.each(ACTIVATIONS.map((activation) => ({ activation })))(
    'one evaluation of the penalty and its gradients leaves no tensors behind ($activation)',
    async ({ activation }) => {
      const critic = criticOf(activation);
      const x = inputs();
      await assertNoLeaks(() => autodiff(critic, x), `penalty gradient (${activation})`);
      x.dispose();
      critic.dispose();
    },
  );
});
