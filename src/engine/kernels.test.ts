import * as tf from './tf.js';
import { afterAll, describe, expect, it } from 'vitest';
import { isWasmMatMulFixed, registerWasmMatMulFix, restoreStockWasmMatMul } from './kernels.js';

// Operands laid out so that every transpose combination multiplies [batch, m, k] by [batch, k, n].
function operands(transposeA: boolean, transposeB: boolean, batch: number[]) {
  const [m, k, n] = [7, 33, 5];
  const a = tf.randomNormal([...batch, ...(transposeA ? [k, m] : [m, k])], 0, 1, 'float32', 1);
  const b = tf.randomNormal([...batch, ...(transposeB ? [n, k] : [k, n])], 0, 1, 'float32', 2);
  return { a, b };
}

function productAndGrads(transposeA: boolean, transposeB: boolean, batch: number[]) {
  return tf.tidy(() => {
    const { a, b } = operands(transposeA, transposeB, batch);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, transposeA, transposeB)));
    const [ga, gb] = tf.grads(f)([a, b]);
    return [tf.matMul(a, b, transposeA, transposeB), ga, gb].map((t) => Array.from(t.dataSync()));
  });
}

const cases = [false, true].flatMap((ta) =>
  [false, true].flatMap((tb) =>
    [[], [3]].map((batch) => ({
      name: `transposeA=${ta} transposeB=${tb} batch=[${batch.join(',')}]`,
      ta,
      tb,
      batch,
    })),
  ),
);

describe('wasm BatchMatMul fix', () => {
  afterAll(() => {
    registerWasmMatMulFix();
  });

  it('is registered on import on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(isWasmMatMulFixed()).toBe(true);
  });

  it.each(cases)('gives the stock kernel numbers and gradients for $name', ({ ta, tb, batch }) => {
    registerWasmMatMulFix();
    const fixed = productAndGrads(ta, tb, batch);
    restoreStockWasmMatMul();
    expect(isWasmMatMulFixed()).toBe(false);
    const stock = productAndGrads(ta, tb, batch);
    registerWasmMatMulFix();
    for (let i = 0; i < 3; i++) expect(fixed[i]).toBeAllClose(stock[i], { rtol: 1e-5, atol: 1e-5 });
  });

  it('agrees with a float64 product computed by hand', () => {
    const a = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const b = [
      [1, 0, -1],
      [2, 1, 0],
    ];
    // a^T b^T where a is 3x2 and b is 2x3: (2x3)(3x2) = [[1*1+3*0+5*-1, 1*2+3*1+5*0], [2*1+4*0+6*-1, 2*2+4*1+6*0]]
    expect(tf.matMul(a, b, true, true)).toBeAllClose([
      [-4, 5],
      [-4, 8],
    ]);
  });

  it('frees its temporary transposes', () => {
    const backend = tf.engine().backend;
    const { a, b } = operands(true, true, [2]);
    tf.matMul(a, b, true, true).dispose();
    const before = backend.numDataIds();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, true, true).dispose();
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
