import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { ACTIVATIONS, activate, parseActivation, type Activation } from './activations.js';
import { ModuleArgumentError } from './errors.js';

const xs = [-30, -4, -1.5, -0.3, 0, 0.2, 1, 3.5, 30];
// SELU's constants (Klambauer et al., 2017; torch.nn.SELU).
const ALPHA = 1.6732632423543772;
const LAMBDA = 1.0507009873554805;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Each activation and its derivative in closed form, in float64. */
const closedForms: Record<Activation, [(x: number) => number, (x: number) => number]> = {
  linear: [(x) => x, () => 1],
  relu: [(x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0)],
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  sigmoid: [sigmoid, (x) => sigmoid(x) * (1 - sigmoid(x))],
  softplus: [(x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), sigmoid],
  elu: [(x) => (x > 0 ? x : Math.expm1(x)), (x) => (x > 0 ? 1 : Math.exp(x))],
  'leaky-relu': [(x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
  selu: [
    (x) => LAMBDA * (x > 0 ? x : ALPHA * Math.expm1(x)),
    (x) => LAMBDA * (x > 0 ? 1 : ALPHA * Math.exp(x)),
  ],
};

describe('activations', () => {
  it('lists every activation once', () => {
    expect(new Set(ACTIVATIONS).size).toBe(8);
    expect([...ACTIVATIONS].sort()).toEqual(Object.keys(closedForms).sort());
  });

  it.each(ACTIVATIONS.map((name) => ({ name })))(
    '$name matches its closed form and derivative',
    ({ name }) => {
      const [f, df] = closedForms[name];
      const x = tf.tensor(xs);
      expect(activate(x, name)).toBeAllClose(xs.map(f), { rtol: 1e-5, atol: 1e-6 });
      const grad = tf.grad((t: tf.Tensor) => tf.sum(activate(t, name)))(x);
      // At 0 the one-sided derivatives of relu, elu, leaky-relu and selu differ; TensorFlow.js takes the left one.
      const expected = xs.map((v) =>
        v === 0 && ['relu', 'leaky-relu', 'elu', 'selu'].includes(name) ? df(-1e-30) : df(v),
      );
      expect(grad).toBeAllClose(expected, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([x, grad]);
    },
  );

  it('linear returns its input itself', () => {
    const x = tf.tensor([1, 2]);
    expect(activate(x, 'linear')).toBe(x);
    x.dispose();
  });

  it('parseActivation accepts every name', () => {
    for (const name of ACTIVATIONS) expect(parseActivation(name)).toBe(name);
  });

  it.each([
    { name: 'gelu', argument: '--activation' },
    { name: 'ReLU', argument: 'config.activation' },
    { name: '', argument: undefined },
  ])('parseActivation rejects "$name" naming $argument and the choices', ({ name, argument }) => {
    const call = () => parseActivation(name, argument);
    expect(call).toThrow(ModuleArgumentError);
    expect(call).toThrow(
      `${argument ?? 'activation'}: unknown activation '${name}'; expected one of linear, relu,`,
    );
  });

  it('activate rejects an unknown name', () => {
    expect(() => tf.tidy(() => activate(tf.scalar(1), 'swish' as Activation))).toThrow(
      /unknown activation 'swish'/,
    );
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      for (const name of ACTIVATIONS) tf.tidy(() => activate(tf.tensor(xs), name).dataSync());
    }, 'activate');
  });
});
