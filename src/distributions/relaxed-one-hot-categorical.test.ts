import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { klMonteCarlo } from './kl.js';
import type { LogitsOrProbs } from './logits-or-probs.js';
import { RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';

const logits = [
  [1, 2, 0.5],
  [0, -1, 3],
];
const x = [
  [0.2, 0.3, 0.5],
  [0.05, 0.9, 0.05],
];

/** Frequencies of argmax_k y_k in column `column` of draws y of shape [n, columns, K]. */
function argmaxFrequencies(y: tf.Tensor, column: number): number[] {
  const [n, columns, k] = y.shape;
  const winners = tf.argMax(y, -1).dataSync();
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) counts[winners[i * columns + column]] += 1 / n;
  return counts;
}

describe('RelaxedOneHotCategorical', () => {
  it('log-density matches PyTorch', () => {
    // torch.distributions.RelaxedOneHotCategorical(torch.tensor(tau), logits=logits).log_prob(x) in float64
    const tauHalf = [-1.1928272233490018, -3.1995816489407716];
    const tauTwo = [0.9370242680412848, -4.750400508049287];
    expect(new RelaxedOneHotCategorical(0.5, { logits }).logProb(x)).toBeAllClose(tauHalf, { rtol: 1e-4 });
    expect(new RelaxedOneHotCategorical(2, { logits }).logProb(x)).toBeAllClose(tauTwo, { rtol: 1e-4 });
    // A temperature per batch member: row 0 at tau 0.5 and row 1 at tau 2 (PyTorch takes one temperature).
    expect(new RelaxedOneHotCategorical([0.5, 2], { logits }).logProb(x)).toBeAllClose(
      [tauHalf[0], tauTwo[1]],
      { rtol: 1e-4 },
    );
    // RelaxedOneHotCategorical(torch.tensor(.7), probs=[.1, .6, .3]).log_prob(x): values broadcast over the batch
    expect(new RelaxedOneHotCategorical(0.7, { probs: [0.1, 0.6, 0.3] }).logProb(x)).toBeAllClose(
      [-0.4275382270915986, 2.242050210460337],
      { rtol: 1e-4 },
    );
  });

  it.each([0.8, 2])('the density integrates to 1 over the simplex (K = 2, tau %s)', (tau) => {
    const d = new RelaxedOneHotCategorical(tau, { logits: [0.3, -0.4] });
    // RelaxedOneHotCategorical(torch.tensor(2.), logits=[.3, -.4]).log_prob([.25, .75]) in float64
    if (tau === 2) expect(d.logProb([0.25, 0.75])).toBeAllClose(-0.6375163931035113, { rtol: 1e-4 });
    // Midpoint rule in the first coordinate t, with x = (t, 1 - t).
    const n = 20_000;
    const t = tf.div(tf.add(tf.range(0, n, 1, 'float32'), 0.5), n);
    const density = tf.exp(d.logProb(tf.stack([t, tf.sub(1, t)], -1)));
    expect(tf.div(tf.sum(density), n)).toBeAllClose(1, { atol: 2e-3 });
  });

  it('rsample draws points of the simplex of the right shape', () => {
    const y = new RelaxedOneHotCategorical(0.3, { logits }).rsample([1000, 4], 2);
    expect(y.shape).toEqual([1000, 4, 2, 3]);
    expect(tf.sum(y, -1)).toBeAllClose(1, { atol: 1e-5 });
    expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(y).dataSync()[0]).toBeLessThanOrEqual(1);
  });

  it.each([0.1, 1, 5])('argmax of 100k draws is distributed as Categorical(probs) at tau %s', (tau) => {
    // The Gumbel-max trick: argmax_k softmax((log pi + g) / tau)_k = argmax_k (log pi_k + g_k) ~ Categorical(pi).
    const d = new RelaxedOneHotCategorical(tau, {
      probs: [
        [0.05, 0.6, 0.35],
        [0.2, 0.3, 0.5],
      ],
    });
    const y = d.rsample([100_000], 4);
    // Standard errors sqrt(p (1 - p) / n) are at most 0.0016.
    expect(argmaxFrequencies(y, 0)).toBeAllClose([0.05, 0.6, 0.35], { atol: 0.006, rtol: 0 });
    expect(argmaxFrequencies(y, 1)).toBeAllClose([0.2, 0.3, 0.5], { atol: 0.006, rtol: 0 });
  });

  it('rsample has pathwise gradients in logits and temperature that match finite differences at a fixed seed', () => {
    const weights = tf.tensor([1, -2, 3]);
    // f = mean over 512 draws of w . y: a smooth function of the parameters once the Gumbel noise is fixed.
    const f = (l: tf.Tensor, tau: tf.Tensor) =>
      tf.mean(
        tf.sum(tf.mul(new RelaxedOneHotCategorical(tau, { logits: l }).rsample([512], 21), weights), -1),
      );
    const l0 = [0.4, -0.3, 0.1];
    const tau0 = 0.7;
    const [gl, gt] = tf.grads(f)([tf.tensor(l0), tf.scalar(tau0)]);
    const at = (l: number[], tau: number) => f(tf.tensor(l), tf.scalar(tau)).dataSync()[0];
    const h = 1e-2;
    const fdLogits = l0.map((_, i) => {
      const up = l0.map((v, j) => (j === i ? v + h : v));
      const down = l0.map((v, j) => (j === i ? v - h : v));
      return (at(up, tau0) - at(down, tau0)) / (2 * h);
    });
    const fdTau = (at(l0, tau0 + h) - at(l0, tau0 - h)) / (2 * h);
    expect(gl).toBeAllClose(fdLogits, { rtol: 1e-2, atol: 1e-3 });
    expect(gt).toBeAllClose(fdTau, { rtol: 1e-2, atol: 1e-3 });
    expect(Math.min(...Array.from(gl.dataSync()).map(Math.abs))).toBeGreaterThan(0.01);
    // sample() is rsample with the gradient stopped.
    const gs = tf.grad((l: tf.Tensor) =>
      tf.sum(tf.mul(new RelaxedOneHotCategorical(0.7, { logits: l }).sample([8], 21), weights)),
    );
    expect(gs(tf.tensor(l0))).toBeAllClose([0, 0, 0], { atol: 0 });
  });

  it('the Monte Carlo KL between two relaxed distributions is non-negative and 0 for equal ones', () => {
    const p = new RelaxedOneHotCategorical(0.8, { logits: [1, 0, -1] });
    const q = new RelaxedOneHotCategorical(0.8, { logits: [0, 0, 0] });
    expect(klMonteCarlo(p, p, 1000, 3)).toBeAllClose(0, { atol: 1e-6 });
    expect(klMonteCarlo(p, q, 20_000, 3).dataSync()[0]).toBeGreaterThan(0.05);
  });

  it.each([
    [
      'a temperature of zero',
      () => new RelaxedOneHotCategorical(0, { logits }),
      /argument 'temperature' must be positive and finite, got 0/,
    ],
    [
      'a negative temperature',
      () => new RelaxedOneHotCategorical([1, -1], { logits }),
      /argument 'temperature' must be positive and finite, got -1 at flat index 1/,
    ],
    [
      'a NaN temperature',
      () => new RelaxedOneHotCategorical(NaN, { logits }),
      /argument 'temperature' must be positive and finite, got NaN/,
    ],
    [
      'a temperature that does not broadcast',
      () => new RelaxedOneHotCategorical([1, 2, 3], { logits }),
      /argument 'temperature' of shape \[3\] does not broadcast to the batch shape \[2\]/,
    ],
    [
      'neither logits nor probs',
      () => new RelaxedOneHotCategorical(1, {} as LogitsOrProbs),
      /RelaxedOneHotCategorical: pass exactly one of the arguments 'logits' and 'probs', got neither/,
    ],
    [
      'negative probs',
      () => new RelaxedOneHotCategorical(1, { probs: [0.5, -0.5] }),
      /RelaxedOneHotCategorical: argument 'probs' must be non-negative/,
    ],
    [
      'a value with the wrong number of categories',
      () => new RelaxedOneHotCategorical(1, { logits }).logProb([0.5, 0.5]),
      /argument 'x' must have a last axis of length 3 \(the categories\), got shape \[2\]/,
    ],
    [
      'a value off the simplex',
      () => new RelaxedOneHotCategorical(1, { logits }).logProb([0.5, 0.6, 0.1]),
      /argument 'x' must be on the probability simplex/,
    ],
    [
      'a negative value',
      () => new RelaxedOneHotCategorical(1, { logits }).logProb([1.5, -0.5, 0]),
      /argument 'x' must be on the probability simplex.*got 1.5 at flat index 0/,
    ],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    const lp = new RelaxedOneHotCategorical(0.5, { logits }).logProb([x[0], [NaN, 0.5, 0.5]]);
    expect(lp).toBeAllClose([-1.1928272233490018, NaN], { rtol: 1e-4 });
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new RelaxedOneHotCategorical(0.5, { logits });
      const tau = tf.scalar(2);
      const e = new RelaxedOneHotCategorical(tau, { probs: [0.1, 0.6, 0.3] });
      tf.dispose([d.logProb(x), d.rsample([3]), d.sample([2]), e.logProb(x), klMonteCarlo(d, e, 5)]);
      expect(() => new RelaxedOneHotCategorical([1, 2, 3], { logits })).toThrow();
      d.dispose();
      e.dispose();
      tau.dispose();
    }, 'RelaxedOneHotCategorical');
  });
});
