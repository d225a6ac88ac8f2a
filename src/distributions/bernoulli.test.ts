import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { setSeed } from '../engine/random.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { Bernoulli } from './bernoulli.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import type { LogitsOrProbs } from './logits-or-probs.js';

describe('Bernoulli', () => {
  it('log-mass matches PyTorch, from probs and from large logits', () => {
    // torch.distributions.Bernoulli(probs=[.1, .5, .9, .3]).log_prob([0., 1., 1., 0.]) in float64
    const fromProbs = [-0.10536051565782635, -0.6931471805599453, -0.10536051565782635, -0.3566749439387322];
    expect(new Bernoulli({ probs: [0.1, 0.5, 0.9, 0.3] }).logProb([0, 1, 1, 0])).toBeAllClose(fromProbs, {
      rtol: 1e-4,
    });
    // torch.distributions.Bernoulli(logits=[-30., 30., 5., -2.]).log_prob([1., 1., 0., 0.]) in float64
    const fromLogits = [-30.000000000000092, -9.348077867343381e-14, -5.006715348489118, -0.1269280110429726];
    expect(new Bernoulli({ logits: [-30, 30, 5, -2] }).logProb([1, 1, 0, 0])).toBeAllClose(fromLogits, {
      rtol: 1e-4,
    });
  });

  it('entropy, mean and variance match PyTorch', () => {
    // torch.distributions.Bernoulli(logits=[-30., 30., 5., -2., 0.]).entropy() in float64
    const fromLogits = [
      2.9001245849258295e-12, 2.897904138876579e-12, 0.040179603110541626, 0.3653338550872077,
      0.6931471805599453,
    ];
    expect(new Bernoulli({ logits: [-30, 30, 5, -2, 0] }).entropy()).toBeAllClose(fromLogits, { rtol: 1e-4 });
    // torch.distributions.Bernoulli(probs=[.1, .5, .9, .3]).entropy() in float64
    const fromProbs = [0.3250829733914482, 0.6931471805599453, 0.32508297339144826, 0.6108643020548934];
    const d = new Bernoulli({ probs: [0.1, 0.5, 0.9, 0.3] });
    expect(d.entropy()).toBeAllClose(fromProbs, { rtol: 1e-4 });
    expect(d.mean()).toBeAllClose([0.1, 0.5, 0.9, 0.3]);
    expect(d.variance()).toBeAllClose([0.09, 0.25, 0.09, 0.21]);
  });

  it('derives logits from probs and probs from logits', () => {
    expect(new Bernoulli({ probs: [0.2, 0.5] }).logits).toBeAllClose([Math.log(0.25), 0], { atol: 1e-6 });
    expect(new Bernoulli({ logits: [Math.log(3), -40] }).probs).toBeAllClose([0.75, 4.248354e-18], {
      rtol: 1e-4,
      atol: 0,
    });
  });

  it('probabilities of exactly 0 and 1 give finite log-masses clamped at log(float32 eps), as PyTorch', () => {
    const d = new Bernoulli({ probs: [0, 1] });
    // An impossible outcome gets log(eps) - log(1 - eps) = -15.94; a certain one -eps.
    expect(d.logProb([1, 0])).toBeAllClose([-15.942385, -15.942385], { rtol: 1e-5 });
    expect(d.logProb([0, 1])).toBeAllClose([0, 0], { atol: 2e-7 });
    expect(d.entropy()).toBeAllClose([0, 0], { atol: 2e-6 });
  });

  it('gradient of the log-mass in logits is x - sigmoid(logits), and x / p - (1 - x) / (1 - p) in probs', () => {
    const x = tf.tensor([0, 1, 1, 0.25]);
    const g = tf.grad((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }).logProb(x)));
    const logits = [-3, 0.5, 40, 1];
    const expected = logits.map((l, i) => [0, 1, 1, 0.25][i] - 1 / (1 + Math.exp(-l)));
    expect(g(tf.tensor(logits))).toBeAllClose(expected, { atol: 1e-6 });
    // In probs: x / p - (1 - x) / (1 - p).
    const gp = tf.grad((p: tf.Tensor) => tf.sum(new Bernoulli({ probs: p }).logProb([1, 0])));
    expect(gp(tf.tensor([0.25, 0.6]))).toBeAllClose([4, -2.5], { rtol: 1e-4 });
  });

  it('broadcasts values against the batch shape', () => {
    const d = new Bernoulli({ logits: [[0], [1]] });
    expect(d.batchShape).toEqual([2, 1]);
    expect(d.logProb(tf.zeros([5, 2, 3])).shape).toEqual([5, 2, 3]);
    expect(d.sample([4, 3]).shape).toEqual([4, 3, 2, 1]);
  });

  it('sample frequencies from 100k draws match probs', () => {
    const probs = [0.02, 0.5, 0.97, 0, 1];
    const draws = new Bernoulli({ probs }).sample([100_000], 3);
    expect(draws.dtype).toBe('float32');
    expect(Array.from(new Set(draws.dataSync())).sort()).toEqual([0, 1]);
    const { mean } = momentsAlongFirstAxis(draws);
    // Standard errors sqrt(p (1 - p) / n) are at most 0.0016.
    expect(mean).toBeAllClose(probs, { atol: 0.006, rtol: 0 });
    // Probabilities 0 and 1 are never and always drawn (one miss would move the mean by 1e-5).
    expect(mean.slice(3)).toBeAllClose([0, 1], { atol: 1e-9, rtol: 0 });
  });

  it('same seed, same samples; the global seed stream is reproducible', () => {
    const d = new Bernoulli({ probs: 0.5 });
    expect(d.sample([16], 11)).toBeAllClose(d.sample([16], 11), { rtol: 0, atol: 0 });
    setSeed(5);
    const a = Array.from(d.sample([16]).dataSync());
    setSeed(5);
    expect(d.sample([16])).toBeAllClose(a, { rtol: 0, atol: 0 });
  });

  it('KL matches PyTorch and the Monte Carlo estimate', () => {
    const p = new Bernoulli({ probs: [0.1, 0.5, 0.9] });
    const q = new Bernoulli({ probs: [0.3, 0.2, 0.95] });
    // kl_divergence(Bernoulli(probs=[.1, .5, .9]), Bernoulli(probs=[.3, .2, .95])) in float64
    const expected = [0.11632175658600447, 0.22314355131420974, 0.020654218912746262];
    expect(klDivergence(p, q)).toBeAllClose(expected, { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose(expected, { rtol: 0.05 });
    expect(klDivergence(p, p)).toBeAllClose([0, 0, 0], { atol: 1e-6 });
  });

  it("KL has the gradient p (1 - p) (logit p - logit q) in p's logits", () => {
    const lp = [-2, 0.5, 3];
    const lq = [1, 0.5, -4];
    const q = new Bernoulli({ probs: lq.map((l) => 1 / (1 + Math.exp(-l))) });
    const g = tf.grad((l: tf.Tensor) => tf.sum(klDivergence(new Bernoulli({ logits: l }), q)));
    const expected = lp.map((l, i) => (Math.exp(-l) / (1 + Math.exp(-l)) ** 2) * (l - lq[i]));
    expect(g(tf.tensor(lp))).toBeAllClose(expected, { rtol: 1e-4, atol: 1e-6 });
  });

  it('KL stays finite and accurate for large logits (q = sigmoid(20) rounds to 1 in float32)', () => {
    const p = new Bernoulli({ logits: [0, -8, 12] });
    const q = new Bernoulli({ logits: [20, 3, -25] });
    // kl_divergence(Bernoulli(logits=[0., -8., 12.]), Bernoulli(logits=[20., 3., -25.])) in float64
    expect(klDivergence(p, q)).toBeAllClose([9.30685282150121, 3.044563093765715, 24.99976652134624], {
      rtol: 1e-4,
    });
  });

  it('KL with probabilities of exactly 0 and 1 is 0 or Infinity as PyTorch', () => {
    const p = new Bernoulli({ probs: [0, 1, 0.5, 0, 1, 0.3] });
    const q = new Bernoulli({ probs: [0.5, 0.5, 0, 0, 0, 1] });
    // kl_divergence(Bernoulli(probs=[0., 1., .5, 0., 1., .3]), Bernoulli(probs=[.5, .5, 0., 0., 0., 1.]))
    const expected = [0.6931471805599451, 0.6931471805599451, Infinity, 0, Infinity, Infinity];
    expect(klDivergence(p, q)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it.each([
    [
      'neither logits nor probs',
      () => new Bernoulli({} as LogitsOrProbs),
      /exactly one of the arguments 'logits' and 'probs', got neither/,
    ],
    [
      'both logits and probs',
      () => new Bernoulli({ logits: 0, probs: 0.5 } as unknown as LogitsOrProbs),
      /exactly one of the arguments 'logits' and 'probs', got both/,
    ],
    [
      'probs above 1',
      () => new Bernoulli({ probs: [0.5, 1.5] }),
      /argument 'probs' must be in \[0, 1\], got 1.5 at flat index 1/,
    ],
    ['negative probs', () => new Bernoulli({ probs: -0.1 }), /argument 'probs' must be in \[0, 1\]/],
    ['NaN probs', () => new Bernoulli({ probs: NaN }), /argument 'probs' must be in \[0, 1\], got NaN/],
    ['NaN logits', () => new Bernoulli({ logits: [0, NaN] }), /argument 'logits' must be finite, got NaN/],
    ['infinite logits', () => new Bernoulli({ logits: Infinity }), /argument 'logits' must be finite/],
    [
      'a string',
      () => new Bernoulli({ probs: 'a' as unknown as number }),
      /argument 'probs' must be a tensor/,
    ],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-mass, not an error', () => {
    expect(new Bernoulli({ logits: 0.3 }).logProb([NaN, 1])).toBeAllClose([NaN, -0.5543552]);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Bernoulli({ logits: [0, 1] });
      const e = new Bernoulli({ probs: [0.2, 1] });
      tf.dispose([d.logProb([0, 1]), d.sample([3]), d.entropy(), d.mean(), d.variance(), d.stddev()]);
      tf.dispose([klDivergence(d, e), klDivergence(e, d), klMonteCarlo(d, e, 10), e.prob([1, 1])]);
      d.dispose();
      e.dispose();
    }, 'Bernoulli');
  });
});
