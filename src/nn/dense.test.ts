import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { setSeed } from '../engine/random.js';
import { ACTIVATIONS, type Activation } from './activations.js';
import { Dense } from './dense.js';
import { ModuleArgumentError } from './errors.js';

/** scale sin(a i + b) for i = 0..n-1: the same numbers as the PyTorch script below. */
const seq = (n: number, a: number, b: number, scale = 1) =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(a * i + b));

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** A Dense(3 -> 2) layer holding the weights of the reference computation. */
function referenceLayer(activation: Activation): Dense {
  const layer = new Dense(3, 2, { activation, seed: 1 });
  layer.loadParameters(
    new Map([
      ['kernel', { shape: [3, 2], data: Float32Array.from(seq(6, 0.7, 0.3, 0.5)) }],
      ['bias', { shape: [2], data: Float32Array.from(seq(2, 1.1, 0.5, 0.1)) }],
    ]),
  );
  return layer;
}

// seq = lambda n, a, b, s=1.0: torch.tensor([s * math.sin(a * i + b) for i in range(n)], dtype=torch.float64)
// W = seq(6, 0.7, 0.3, 0.5).reshape(3, 2); b = seq(2, 1.1, 0.5, 0.1); x = seq(12, 0.37, 0.1).reshape(2, 2, 3)
// f(F.linear(x, W.T, b)) for f in identity, F.relu, torch.tanh, torch.sigmoid, F.softplus, F.elu, F.leaky_relu, F.selu
const torchOutputs: Record<Activation, number[]> = {
  linear: [0.30273102, 0.06710694, 0.70131406, 0.54712584, 0.37421241, 0.53048501, -0.31526965, 0.03566703],
  relu: [0.30273102, 0.06710694, 0.70131406, 0.54712584, 0.37421241, 0.53048501, 0.0, 0.03566703],
  tanh: [0.29380988, 0.06700639, 0.6052012, 0.49836299, 0.35767076, 0.48575174, -0.30522347, 0.03565192],
  sigmoid: [0.57511, 0.51677044, 0.66847905, 0.63346851, 0.59247645, 0.62959622, 0.421829, 0.50891581],
  softplus: [0.85592497, 0.72726346, 1.10406428, 1.00367083, 0.89765656, 0.99316158, 0.54788561, 0.71113971],
  elu: [0.30273102, 0.06710694, 0.70131406, 0.54712584, 0.37421241, 0.53048501, -0.27040789, 0.03566703],
  'leaky-relu': [
    0.30273102, 0.06710694, 0.70131406, 0.54712584, 0.37421241, 0.53048501, -0.0031527, 0.03566703,
  ],
  selu: [0.31807978, 0.07050933, 0.73687137, 0.57486566, 0.39318535, 0.55738112, -0.47540393, 0.03747539],
};

