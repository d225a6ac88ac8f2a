import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { Adam, OptimizerError, type AdamOptions } from './adam.js';
import type { SavedTensor } from './optimizer.js';

const X = [
  [1.0, 2.0, -1.0],
  [0.5, -1.5, 2.0],
  [-1.0, 0.0, 1.0],
  [2.0, 1.0, 0.5],
];
const Y = [
  [1.0, 0.0],
  [0.0, 1.0],
  [-1.0, 0.5],
  [0.5, -0.5],
];

/** The reference problem: W [3, 2], b [2], loss = mean((tanh(x W + b) - y)^2). */
function problem() {
  const params = new Map<string, tf.Variable>([
    [
      'W',
      tf.variable(
        tf.tensor2d([
          [0.5, -0.3],
          [0.1, 0.8],
          [-0.7, 0.2],
        ]),
      ),
    ],
    ['b', tf.variable(tf.tensor1d([0.05, -0.1]))],
  ]);
  const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
  const loss = () =>
    tf.mean<tf.Scalar>(
      tf.square(tf.sub(tf.tanh(tf.add(tf.matMul(x, params.get('W')!), params.get('b')!)), y)),
    );
  const dispose = () => tf.dispose([x, y, ...params.values()]);
  return { params, loss, dispose };
}

// PyTorch 1.13, float64:
//   W = torch.tensor(W0, requires_grad=True); b = torch.tensor(b0, requires_grad=True)
//   opt = torch.optim.Adam([W, b], lr=lr, betas=betas, eps=eps, weight_decay=wd)
//   for _ in range(5): opt.zero_grad(); loss = ((torch.tanh(x @ W + b) - y) ** 2).mean(); loss.backward(); opt.step()
//   then W, b, opt.state[W]['exp_avg'], opt.state[W]['exp_avg_sq']
const trajectories: {
  name: string;
  lr: number;
  options: AdamOptions;
  losses: number[];
  W: number[][];
  b: number[];
  m: number[][];
  v: number[][];
}[] = [
  {
    name: 'defaults, lr 0.1',
    lr: 0.1,
    options: {},
    losses: [0.6307738615, 0.46803565, 0.3194459411, 0.2191923587, 0.1523806476],
    W: [
      [0.8711327878, -0.5626442916],
      [-0.2559543516, 0.318158609],
      [-0.4115309704, 0.694796604],
    ],
    b: [0.287794553, 0.0321410399],
    m: [
      [-0.0017710761, -0.0053470699],
      [0.0042660825, 0.16580819],
      [0.0136723136, -0.1736155953],
    ],
    v: [
      [1.292092e-6, 0.000221953425],
      [6.8139224e-5, 0.00109566753],
      [0.000104109383, 0.000991726103],
    ],
  },
  {
    name: 'weightDecay 0.1, lr 0.1',
    lr: 0.1,
    options: { weightDecay: 0.1 },
    losses: [0.6307738615, 0.4761687907, 0.3298891787, 0.2190601918, 0.1479024809],
    W: [
      [0.5696865471, -0.523672725],
      [-0.2182413045, 0.3155590105],
      [-0.363380263, 0.6914394134],
    ],
    b: [0.2322936566, 0.0693179692],
    m: [
      [-0.0137051802, -0.0150496019],
      [-0.007159351, 0.1945374273],
      [0.0016834474, -0.1532570265],
    ],
    v: [
      [1.2967906e-5, 0.000205278908],
      [7.7595976e-5, 0.001446956451],
      [0.0001302078, 0.000825879691],
    ],
  },
  {
    name: 'betas (0.5, 0.9), eps 1e-3, lr 0.05',
    lr: 0.05,
    options: { beta1: 0.5, beta2: 0.9, epsilon: 1e-3 },
    losses: [0.6307738615, 0.5501107236, 0.4673818661, 0.3825714539, 0.2992600978],
    W: [
      [0.7444200556, -0.4866518386],
      [-0.1487060239, 0.5496663954],
      [-0.4542119313, 0.4605432385],
    ],
    b: [0.2887101319, -0.0584993662],
    m: [
      [-0.0219609947, 0.0664538199],
      [0.1074973902, 0.584905808],
      [-0.0885236678, -0.5335155815],
    ],
    v: [
      [0.000174873526, 0.016440863589],
      [0.006380969376, 0.15012661634],
      [0.005124746669, 0.105561323465],
    ],
  },
];

/** A state as a checkpoint reader returns it: shapes and raw float32 values. */
function snapshot(adam: Adam): Map<string, SavedTensor> {
  const state = adam.state();
  const out = new Map<string, SavedTensor>();
  for (const [name, t] of state) out.set(name, { shape: t.shape, data: Float32Array.from(t.dataSync()) });
  tf.dispose([...state.values()]);
  return out;
}

