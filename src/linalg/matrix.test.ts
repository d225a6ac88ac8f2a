import { describe, expect, it } from 'vitest';
import { identity, matmul, transpose } from './matrix.js';

const a = [1.5, -2.0, 0.25, 3.0, 0.5, -1.0, -0.75, 2.0, 4.0];
const b = [0.2, 1.0, -3.0, 2.5, -0.4, 1.0, 1.0, 0.0, 0.6];

describe('matrix helpers', () => {
  it('matmul and transpose match numpy', () => {
    // (numpy.array(a).reshape(3, 3) @ numpy.array(b).reshape(3, 3)).ravel(); Float64Array because toBeAllClose
    // reads plain arrays through a float32 tensor.
    const product = Float64Array.from([-4.45, 2.3, -6.35, 0.8500000000000001, 2.8, -9.1, 8.85, -1.55, 6.65]);
    expect(matmul(a, b, 3)).toBeAllClose(product, { rtol: 1e-12, atol: 0 });
    // numpy.array(a).reshape(3, 3).T.ravel()
    expect(transpose(a, 3)).toEqual(Float64Array.from([1.5, 3.0, -0.75, -2.0, 0.5, 2.0, 0.25, -1.0, 4.0]));
  });

  it('the identity is neutral for matmul', () => {
    expect(identity(3)).toEqual(Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    expect(matmul(identity(3), a, 3)).toEqual(Float64Array.from(a));
    expect(matmul(a, identity(3), 3)).toEqual(Float64Array.from(a));
  });

  it.each([
    [
      'matmul, a too short',
      () => matmul([1, 2, 3], b, 3),
      "matmul: argument 'a' must have n * n = 9 entries",
    ],
    ['matmul, b too long', () => matmul(a, [...b, 1], 3), "matmul: argument 'b' must have n * n = 9 entries"],
    [
      'transpose, a too short',
      () => transpose([1], 2),
      "transpose: argument 'a' must have n * n = 4 entries",
    ],
    ['identity, n negative', () => identity(-2), "identity: argument 'n' must be a positive integer, got -2"],
  ])('throws an error naming the argument: %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