describe('Dense', () => {
  it('has a kernel [in, out] and a bias [out]', () => {
    const layer = new Dense(5, 3, { seed: 0 });
    expect([...layer.parameters()].map(([name, v]) => [name, v.shape])).toEqual([
      ['kernel', [5, 3]],
      ['bias', [3]],
    ]);
    expect(layer.numParameters()).toBe(18);
    expect([layer.inFeatures, layer.outFeatures, layer.activation]).toEqual([5, 3, 'linear']);
    layer.dispose();
  });

  it.each(ACTIVATIONS.map((activation) => ({ activation })))(
    'matches PyTorch with activation $activation on a rank-3 input',
    ({ activation }) => {
      const layer = referenceLayer(activation);
      const x = tf.tensor(seq(12, 0.37, 0.1), [2, 2, 3]);
      const y = layer.apply(x);
      expect(y.shape).toEqual([2, 2, 2]);
      expect(y.dataSync()).toBeAllClose(torchOutputs[activation], { rtol: 1e-4, atol: 1e-6 });
      tf.dispose([x, y]);
      layer.dispose();
    },
  );

  it('maps a single vector [in] to [out]', () => {
    const layer = referenceLayer('linear');
    const y = layer.apply(tf.tensor(seq(3, 0.37, 0.1)));
    expect(y).toBeAllClose(torchOutputs.linear.slice(0, 2), { rtol: 1e-4 });
    layer.dispose();
  });

  it.each(['relu', 'linear', 'tanh'] as const)(
    'has the gradients of x W + b written out (%s)',
    (activation) => {
      const layer = new Dense(4, 3, { activation, seed: 3 });
      const x = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
      const r = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
      const loss = () => tf.sum<tf.Scalar>(tf.mul(layer.apply(x), r));
      const { grads } = tf.variableGrads(loss, [layer.kernel, layer.bias]);
      // dL/dz = r * act'(z) with z = x W + b; dL/dW = x^T dL/dz, dL/db = sum over the batch of dL/dz.
      const dz = tf.tidy(() => {
        const z = tf.add(tf.matMul(x, layer.kernel), layer.bias);
        const slope =
          activation === 'relu'
            ? tf.cast(tf.greater(z, 0), 'float32')
            : activation === 'tanh'
              ? tf.sub(1, tf.square(tf.tanh(z)))
              : tf.onesLike(z);
        return tf.mul(r, slope);
      });
      expect(grads[layer.kernel.name]).toBeAllClose(tf.matMul(x, dz, true, false), {
        rtol: 1e-5,
        atol: 1e-6,
      });
      expect(grads[layer.bias.name]).toBeAllClose(tf.sum(dz, 0), { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([x, r, dz, ...Object.values(grads)]);
      layer.dispose();
    },
  );

  it("initialises as PyTorch's nn.Linear by default: W and b uniform on +-1/sqrt(in)", () => {
    const layer = new Dense(784, 400, { seed: 11 });
    const bound = 1 / Math.sqrt(784);
    const w = layer.kernel.dataSync<'float32'>();
    const b = layer.bias.dataSync<'float32'>();
    expect(maxAbs(w)).toBeLessThanOrEqual(bound);
    expect(maxAbs(w)).toBeGreaterThan(0.999 * bound);
    expect(maxAbs(b)).toBeLessThanOrEqual(bound);
    expect(maxAbs(b)).toBeGreaterThan(0.95 * bound);
    // The variance of U(-c, c) is c^2 / 3; over 313600 draws the estimate is within 1%.
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(variance / (bound ** 2 / 3) - 1)).toBeLessThan(0.01);
    layer.dispose();
  });

  it('initialises Glorot uniform with a zero bias when asked', () => {
    const layer = new Dense(300, 100, { seed: 2, init: 'glorot' });
    const limit = Math.sqrt(6 / 400);
    const w = layer.kernel.dataSync<'float32'>();
    expect(maxAbs(w)).toBeLessThanOrEqual(limit);
    expect(maxAbs(w)).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(w.reduce((s, v) => s + v * v, 0) / w.length / (limit ** 2 / 3) - 1)).toBeLessThan(0.02);
    expect(layer.bias).toBeAllClose(0);
    layer.dispose();
  });

  it('gives identical weights for a seed, different ones for another, and follows setSeed without one', () => {
    const weights = (layer: Dense) => {
      const out = [...layer.kernel.dataSync(), ...layer.bias.dataSync()];
      layer.dispose();
      return out;
    };
    const a = weights(new Dense(6, 4, { seed: 42 }));
    expect(weights(new Dense(6, 4, { seed: 42 }))).toEqual(a);
    expect(weights(new Dense(6, 4, { seed: 43 }))).not.toEqual(a);
    setSeed(9);
    const [first, second] = [weights(new Dense(6, 4)), weights(new Dense(6, 4))];
    expect(second).not.toEqual(first);
    setSeed(9);
    expect(weights(new Dense(6, 4))).toEqual(first);
  });

  it.each([
    {
      what: 'inFeatures 0',
      make: () => new Dense(0, 3),
      message: "Dense(0 -> 3): 'inFeatures' must be an integer >= 1, got 0",
    },
    {
      what: 'outFeatures 2.5',
      make: () => new Dense(3, 2.5),
      message: "'outFeatures' must be an integer >= 1, got 2.5",
    },
    {
      what: 'an unknown activation',
      make: () => new Dense(3, 2, { activation: 'gelu' as Activation }),
      message: "Dense(3 -> 2): activation: unknown activation 'gelu'; expected one of linear, relu",
    },
    {
      what: 'an unknown init',
      make: () => new Dense(3, 2, { init: 'he' as 'torch' }),
      message: "Dense(3 -> 2): unknown init 'he'; expected one of torch, glorot",
    },
  ])('refuses $what', ({ make, message }) => {
    const before = tf.memory().numTensors;
    expect(make).toThrow(ModuleArgumentError);
    expect(make).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an input whose last axis is not inFeatures', () => {
    const layer = new Dense(3, 2, { seed: 0 });
    const x = tf.zeros([4, 5]);
    expect(() => layer.apply(x)).toThrow('Dense(3 -> 2): input has shape [4, 5], expected [..., 3]');
    tf.dispose(x);
    layer.dispose();
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const layer = new Dense(3, 2, { activation: 'tanh', seed: 0 });
      tf.tidy(() => {
        layer.apply(tf.ones([2, 3]));
        tf.variableGrads(() => tf.sum<tf.Scalar>(layer.apply(tf.ones([2, 2, 3]))));
      });
      layer.dispose();
    }, 'Dense');
  });
});
