import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { assertNoLeaks } from '../../engine/memory.js';
import { GAN_LOSSES, type GanLoss } from './config.js';
import {
  discriminatorLoss,
  divergenceBound,
  generatorLoss,
  gradientPenalty,
  regOldPenalty,
} from './losses.js';

const REAL = [2, -1, 0.5, 3];
const FAKE = [-2, 0.3, 1.5, -0.7];

/**
 * PyTorch 1.13 on the logits above (r = REAL, f = FAKE), the formulas of `gan2d_torch.py`'s `losses`:
 *   F.softplus(-r).mean() + F.softplus(f).mean()                    # D, ns and minimax
 *   F.softplus(-f).mean(); -F.softplus(f).mean()                     # G, ns; G, minimax
 *   0.5 * ((r - 1) ** 2).mean() + 0.5 * (f ** 2).mean(); 0.5 * ((f - 1) ** 2).mean()   # lsgan D, G
 *   f.mean() - r.mean(); -f.mean()                                   # wgan D (without the penalty), G
 */
const TORCH: Record<GanLoss, { d: number; g: number }> = {
  ns: { d: 1.26218414306641, g: 0.9964706897735596 },
  minimax: { d: 1.26218414306641, g: -0.771470665931702 },
  lsgan: { d: 2.009999990463257, g: 1.5787500143051147 },
  'wgan-gp': { d: -1.350000023841858, g: 0.22500000894069672 },
};

describe('GAN losses', () => {
  it.each(GAN_LOSSES.map((loss) => ({ loss })))('$loss matches PyTorch', ({ loss }) => {
    const r = tf.tensor1d(REAL);
    const f = tf.tensor1d(FAKE);
    const d = discriminatorLoss(loss, r, f);
    const g = generatorLoss(loss, f);
    expect(d.dataSync()[0]).toBeCloseTo(TORCH[loss].d, 6);
    expect(g.dataSync()[0]).toBeCloseTo(TORCH[loss].g, 6);
    tf.dispose([r, f, d, g]);
  });

  it('the minimax generator loss saturates where D rejects the samples; the non-saturating one does not', () => {
    // At d = -8 (D about 3e-4): the minimax gradient is sigmoid(d) / n, the ns one (sigmoid(d) - 1) / n.
    const slope = (loss: GanLoss) =>
      tf.grad((f: tf.Tensor) => generatorLoss(loss, f as tf.Tensor1D))(tf.tensor1d([-8]));
    const mm = slope('minimax').dataSync()[0];
    const ns = slope('ns').dataSync()[0];
    expect(Math.abs(mm)).toBeLessThan(1e-3);
    expect(ns).toBeCloseTo(1 / (1 + Math.exp(8)) - 1, 6);
  });

  it('the divergence bound is 0 for a discriminator that cannot tell, and the JSD bound reaches log 2', () => {
    // D = 1/2 everywhere: loss log 4 (ns), 1/4 (lsgan), 0 (wgan).
    expect(divergenceBound('ns', Math.log(4))).toBeCloseTo(0, 12);
    expect(divergenceBound('lsgan', 0.25)).toBeCloseTo(0, 12);
    expect(divergenceBound('wgan-gp', 0)).toBe(-0);
    // A perfect discriminator: loss 0 gives the largest JSD, log 2.
    expect(divergenceBound('minimax', 0)).toBeCloseTo(Math.log(2), 12);
  });

  it('the gradient penalty of a linear critic w . x is (|w| - 1)^2 wherever it is evaluated', () => {
    const w = tf.tensor2d([[3], [4]]);
    const critic = (x: tf.Tensor2D) => tf.reshape<tf.Rank.R1>(tf.matMul(x, w), [x.shape[0]]);
    const real = tf.randomNormal<tf.Rank.R2>([16, 2], 0, 1, 'float32', 1);
    const fake = tf.randomNormal<tf.Rank.R2>([16, 2], 0, 1, 'float32', 2);
    const p = gradientPenalty(critic, real, fake, 7);
    expect(p.dataSync()[0]).toBeCloseTo(16, 4);
    tf.dispose([w, real, fake, p]);
  });

  it("the gradient penalty's value and its gradient in the critic's weights match a direct computation", () => {
    // critic(x) = v . tanh(W x): grad_x = W^T (v * (1 - tanh^2)); the penalty's gradient in v by central
    // differences of the same function in float64.
    const W = [
      [0.7, -0.4],
      [0.2, 0.9],
      [-0.5, 0.3],
    ];
    const v0 = [0.8, -1.1, 0.6];
    const real = tf.tensor2d([
      [0.5, -0.2],
      [1.0, 0.4],
    ]);
    const fake = tf.tensor2d([
      [-0.3, 0.8],
      [0.2, -0.9],
    ]);
    const seed = 11;
    // The interpolates gradientPenalty draws, recovered by evaluating a critic that reports its input.
    const e = tf.randomUniform([2, 1], 0, 1, 'float32', seed).dataSync();
    const points = [0, 1].map((i) => {
      const r = real.arraySync()[i];
      const f = fake.arraySync()[i];
      return [e[i] * r[0] + (1 - e[i]) * f[0], e[i] * r[1] + (1 - e[i]) * f[1]];
    });
    const penalty64 = (v: number[]) =>
      points.reduce((sum, x) => {
        const h = W.map((row) => Math.tanh(row[0] * x[0] + row[1] * x[1]));
        const g = [0, 1].map((j) => W.reduce((s, row, k) => s + row[j] * v[k] * (1 - h[k] * h[k]), 0));
        return sum + (Math.hypot(g[0], g[1]) - 1) ** 2;
      }, 0) / points.length;
    const Wt = tf.tensor2d(W);
    const v = tf.variable(tf.tensor1d(v0));
    const critic = (x: tf.Tensor2D) =>
      tf.sum<tf.Tensor1D>(tf.mul(tf.tanh(tf.matMul(x, Wt, false, true)), v), 1);
    const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, seed), [v]);
    expect(value.dataSync()[0]).toBeCloseTo(penalty64(v0), 5);
    const h = 1e-6;
    const numeric = v0.map((_, k) => {
      const up = [...v0];
      const down = [...v0];
      up[k] += h;
      down[k] -= h;
      return (penalty64(up) - penalty64(down)) / (2 * h);
    });
    expect(grads[v.name]).toBeAllClose(numeric, { rtol: 1e-3, atol: 1e-5 });
    tf.dispose([Wt, v, real, fake, value, ...Object.values(grads)]);
  });

  it('regOldPenalty is the batch mean of squared distances, and leaks nothing', async () => {
    const a = tf.tensor2d([
      [1, 2],
      [0, 0],
    ]);
    const b = tf.tensor2d([
      [1, 0],
      [3, 4],
    ]);
    await assertNoLeaks(() => {
      const p = regOldPenalty(a, b);
      expect(p.dataSync()[0]).toBeCloseTo((4 + 25) / 2, 6);
      p.dispose();
    });
    tf.dispose([a, b]);
  });
});
