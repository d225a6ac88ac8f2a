import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { assertNoLeaks } from '../../engine/memory.js';
import { Categorical } from '../../distributions/categorical.js';
import { Independent } from '../../distributions/independent.js';
import { Normal } from '../../distributions/normal.js';
import { GAN_LOSSES, type GanLoss } from './config.js';
import {
  discriminatorLoss,
  divergenceBound,
  generatorLoss,
  gradientPenalty,
  infoLoss,
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

/** Q's logits and means, and the codes they are scored on (4 examples, K = 3, two continuous codes). */
const LOGITS = [
  [1.0, -0.5, 2.0],
  [0.3, 0.1, -1.2],
  [-2.0, 1.5, 0.0],
  [0.7, 0.7, 0.2],
];
const CODES = [2, 0, 1, 1];
const MEANS = [
  [0.2, -0.4],
  [1.1, 0.5],
  [-0.3, 0.0],
  [0.9, -1.0],
];
const U = [
  [0.5, -0.9],
  [0.8, 0.1],
  [-0.7, 0.6],
  [0.05, -0.2],
];

/**
 * PyTorch 1.13 in float64 on the arrays above (logits, c, mu, u), with torch.distributions:
 *   loss = -(wc * Categorical(logits=logits).log_prob(c).mean() + wu * Normal(mu, 1.0).log_prob(u).sum(-1).mean())
 *   torch.autograd.grad(loss, [logits, mu])
 */
const TORCH_INFO = [
  {
    weights: { categorical: 1, continuous: 0.1 },
    loss: 0.7819996500010553,
    dLogits: [
      [0.0634290454087563, 0.01415293306011782, -0.07758197846887413],
      [-0.12756266923932308, 0.10024320801854698, 0.027319461220776112],
      [0.0060234420717120984, -0.050530993448251904, 0.04450755137653976],
      [0.09591293279763767, -0.15408706720236232, 0.05817413440472465],
    ],
    dMeans: [
      [-0.0075, 0.0125],
      [0.0075, 0.01],
      [0.01, -0.015],
      [0.02125, -0.02],
    ],
  },
  {
    weights: { categorical: 0.5, continuous: 2 },
    loss: 4.577531979498751,
    dLogits: [
      [0.03171452270437815, 0.00707646653005891, -0.038790989234437065],
      [-0.06378133461966154, 0.05012160400927349, 0.013659730610388056],
      [0.0030117210358560492, -0.025265496724125952, 0.02225377568826988],
      [0.047956466398818835, -0.07704353360118116, 0.029087067202362326],
    ],
    dMeans: [
      [-0.15, 0.25],
      [0.15, 0.2],
      [0.2, -0.3],
      [0.425, -0.4],
    ],
  },
];

describe('InfoGAN information loss', () => {
  const posterior = (logits: tf.Tensor, means: tf.Tensor) => ({
    categorical: new Categorical({ logits }),
    continuous: new Independent(new Normal(means, tf.onesLike(means)), 1),
  });

  it.each(TORCH_INFO)(
    'weights $weights.categorical and $weights.continuous: -L_I and its gradients match PyTorch',
    ({ weights, loss, dLogits, dMeans }) => {
      const logits = tf.tensor2d(LOGITS);
      const means = tf.tensor2d(MEANS);
      const c = tf.tensor1d(CODES, 'int32');
      const u = tf.tensor2d(U);
      const f = (l: tf.Tensor, m: tf.Tensor) =>
        infoLoss(posterior(l, m), { categorical: c, continuous: u }, weights);
      const { value, grads } = tf.valueAndGrads(f)([logits, means]);
      expect(value.dataSync()[0]).toBeCloseTo(loss, 5);
      expect(grads[0]).toBeAllClose(dLogits, { atol: 1e-6 });
      expect(grads[1]).toBeAllClose(dMeans, { atol: 1e-6 });
      tf.dispose([logits, means, c, u, value, ...grads]);
    },
  );

  it('without continuous codes it is the weighted cross-entropy of the categorical code alone', () => {
    // -Categorical(logits=logits).log_prob(c).mean() in PyTorch: 0.5673056933601207.
    const logits = tf.tensor2d(LOGITS);
    const c = tf.tensor1d(CODES, 'int32');
    const q = { categorical: new Categorical({ logits }), continuous: null };
    const loss = infoLoss(q, { categorical: c, continuous: null }, { categorical: 2 });
    expect(loss.dataSync()[0]).toBeCloseTo(2 * 0.5673056933601207, 5);
    const u = tf.tensor2d(U);
    expect(() => infoLoss(q, { categorical: c, continuous: u })).toThrow(/must be given together/);
    tf.dispose([logits, c, u, loss]);
  });

  it('is 0 for a Q that reads the categorical code perfectly: the bound then reaches its top, H(c)', () => {
    // logits of +-30 put all of Q(c | x) on the true code: log Q(c | x) = 0, so the bound reaches its top, H(c).
    const logits = tf.tensor2d(CODES.map((k) => [0, 1, 2].map((j) => (j === k ? 30 : -30))));
    const c = tf.tensor1d(CODES, 'int32');
    const q = { categorical: new Categorical({ logits }), continuous: null };
    const loss = infoLoss(q, { categorical: c, continuous: null });
    expect(loss.dataSync()[0]).toBeCloseTo(0, 6);
    tf.dispose([logits, c, loss]);
  });
});
