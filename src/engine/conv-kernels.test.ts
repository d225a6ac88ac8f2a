import * as tf from './tf.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  registerWasmConvFilterGrad,
  registerWasmConvInputGrad,
  registerWasmSamePaddingFix,
  restoreStockWasmConvInputGrad,
  restoreStockWasmSamePadding,
} from './conv-kernels.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  name: string;
  size: [number, number];
  kernel: number;
  stride: number;
  pad: Pad;
}

const cases: Case[] = [];
for (const stride of [1, 2, 3])
  for (const pad of ['same', 'valid'] as const)
    for (const kernel of [1, 2, 3, 4])
      for (const size of [
        [7, 8],
        [6, 5],
      ] as [number, number][])
        cases.push({
          name: `stride ${stride}, '${pad}', kernel ${kernel}, ${size.join('x')}`,
          size,
          kernel,
          stride,
          pad,
        });
cases.push({
  name: 'stride 2, explicit pads wider than the kernel (the stock input gradient), kernel 1, 7x8',
  size: [7, 8],
  kernel: 1,
  stride: 2,
  pad: [
    [0, 0],
    [1, 1],
    [0, 2],
    [0, 0],
  ],
});
cases.push({
  name: `stride 2, explicit [1, 2] x [0, 1], kernel 3, 7x8`,
  size: [7, 8],
  kernel: 3,
  stride: 2,
  pad: [
    [0, 0],
    [1, 2],
    [0, 1],
    [0, 0],
  ],
});

/** A transposed convolution and the gradients of a convolution and of a transposed one (input and filter). */
function gradients({ size: [h, w], kernel, stride, pad }: Case): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal<tf.Rank.R4>([2, h, w, 3], 0, 1, 'float32', 1);
    const filter = tf.randomNormal<tf.Rank.R4>([kernel, kernel, 3, 4], 0, 1, 'float32', 2);
    const y = tf.conv2d(x, filter, stride, pad);
    const dy = tf.randomNormal<tf.Rank.R4>(y.shape, 0, 1, 'float32', 3);
    const conv = (a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, stride, pad), dy));
    const transposed = (a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2dTranspose(a as tf.Tensor4D, f as tf.Tensor4D, x.shape, stride, pad), x));
    const forward = tf.conv2dTranspose(dy, filter, x.shape, stride, pad);
    return [forward, ...tf.grads(conv)([x, filter]), ...tf.grads(transposed)([y, filter])].map((g) =>
      Array.from(g.dataSync()),
    );
  });
}

describe('wasm convolution gradients', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('are registered on the wasm backend on import', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(registerWasmConvFilterGrad()).toBe(true);
    expect(registerWasmConvInputGrad()).toBe(true);
    expect(registerWasmSamePaddingFix()).toBe(true);
  });

  it("need the explicit pads: the stock wasm Conv2D's 'same' is wrong for kernel 2, stride 3", async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal<tf.Rank.R4>([2, 5, 6, 3], 0, 1, 'float32', 1);
        const f = tf.randomNormal<tf.Rank.R4>([2, 2, 3, 4], 0, 1, 'float32', 2);
        const bias = tf.randomNormal([4], 0, 1, 'float32', 3);
        return [
          tf.conv2d(x, f, 3, 'same'),
          tf.fused.conv2d({ x, filter: f, strides: 3, pad: 'same', bias }),
        ].map((t) => Array.from(t.dataSync()));
      });
    const fixed = run();
    restoreStockWasmSamePadding();
    const broken = run();
    registerWasmSamePaddingFix();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    for (let i = 0; i < 2; i++) {
      expect(fixed[i]).toBeAllClose(cpu[i], { rtol: 1e-5, atol: 1e-5 });
      expect(broken[i]).not.toBeAllClose(cpu[i], { rtol: 1e-2, atol: 1e-2 });
    }
  });

  it.each(cases)('gives the cpu backend numbers for $name', async (c) => {
    await tf.setBackend('wasm');
    const wasm = gradients(c);
    await tf.setBackend('cpu');
    const cpu = gradients(c);
    await tf.setBackend('wasm');
    // [transposed forward, conv dx, conv dfilter, transposed dy, transposed dfilter]
    for (let i = 0; i < 5; i++) expect(wasm[i]).toBeAllClose(cpu[i], { rtol: 1e-4, atol: 1e-4 });
  });

  it('give the stock wasm input gradient numbers', () => {
    const c = cases.find((k) => k.stride === 2 && k.kernel === 4 && k.pad === 'same')!;
    const fast = gradients(c);
    restoreStockWasmConvInputGrad();
    try {
      const stock = gradients(c);
      for (let i = 0; i < 5; i++) expect(fast[i]).toBeAllClose(stock[i], { rtol: 1e-4, atol: 1e-4 });
    } finally {
      registerWasmConvInputGrad();
    }
  });

  it('agrees with a filter gradient summed by hand', () => {
    // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] (one channel), a 2x2 filter, stride 1 'valid', dy = 1 everywhere:
    // dW[i, j] = sum of the 2x2 window of x starting at (i, j) = [[1+2+4+5, 2+3+5+6], [4+5+7+8, 5+6+8+9]].
    const x = tf.reshape<tf.Rank.R4>(tf.range(1, 10), [1, 3, 3, 1]);
    const f = tf.zeros<tf.Rank.R4>([2, 2, 1, 1]);
    const g = tf.grad((filter: tf.Tensor) => tf.sum(tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid')))(f);
    expect(g).toBeAllClose(tf.tensor4d([12, 16, 24, 28], [2, 2, 1, 1]));
    tf.dispose([x, f, g]);
  });

  it('frees its temporaries', () => {
    const backend = tf.engine().backend;
    const c = cases[cases.length - 1];
    gradients(c);
    const before = backend.numDataIds();
    for (let i = 0; i < 3; i++) gradients(c);
    expect(backend.numDataIds()).toBe(before);
  });
});
