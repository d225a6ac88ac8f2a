import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { nativeKernelsInfo, stopNativeKernels, useNativeKernels } from './native-kernels.js';
import { registerWasmSharedCopies, restoreStockWasmCopies } from './shared-copies.js';

describe('wasm copies that share memory', () => {
  it('clones without a new allocation, and frees the data with the last tensor', () => {
    expect(tf.getBackend()).toBe('wasm');
    const backend = tf.engine().backend;
    const before = backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(before + 1);
    x.dispose();
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    z.dispose();
    expect(backend.numDataIds()).toBe(before);
  });

  it('copies data that a reshape shares under another shape, so a fused product takes it as a rank-1 bias', () => {
    // The wasm kernel itself, not the native product, which reads no such record.
    const native = nativeKernelsInfo();
    stopNativeKernels();
    tf.tidy(() => {
      const backend = tf.engine().backend;
      const bias = tf.reshape(tf.tensor2d([[1, 2, 3]]), [3]);
      const before = backend.numDataIds();
      const kept = tf.clone(bias);
      expect(backend.numDataIds()).toBe(before + 1);
      // The wasm kernel reads the bias's rank from the backend's record: [1, 3] for `bias`, [3] for its copy.
      const y = tf.fused.matMul({ a: tf.ones([2, 2]), b: tf.ones([2, 3]), bias: kept });
      expect(y).toBeAllClose([
        [3, 4, 5],
        [3, 4, 5],
      ]);
    });
    if (native.active) useNativeKernels({ threads: native.threads });
  });

  it('still converts a cast to another dtype', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1.7, -2.2, 0]);
      expect(tf.cast(x, 'int32').dtype).toBe('int32');
      expect(Array.from(tf.cast(x, 'int32').dataSync())).toEqual([1, -2, 0]);
    });
  });

  it('gives the stock kernels gradients and leaves a variable unchanged by later updates of a clone', () => {
    const grads = () =>
      tf.tidy(() => {
        const a = tf.tensor2d([0.5, -1, 2, 3], [2, 2]);
        const b = tf.tensor2d([1, 2, -3, 4], [2, 2]);
        const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.mul(p, q), p)))([a, b]);
        return [Array.from(ga.dataSync()), Array.from(gb.dataSync())];
      });
    const shared = grads();
    restoreStockWasmCopies();
    const stock = grads();
    registerWasmSharedCopies();
    expect(shared).toEqual(stock);
    // d/dp (p q p) = 2 p q, d/dq = p^2
    expect(shared[0]).toEqual([1, -4, -12, 24]);
    expect(shared[1]).toEqual([0.25, 1, 4, 9]);

    const v = tf.variable(tf.tensor1d([1, 2]));
    const kept = tf.clone(v);
    v.assign(tf.tensor1d([5, 6]));
    expect(Array.from(kept.dataSync())).toEqual([1, 2]);
    tf.dispose([v, kept]);
  });
});
