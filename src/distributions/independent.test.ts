import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { Independent } from './independent.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import { Normal } from './normal.js';

const loc = [
  [0.0, 1.0, -0.5],
  [0.2, -1.0, 2.0],
];
const scale = [
  [1.0, 0.5, 2.0],
  [0.1, 1.5, 0.7],
];
const x = [
  [-1.5, 0.0, 0.3],
  [2.0, -0.4, 1.1],
];
const locQ = [
  [0.5, 0.0, 0.0],
  [1.0, -0.5, 1.0],
];
const scaleQ = [
  [2.0, 1.0, 1.0],
  [0.5, 1.0, 1.5],
];

describe('Independent', () => {
  it.each([
    [0, [2, 3], []],
    [1, [2], [3]],
    [2, [], [2, 3]],
  ])('reinterpreting %i batch dimensions gives batch shape %j and event shape %j', (n, batch, event) => {
    const d = new Independent(new Normal(loc, scale), n);
    expect(d.batchShape).toEqual(batch);
    expect(d.eventShape).toEqual(event);
    expect(d.sample([4], 1).shape).toEqual([4, 2, 3]);
    expect(d.logProb(tf.zeros([5, 2, 3])).shape).toEqual([5, ...batch]);
    expect(d.entropy().shape).toEqual(batch);
  });

  it('log-density and entropy match PyTorch', () => {
    // torch.distributions.Independent(Normal(loc, scale), 1).log_prob(x) and .entropy(), float64
    const one = new Independent(new Normal(loc, scale), 1);
    expect(one.logProb(x)).toBeAllClose([-5.961815599614018, -163.4095512830343], { rtol: 1e-4 });
    expect(one.entropy()).toBeAllClose([4.2568155996140185, 2.0030206707894047], { rtol: 1e-4 });
    // Independent(Normal(loc, scale), 2)
    const two = new Independent(new Normal(loc, scale), 2);
    expect(two.logProb(x)).toBeAllClose(-169.37136688264832, { rtol: 1e-4 });
    expect(two.entropy()).toBeAllClose(6.259836270403424, { rtol: 1e-4 });
  });

  it('sums a multivariate base over its batch: Independent(MultivariateNormalTriL)', () => {
    const base = new MultivariateNormalTriL(
      [
        [0.5, -1.0, 2.0],
        [0.0, 0.3, -0.2],
      ],
      [
        [
          [1.5, 0, 0],
          [0.3, 0.8, 0],
          [-0.7, 0.4, 2.0],
        ],
        [
          [0.9, 0, 0],
          [-1.2, 1.1, 0],
          [0.5, 0.6, 0.7],
        ],
      ],
    );
    const d = new Independent(base, 1);
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2, 3]);
    // The sum of scipy.stats.multivariate_normal.logpdf over the two batch members (see that test file).
    expect(
      d.logProb([
        [0.1, 0.2, 0.3],
        [1.0, -1.0, 0.5],
      ]),
    ).toBeAllClose(-5.745845448079016 - 3.0241010101095336, { rtol: 1e-4 });
    expect(d.entropy()).toBeAllClose(5.132284336967919 + 3.890090319821785, { rtol: 1e-4 });
  });

  it('passes sampling, mean, variance and rsample through to the base', () => {
    const base = new Normal(loc, scale);
    const d = new Independent(base, 1);
    expect(d.hasRsample).toBe(true);
    expect(d.sample([3], 9)).toBeAllClose(base.sample([3], 9), { rtol: 0, atol: 0 });
    expect(d.rsample([3], 9)).toBeAllClose(base.rsample([3], 9), { rtol: 0, atol: 0 });
    expect(d.mean()).toBeAllClose(loc);
    expect(d.variance()).toBeAllClose(tf.square(tf.tensor(scale)));
    expect(d.stddev()).toBeAllClose(scale);
    expect(d.name).toBe('Independent(Normal)');
    // Pathwise gradients reach the base parameters: d/d loc of sum(rsample) is 1 everywhere.
    const g = tf.grad((l: tf.Tensor) => tf.sum(new Independent(new Normal(l, scale), 2).rsample([5], 2)))(
      tf.tensor(loc),
    );
    expect(g).toBeAllClose(5);
  });

  it('KL sums the base KL, matches PyTorch and the Monte Carlo estimate', () => {
    const p = new Independent(new Normal(loc, scale), 1);
    const q = new Independent(new Normal(locQ, scaleQ), 1);
    // kl_divergence(Independent(Normal(loc, scale), 1), Independent(Normal(locQ, scaleQ), 1)), float64
    expect(klDivergence(p, q)).toBeAllClose([2.0993971805599454, 3.3472239674839437], { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 5)).toBeAllClose([2.0993971805599454, 3.3472239674839437], {
      rtol: 0.02,
    });
    // kl_divergence(Independent(..., 2), Independent(..., 2))
    const p2 = new Independent(new Normal(loc, scale), 2);
    const q2 = new Independent(new Normal(locQ, scaleQ), 2);
    expect(klDivergence(p2, q2)).toBeAllClose(5.446621148043889, { rtol: 1e-4 });
    expect(() => klDivergence(p, q2)).toThrow(
      /must reinterpret the same number of batch dimensions, got 1 and 2/,
    );
    const narrow = new Independent(new Normal([[0], [1]], 1), 1);
    expect(() => klDivergence(p, narrow)).toThrow(/event shapes differ \(\[3\] and \[1\]\)/);
  });

  it.each([
    ['a negative count', () => new Independent(new Normal(loc, scale), -1), /got -1/],
    [
      'a count above the batch rank',
      () => new Independent(new Normal(loc, scale), 3),
      /\[0, 2\].*\[2, 3\]\), got 3/,
    ],
    ['a fractional count', () => new Independent(new Normal(loc, scale), 0.5), /got 0.5/],
    ['NaN', () => new Independent(new Normal(0, 1), NaN), /integer in \[0, 0\].*got NaN/],
  ])("rejects %s with an error naming 'reinterpretedBatchNdims'", (_, make, message) => {
    expect(make).toThrow(/Independent: argument 'reinterpretedBatchNdims' must be an integer/);
    expect(make).toThrow(message);
  });

  it('leaks no tensors, and dispose frees the base', async () => {
    await assertNoLeaks(() => {
      const d = new Independent(new Normal(loc, scale), 1);
      tf.dispose([d.logProb(x), d.sample([3]), d.rsample([3]), d.entropy(), d.mean(), d.variance()]);
      tf.dispose([d.stddev(), klDivergence(d, d), klMonteCarlo(d, d, 4)]);
      const flat = new Independent(new Normal(loc, scale), 0);
      tf.dispose([flat.logProb(x), flat.entropy()]);
      flat.dispose();
      d.dispose();
    }, 'Independent');
  });
});