describe('Adam', () => {
  it.each(trajectories)(
    'follows torch.optim.Adam for 5 steps: $name',
    ({ lr, options, losses, W, b, m, v }) => {
      const { params, loss, dispose } = problem();
      const adam = new Adam(lr, options);
      const seen = Array.from({ length: 5 }, () => adam.minimize(params, () => ({ loss: loss() })).loss);
      expect(seen).toBeAllClose(losses, { rtol: 1e-4 });
      expect(params.get('W')!).toBeAllClose(W, { rtol: 1e-4, atol: 1e-6 });
      expect(params.get('b')!).toBeAllClose(b, { rtol: 1e-4, atol: 1e-6 });
      expect(adam.step).toBe(5);
      const state = adam.state();
      expect([...state.keys()]).toEqual(['adam.step', 'adam.m.W', 'adam.m.b', 'adam.v.W', 'adam.v.b']);
      expect(state.get('adam.step')!).toBeAllClose(5);
      expect(state.get('adam.m.W')!).toBeAllClose(m, { rtol: 1e-4, atol: 1e-6 });
      expect(state.get('adam.v.W')!).toBeAllClose(v, { rtol: 1e-4, atol: 1e-9 });
      tf.dispose([...state.values()]);
      adam.dispose();
      dispose();
    },
  );

  it('applyGradients takes a Record too and leaves parameters without a gradient alone', () => {
    const { params, dispose } = problem();
    const adam = new Adam(0.1);
    const g = tf.tensor1d([1, -2]);
    adam.applyGradients(params, { b: g });
    // The first Adam step moves every coordinate by lr * sign(g) (up to eps): b - 0.1 sign(g).
    expect(params.get('b')!).toBeAllClose([0.05 - 0.1, -0.1 + 0.1], { rtol: 1e-5, atol: 1e-7 });
    expect(params.get('W')!).toBeAllClose([
      [0.5, -0.3],
      [0.1, 0.8],
      [-0.7, 0.2],
    ]);
    expect(g.isDisposed).toBe(false);
    expect([...adam.state().keys()]).toEqual(['adam.step', 'adam.m.b', 'adam.v.b']);
    tf.dispose([g]);
    adam.dispose();
    dispose();
  });

  it('minimize returns the extra scalars of the loss function as numbers', () => {
    const { params, loss, dispose } = problem();
    const adam = new Adam(0.1);
    const out = adam.minimize(params, () => {
      const l = loss();
      return { loss: l, half: tf.div<tf.Scalar>(l, 2), one: tf.scalar(1) };
    });
    expect(Object.keys(out)).toEqual(['loss', 'half', 'one']);
    expect(out.loss).toBeCloseTo(0.6307738615, 5);
    expect(out.half).toBeCloseTo(0.6307738615 / 2, 5);
    expect(out.one).toBe(1);
    adam.dispose();
    dispose();
  });

  it('continues identically after state() and loadState() (a checkpoint in the middle)', () => {
    const run = (resumeAt: number | null) => {
      const { params, loss, dispose } = problem();
      let adam = new Adam(0.05, { weightDecay: 0.01 });
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        if (step === resumeAt) {
          const saved = snapshot(adam);
          adam.dispose();
          adam = new Adam(0.05, { weightDecay: 0.01 });
          adam.loadState(saved, params);
          expect(adam.step).toBe(resumeAt);
        }
        losses.push(adam.minimize(params, () => ({ loss: loss() })).loss);
      }
      const result = [...losses, ...params.get('W')!.dataSync(), ...params.get('b')!.dataSync()];
      adam.dispose();
      dispose();
      return result;
    };
    const straight = run(null);
    expect(run(3)).toEqual(straight);
    expect(run(0)).toEqual(straight);
  });

  it('loadState accepts tensors and frees nothing it was given', () => {
    const { params, loss, dispose } = problem();
    const adam = new Adam(0.1);
    adam.minimize(params, () => ({ loss: loss() }));
    const state = adam.state();
    const other = new Adam(0.1);
    other.loadState(state);
    expect([...state.values()].every((t) => !t.isDisposed)).toBe(true);
    const again = other.state();
    for (const [k, t] of state) expect(again.get(k)!).toBeAllClose(t, { rtol: 0, atol: 0 });
    tf.dispose([...state.values(), ...again.values()]);
    adam.dispose();
    other.dispose();
    dispose();
  });

  const record = (shape: number[], fill = 0) => ({
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
  });
  const good = () =>
    new Map<string, SavedTensor>([
      ['adam.step', record([], 3)],
      ['adam.m.W', record([3, 2])],
      ['adam.m.b', record([2])],
      ['adam.v.W', record([3, 2])],
      ['adam.v.b', record([2])],
    ]);
  it.each([
    {
      what: 'no step',
      edit: (s: Map<string, SavedTensor>) => s.delete('adam.step'),
      message: "missing entry 'adam.step'",
    },
    {
      what: 'a step that is not a scalar',
      edit: (s: Map<string, SavedTensor>) => s.set('adam.step', record([1], 3)),
      message: "'adam.step' must be a scalar, got shape [1]",
    },
    {
      what: 'a fractional step',
      edit: (s: Map<string, SavedTensor>) => s.set('adam.step', record([], 2.5)),
      message: "'adam.step' must be a non-negative integer, got 2.5",
    },
    {
      what: 'a missing second moment',
      edit: (s: Map<string, SavedTensor>) => s.delete('adam.v.b'),
      message: "missing entry 'adam.v.b'",
    },
    {
      what: 'a missing first moment',
      edit: (s: Map<string, SavedTensor>) => s.delete('adam.m.W'),
      message: "missing entry 'adam.m.W'",
    },
    {
      what: 'a foreign entry',
      edit: (s: Map<string, SavedTensor>) => s.set('sgd.momentum.W', record([3, 2])),
      message: "unexpected entry 'sgd.momentum.W'",
    },
    {
      what: 'a moment of the wrong shape',
      edit: (s: Map<string, SavedTensor>) => s.set('adam.v.W', record([2, 3])),
      message: "'adam.v.W' has shape [2, 3] (6 values), expected [3, 2]",
    },
    {
      what: 'too few values',
      edit: (s: Map<string, SavedTensor>) => s.set('adam.m.b', { shape: [2], data: new Float32Array(1) }),
      message: "'adam.m.b' has shape [2] (1 values), expected [2]",
    },
    {
      what: 'a moment for no parameter',
      edit: (s: Map<string, SavedTensor>) => (s.set('adam.m.c', record([1])), s.set('adam.v.c', record([1]))),
      message: "'adam.m.c' names no parameter of the model",
    },
  ])('loadState refuses $what, naming the entry, and keeps its state', ({ edit, message }) => {
    const { params, loss, dispose } = problem();
    const adam = new Adam(0.1);
    adam.minimize(params, () => ({ loss: loss() }));
    const state = good();
    edit(state);
    expect(() => adam.loadState(state, params)).toThrow(OptimizerError);
    expect(() => adam.loadState(state, params)).toThrow(`Adam.loadState: ${message}`);
    expect(adam.step).toBe(1);
    adam.dispose();
    dispose();
  });

  it.each([
    {
      what: 'a negative learning rate',
      make: () => new Adam(-1),
      message: "Adam: 'learningRate' must be in [0, Infinity), got -1",
    },
    {
      what: 'beta1 = 1',
      make: () => new Adam(1e-3, { beta1: 1 }),
      message: "Adam: 'beta1' must be in [0, 1), got 1",
    },
    {
      what: 'a NaN epsilon',
      make: () => new Adam(1e-3, { epsilon: NaN }),
      message: "Adam: 'epsilon' must be in [0, Infinity), got NaN",
    },
  ])('refuses $what', ({ make, message }) => {
    expect(make).toThrow(OptimizerError);
    expect(make).toThrow(message);
  });

  it('refuses gradients of unknown parameters or of the wrong shape, and non-scalar extras', () => {
    const { params, loss, dispose } = problem();
    const adam = new Adam(0.1);
    const g = tf.zeros([3]);
    expect(() => adam.applyGradients(params, { c: g })).toThrow("Adam: gradient for unknown parameter 'c'");
    expect(() => adam.applyGradients(params, { b: g })).toThrow(
      "Adam: gradient of 'b' has shape [3], expected [2]",
    );
    const before = tf.memory().numTensors;
    expect(() => adam.minimize(params, () => ({ loss: loss(), rows: tf.ones<tf.Rank.R0>([2]) }))).toThrow(
      "Adam.minimize: 'rows' returned by the loss function must be a scalar tensor",
    );
    expect(() => adam.minimize(params, () => ({ loss: tf.scalar(2) }))).toThrow(
      'Adam.minimize: the loss depends on none of the 2 parameters',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(adam.step).toBe(0);
    tf.dispose(g);
    adam.dispose();
    dispose();
  });

  it('keeps the number of tensors flat over repeated minimize steps', async () => {
    const { params, loss, dispose } = problem();
    const adam = new Adam(0.01);
    adam.minimize(params, () => ({ loss: loss() })); // creates the moments and constants
    await assertNoLeaks(() => {
      for (let i = 0; i < 20; i++)
        adam.minimize(params, () => {
          const l = loss();
          return { loss: l, twice: tf.mul<tf.Scalar>(l, 2) };
        });
    }, 'Adam.minimize');
    await assertNoLeaks(() => {
      const s = adam.state();
      adam.loadState(s, params);
      tf.dispose([...s.values()]);
    }, 'Adam.state/loadState');
    adam.dispose();
    dispose();
  });
});
