import { describe, expect, it } from 'vitest';
import * as tf from './tf.js';
import { ADAM_KERNEL, fusedAdamUpdate, hasFusedAdam } from './adam-kernel.js';
import { Adam } from '../optim/adam.js';
import { assertNoLeaks } from './memory.js';

/** PyTorch's Adam in float64: the reference for both the fused kernel and the op-by-op path. */
function referenceAdam(
  p0: number[],
  grads: number[][],
  lr: number,
  wd = 0,
  b1 = 0.9,
  b2 = 0.999,
  eps = 1e-8,
) {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g0, step) => {
    const t = step + 1;
    for (let i = 0; i < p.length; i++) {
      const g = g0[i] + wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      p[i] -= (lr / (1 - b1 ** t)) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps));
    }
  });
  return { p, m, v };
}

/** Deterministic values in [-1, 1]. */
const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 3.1 * k));

describe('the fused wasm Adam kernel', () => {
  it('is registered and used on the wasm backend (the backend the tests run on)', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel(ADAM_KERNEL, 'wasm')).toBeDefined();
    expect(hasFusedAdam()).toBe(true);
  });

  it.each([
    ['a multiple of 4', 16, 0],
    ['a length with a tail of 3 (scalar loop)', 11, 0],
    ['a single value', 1, 0],
    ['weight decay', 13, 0.01],
  ])('matches PyTorch’s update in float64 over 6 steps: %s', (_name, n, weightDecay) => {
    const p0 = values(n, 0);
    const grads = Array.from({ length: 6 }, (_, k) => values(n, k + 1).map((g) => g * 10 ** (k % 3)));
    const expected = referenceAdam(p0, grads, 0.01, weightDecay);
    const param = tf.variable(tf.tensor1d(p0));
    const params = new Map([['w', param]]);
    const adam = new Adam(0.01, { weightDecay });
    for (const g of grads) {
      const gt = tf.tensor1d(g);
      adam.applyGradients(params, { w: gt });
      gt.dispose();
    }
    expect(param).toBeAllClose(expected.p, { rtol: 1e-5, atol: 1e-6 });
    const state = adam.state();
    expect(state.get('adam.m.w')).toBeAllClose(expected.m, { rtol: 1e-5, atol: 1e-7 });
    expect(state.get('adam.v.w')).toBeAllClose(expected.v, { rtol: 1e-4, atol: 1e-9 }); // sums of float32 squares
    tf.dispose([...state.values(), param]);
    adam.dispose();
  });

  it('writes new tensors and leaves its inputs unchanged', () => {
    const [p, m, v, g] = [0, 1, 2, 3].map((k) => tf.tensor1d(values(9, k)));
    const [p1, m1, v1] = fusedAdamUpdate(p, m, v, g, { b1: 0.9, b2: 0.999, lrT: 0.1, s2: 1000, eps: 1e-8 });
    expect(p).toBeAllClose(values(9, 0));
    expect(g).toBeAllClose(values(9, 3));
    expect(m1).toBeAllClose(
      values(9, 1).map((mi, i) => 0.9 * mi + 0.1 * values(9, 3)[i]),
      { rtol: 1e-6 },
    );
    expect(p1.shape).toEqual([9]);
    tf.dispose([p, m, v, g, p1, m1, v1]);
  });

  it('leaks no tensors over repeated steps', async () => {
    const param = tf.variable(tf.ones([7, 3]));
    const params = new Map([['w', param]]);
    const adam = new Adam(1e-3, { weightDecay: 0.1 });
    const g = tf.ones([7, 3]);
    adam.applyGradients(params, { w: g }); // creates the moments
    await assertNoLeaks(() => {
      for (let i = 0; i < 5; i++) adam.applyGradients(params, { w: g });
    }, 'fused Adam');
    tf.dispose([g, param]);
    adam.dispose();
  });
});
