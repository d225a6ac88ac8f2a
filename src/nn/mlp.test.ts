import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { ModuleArgumentError } from './errors.js';
import { MLP } from './mlp.js';

const seq = (n: number, a: number, b: number, scale = 1) =>
  Float32Array.from({ length: n }, (_, i) => scale * Math.sin(a * i + b));

describe('MLP', () => {
  it('names its layers hidden0, hidden1, ..., output', () => {
    const mlp = new MLP(784, [400, 200], 20, { seed: 0 });
    expect([...mlp.parameters()].map(([name, v]) => [name, v.shape])).toEqual([
      ['hidden0.kernel', [784, 400]],
      ['hidden0.bias', [400]],
      ['hidden1.kernel', [400, 200]],
      ['hidden1.bias', [200]],
      ['output.kernel', [200, 20]],
      ['output.bias', [20]],
    ]);
    expect(mlp.outFeatures).toBe(20);
    expect(mlp.layers.map((l) => l.activation)).toEqual(['relu', 'relu', 'linear']);
    expect(mlp.numParameters()).toBe(784 * 400 + 400 + 400 * 200 + 200 + 200 * 20 + 20);
    mlp.dispose();
  });

  it('has no output layer when outFeatures is null', () => {
    const mlp = new MLP(10, [8, 6], null, { activation: 'tanh', seed: 0 });
    expect([...mlp.parameters().keys()]).toEqual([
      'hidden0.kernel',
      'hidden0.bias',
      'hidden1.kernel',
      'hidden1.bias',
    ]);
    expect(mlp.outFeatures).toBe(6);
    const y = mlp.apply(tf.ones([3, 10]));
    expect(y.shape).toEqual([3, 6]);
    expect(Math.max(...y.dataSync().map(Math.abs))).toBeLessThan(1); // ends with tanh
    tf.dispose(y);
    mlp.dispose();
  });

  it('without hidden layers is one Dense layer named output', () => {
    const mlp = new MLP(4, [], 3, { seed: 0 });
    expect([...mlp.parameters().keys()]).toEqual(['output.kernel', 'output.bias']);
    mlp.dispose();
  });

  it('matches PyTorch for given weights (3-[4, 5]-2, tanh, sigmoid output)', () => {
    const mlp = new MLP(3, [4, 5], 2, { activation: 'tanh', outputActivation: 'sigmoid', seed: 0 });
    const shapes = [[3, 4], [4], [4, 5], [5], [5, 2], [2]];
    const names = [...mlp.parameters().keys()];
    mlp.loadParameters(
      new Map(
        shapes.map((shape, i) => [
          names[i],
          {
            shape,
            data: seq(
              shape.reduce((a, b) => a * b),
              0.3 + 0.1 * i,
              0.2 * i,
              0.6,
            ),
          },
        ]),
      ),
    );
    // ps = [seq(prod(s), 0.3 + 0.1 * i, 0.2 * i, 0.6).reshape(s) for i, s in enumerate(shapes)]  (float64)
    // h = torch.tanh(x @ ps[0] + ps[1]); h = torch.tanh(h @ ps[2] + ps[3]); torch.sigmoid(h @ ps[4] + ps[5])
    // with x = seq(6, 0.37, 0.1).reshape(2, 3)
    const y = mlp.apply(tf.tensor2d(seq(6, 0.37, 0.1), [2, 3]));
    expect(y).toBeAllClose(
      [
        [0.6473826, 0.62436472],
        [0.65172591, 0.62713863],
      ],
      { rtol: 1e-4 },
    );
    tf.dispose(y);
    mlp.dispose();
  });

  it('gives identical weights for a seed, and distinct weights to its layers', () => {
    const values = (mlp: MLP) => {
      const out = [...mlp.parameters().values()].map((v) => Array.from(v.dataSync()));
      mlp.dispose();
      return out;
    };
    const a = values(new MLP(5, [5], 5, { seed: 7 }));
    expect(values(new MLP(5, [5], 5, { seed: 7 }))).toEqual(a);
    expect(a[0]).not.toEqual(a[2]); // hidden0.kernel and output.kernel are both 5x5
    expect(values(new MLP(5, [5], 5, { seed: 8 }))[0]).not.toEqual(a[0]);
  });

  it.each([
    {
      what: 'a zero width',
      make: () => new MLP(3, [4, 0], 2),
      message: "'hidden[1]' must be an integer >= 1, got 0",
    },
    {
      what: 'a bad inFeatures',
      make: () => new MLP(-1, [4], 2),
      message: "'inFeatures' must be an integer >= 1, got -1",
    },
    {
      what: 'a bad outFeatures',
      make: () => new MLP(3, [4], 0),
      message: "'outFeatures' must be an integer >= 1, got 0",
    },
    {
      what: 'an unknown output activation',
      make: () => new MLP(3, [4], 2, { outputActivation: 'softmax' as 'linear' }),
      message: "MLP(3, [4], 2): outputActivation: unknown activation 'softmax'",
    },
  ])('refuses $what', ({ make, message }) => {
    const before = tf.memory().numTensors;
    expect(make).toThrow(ModuleArgumentError);
    expect(make).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const mlp = new MLP(6, [5, 4], 3, { seed: 1 });
      tf.tidy(() => {
        mlp.apply(tf.ones([2, 6]));
        tf.variableGrads(() => tf.sum<tf.Scalar>(mlp.apply(tf.ones([2, 6]))));
      });
      mlp.dispose();
    }, 'MLP');
  });
});
