import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { lowerTriangle, triangularSolveLower } from './triangular-solve.js';

const L = [
  [1.5, 0, 0],
  [0.3, 0.8, 0],
  [-0.7, 0.4, 2.0],
];
const B = [
  [1.0, -2.0],
  [0.5, 0.25],
  [3.0, -1.0],
];

describe('triangularSolveLower', () => {
  it('matches scipy for one matrix and several right-hand sides', () => {
    // scipy.linalg.solve_triangular(L, B, lower=True)
    const expected = [
      [0.6666666666666666, -1.3333333333333333],
      [0.37500000000000006, 0.8124999999999999],
      [1.6583333333333332, -1.1291666666666667],
    ];
    expect(triangularSolveLower(tf.tensor(L), tf.tensor(B))).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('broadcasts batch dimensions of L and b', () => {
    const Lb = tf.tensor([
      L,
      [
        [0.9, 0, 0],
        [-1.2, 1.1, 0],
        [0.5, 0.6, 0.7],
      ],
    ]);
    const bb = tf.tensor([1.0, 2.0, -1.0, 0.3, -0.4, 0.9, 2.5, 0.0, -2.0], [3, 1, 3, 1]);
    // np.stack([np.stack([solve_triangular(Lb[j], bb[i, 0], lower=True) for j in range(2)]) for i in range(3)])
    const expected = [
      [
        [[0.6666666666666666], [2.25], [-0.7166666666666668]],
        [[1.1111111111111112], [3.03030303030303], [-4.819624819624819]],
      ],
      [
        [[0.19999999999999998], [-0.575], [0.635]],
        [[0.3333333333333333], [-5.0464682937507114e-17], [1.0476190476190477]],
      ],
      [
        [[1.6666666666666667], [-0.625], [-0.29166666666666663]],
        [[2.7777777777777777], [3.03030303030303], [-7.438672438672438]],
      ],
    ];
    expect(triangularSolveLower(Lb, bb)).toBeAllClose(tf.tensor(expected), { rtol: 1e-4, atol: 1e-6 });
  });

  it('ignores the strict upper triangle, like scipy', () => {
    const noisy = tf.add(tf.tensor(L), tf.mul(tf.sub(tf.ones([3, 3]), lowerTriangle(tf.ones([3, 3]))), 9));
    expect(triangularSolveLower(noisy, tf.tensor(B))).toBeAllClose(
      triangularSolveLower(tf.tensor(L), tf.tensor(B)),
      {
        rtol: 0,
        atol: 0,
      },
    );
  });

  it('gradients match central finite differences of scipy in float64', () => {
    // f(L, B) = sum(W * solve_triangular(L, B, lower=True)); central differences with h = 1e-6 in numpy.
    // They agree with the closed forms dB = L^-T W and dL = -tril(dB X^T).
    const W = tf.tensor([
      [0.2, -1.0],
      [1.3, 0.5],
      [-0.4, 0.8],
    ]);
    const [gL, gB] = tf.grads((l: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(W, triangularSolveLower(l, b))))([
      tf.tensor(L),
      tf.tensor(B),
    ]);
    const expectedL = [
      [-0.5499999999325489, 0.0, 0.0],
      [-0.583333333248337, -0.9921875001039915, 0.0],
      [0.6666666668153631, -0.25000000009045564, 0.783333333198577],
    ];
    const expectedB = [
      [-0.3049999998117059, -0.564999999896898],
      [1.724999999952459, 0.42500000013712125],
      [-0.19999999989472883, 0.3999999999559911],
    ];
    expect(gL).toBeAllClose(expectedL, { rtol: 1e-4, atol: 1e-7 });
    expect(gB).toBeAllClose(expectedB, { rtol: 1e-4 });
  });

  it('lowerTriangle zeroes the strict upper triangle of every matrix in a batch', () => {
    const x = tf.reshape(tf.range(1, 9), [2, 2, 2]);
    expect(lowerTriangle(x)).toBeAllClose([
      [
        [1, 0],
        [3, 4],
      ],
      [
        [5, 0],
        [7, 8],
      ],
    ]);
    expect(lowerTriangle(tf.tensor2d([1, NaN, 2, 3], [2, 2]))).toBeAllClose([
      [1, 0],
      [2, 3],
    ]);
    expect(() => lowerTriangle(tf.ones([2, 3]))).toThrow(/argument 'x' must have shape \[\.\.\., d, d\]/);
  });

  it('a 1 x 1 system is a division', () => {
    expect(triangularSolveLower(tf.tensor([[[2]], [[4]]]), tf.tensor([[3, 5]]))).toBeAllClose([
      [[1.5, 2.5]],
      [[0.75, 1.25]],
    ]);
  });

  it.each([
    ['a vector L', () => triangularSolveLower(tf.ones([3]), tf.ones([3, 1])), /argument 'L' must have shape/],
    [
      'a non-square L',
      () => triangularSolveLower(tf.ones([3, 2]), tf.ones([3, 1])),
      /argument 'L'.*\[3, 2\]/,
    ],
    [
      'a vector b',
      () => triangularSolveLower(tf.eye(3), tf.ones([3])),
      /argument 'b' must have shape \[\.\.\., 3, k\]/,
    ],
    ['b of the wrong size', () => triangularSolveLower(tf.eye(3), tf.ones([2, 1])), /argument 'b'/],
    [
      'batch shapes that do not broadcast',
      () => triangularSolveLower(tf.ones([2, 3, 3]), tf.ones([4, 3, 1])),
      /triangularSolveLower: parameter shapes \[2\] and \[4\] do not broadcast/,
    ],
  ])('rejects %s with an error naming the argument', (_, solve, message) => {
    expect(solve).toThrow(message);
  });

  it('leaks no tensors', async () => {
    const l = tf.tensor(L);
    const b = tf.tensor(B);
    await assertNoLeaks(() => {
      tf.dispose([
        triangularSolveLower(l, b),
        tf.grads((x: tf.Tensor) => tf.sum(triangularSolveLower(x, b)))([l]),
      ]);
    }, 'triangularSolveLower');
    tf.dispose([l, b]);
  });
});
