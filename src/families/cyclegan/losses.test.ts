import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import {
  cycleGanDiscriminatorObjective,
  cycleGanGeneratorObjective,
  meanAbsoluteError,
  type CycleGanLoss,
  type CycleGanNetworks,
} from './losses.js';

/**
 * Hand-made networks whose objective PyTorch computes below: G(x) = w x, F(x) = x / 2 + 0.1, D_A(x) = x1 + 2 x2,
 * D_B(x) = x1 - x2 + 0.3, on three points of A and two of B, none of them at a kink of an absolute value.
 */
const A = [
  [0.25, -0.4],
  [1.0, 0.5],
  [-0.3, 0.8],
];
const B = [
  [0.7, 0.1],
  [-1.2, 0.3],
];

function networks(w: tf.Scalar): CycleGanNetworks {
  const column = (x: tf.Tensor2D, j: number) => tf.reshape<tf.Rank.R1>(tf.slice(x, [0, j], [-1, 1]), [-1]);
  return {
    G: (x) => tf.mul(x, w),
    F: (x) => tf.add(tf.mul(x, 0.5), 0.1),
    dA: (x) => tf.add(column(x, 0), tf.mul(column(x, 1), 2)),
    dB: (x) => tf.add(tf.sub(column(x, 0), column(x, 1)), 0.3),
  };
}

/**
 * The total, its parts and d total / d w, from PyTorch (float64), with nn.L1Loss() for the norms and the GAN
 * family's generator losses (lsgan: 1/2 mean (d - 1)^2; ns: mean softplus(-d)):
 *
 *   w = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
 *   adv = gl(dB(G(a))) + gl(dA(F(b)))
 *   cycle = l1(F(G(a)), a) + l1(G(F(b)), b); ident = l1(G(b), b) + l1(F(a), a)
 *   total = adv + cyc * cycle + idt * ident; total.backward()   # -> total, adv, cycle, ident, w.grad
 */
const REFERENCE: Array<[string, CycleGanLoss, number, number[]]> = [
  [
    'lsgan, lambda_id 5',
    'lsgan',
    5,
    [6.657395833333332, 1.1990625, 0.2833333333333333, 0.525, 0.13791666666666702],
  ],
  [
    'ns, lambda_id 5',
    'ns',
    5,
    [6.7073365846679796, 1.249003251334646, 0.2833333333333333, 0.525, -0.5910105359511423],
  ],
  [
    'lsgan, lambda_id 0',
    'lsgan',
    0,
    [4.032395833333333, 1.1990625, 0.2833333333333333, NaN, -2.737083333333333],
  ],
];

describe('the CycleGAN objective', () => {
  it('meanAbsoluteError is the mean of |x - y| over every entry', () => {
    // |0 - 1| + |1 - 1| + |2 - 0| + |-1 - 1| = 5 over 4 entries
    expect(
      meanAbsoluteError(
        tf.tensor2d([
          [0, 1],
          [2, -1],
        ]),
        tf.tensor2d([
          [1, 1],
          [0, 1],
        ]),
      ).dataSync()[0],
    ).toBeCloseTo(1.25, 6);
  });

  it.each(REFERENCE)(
    '%s: the total, its parts and its gradient are PyTorch’s',
    (_name, loss, identity, expected) => {
      const [total, adversarial, cycle, ident, gradient] = expected;
      const a = tf.tensor2d(A);
      const b = tf.tensor2d(B);
      const weights = { loss, cycle: 10, identity };
      const parts = tf.tidy(() => {
        const p = cycleGanGeneratorObjective(networks(tf.scalar(1.5)), a, b, weights);
        return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.dataSync()[0]]));
      });
      expect(parts.loss).toBeCloseTo(total, 5);
      expect(parts.adversarial).toBeCloseTo(adversarial, 5);
      expect(parts.cycle).toBeCloseTo(cycle, 5);
      if (identity === 0) expect(parts.identity).toBeUndefined();
      else expect(parts.identity).toBeCloseTo(ident, 5);
      const g = tf.grad(
        (w: tf.Tensor) => cycleGanGeneratorObjective(networks(w as tf.Scalar), a, b, weights).loss,
      );
      const dw = g(tf.scalar(1.5));
      expect(dw.dataSync()[0]).toBeCloseTo(gradient, 4);
      tf.dispose([a, b, dw]);
    },
  );

  it.each([
    // ls = 0.5 * (mean((r - 1)^2) + mean(f^2)); ns = mean(softplus(-r)) + mean(softplus(f)), summed over D_A and D_B
    // on real a, b against F(b), G(a) of the networks above: PyTorch gives
    ['lsgan', 2.6936458333333335],
    ['ns', 3.309031071149473],
  ] as Array<[CycleGanLoss, number]>)('the discriminators’ %s loss is PyTorch’s', (loss, expected) => {
    const value = tf.tidy(() => {
      const nets = networks(tf.scalar(1.5));
      const [a, b] = [tf.tensor2d(A), tf.tensor2d(B)];
      return cycleGanDiscriminatorObjective(
        nets,
        { a, b },
        { a: nets.F(b), b: nets.G(a) },
        loss,
      ).dataSync()[0];
    });
    expect(value).toBeCloseTo(expected, 5);
  });

  it('leaves no tensor behind', () => {
    const [a, b, w] = [tf.tensor2d(A), tf.tensor2d(B), tf.scalar(1.5)];
    const before = tf.memory().numTensors;
    const parts = cycleGanGeneratorObjective(networks(w), a, b, { loss: 'lsgan', cycle: 10, identity: 5 });
    expect(tf.memory().numTensors).toBe(before + Object.keys(parts).length);
    tf.dispose([a, b, w, ...Object.values(parts)]);
  });
});
