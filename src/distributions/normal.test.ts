import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { setSeed } from '../engine/random.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { Normal } from './normal.js';

const x = [-1.5, 0, 0.3, 2];
const loc = [0, 1, -0.5, 0.2];
const scale = [1, 0.5, 2, 0.1];

describe('Normal', () => {
  it('log-density matches scipy', () => {
    // scipy.stats.norm.logpdf(x, loc, scale)
    const expected = [-2.0439385332046727, -2.2257913526447273, -1.6920857137646181, -160.61635344021064];
    expect(new Normal(loc, scale).logProb(x)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('cdf, icdf and entropy match scipy', () => {
    // scipy.stats.norm.cdf(x, loc, scale)
    expect(new Normal(loc, scale).cdf(x)).toBeAllClose(
      [0.06680720126885807, 0.022750131948179195, 0.6554217416103242, 1],
      {
        rtol: 1e-4,
      },
    );
    // scipy.stats.norm.ppf(p)
    const p = [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999];
    const ppf = [
      -4.753424308822899, -2.3263478740408408, -0.5244005127080409, 0, 1.2815515655446004, 3.090232306167813,
    ];
    expect(new Normal(0, 1).icdf(p)).toBeAllClose(ppf, { rtol: 1e-4, atol: 1e-6 });
    // scipy.stats.norm.entropy(loc, scale)
    const entropy = [1.4189385332046727, 0.7257913526447274, 2.112085713764618, -0.8836465597893728];
    expect(new Normal(loc, scale).entropy()).toBeAllClose(entropy, { rtol: 1e-4 });
  });

  it('cdf(icdf(u)) = u', () => {
    const u = tf.linspace(0.001, 0.999, 101);
    const d = new Normal(0.7, 1.3);
    expect(d.cdf(d.icdf(u))).toBeAllClose(u, { atol: 2e-5 });
  });

  it('broadcasts parameters and values', () => {
    const d = new Normal([[0], [1]], [1, 2, 3]);
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample([5]).shape).toEqual([5, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    expect(d.logProb(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
  });

  it.each([
    ['rsample', (d: Normal, n: number) => d.rsample([n], 3)],
    ['icdf (inverse transform)', (d: Normal, n: number) => d.sampleByIcdf([n], 3)],
  ])('samples drawn by %s have the right mean and variance', (_, draw) => {
    const d = new Normal([1, -2], [0.5, 3]);
    const { mean, variance } = momentsAlongFirstAxis(draw(d, 100_000));
    // Standard errors of the mean are scale / sqrt(n): 0.0016 and 0.0095.
    expect(mean).toBeAllClose([1, -2], { atol: 0.04 });
    expect(variance).toBeAllClose([0.25, 9], { rtol: 0.02 });
  });

  it('same seed, same samples; the global seed stream is reproducible', () => {
    const d = new Normal(0, 1);
    expect(d.sample([4], 11)).toBeAllClose(d.sample([4], 11), { rtol: 0, atol: 0 });
    setSeed(5);
    const a = d.sample([4]).dataSync();
    setSeed(5);
    expect(d.sample([4])).toBeAllClose(Array.from(a), { rtol: 0, atol: 0 });
  });

  it('rsample has pathwise gradients: d/d(loc, scale) E[z^2] = (2 loc, 2 scale)', () => {
    // E[z^2] = loc^2 + scale^2, so the gradients are 2 loc and 2 scale.
    const grads = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.mean(tf.square(new Normal(l, s).rsample([200_000], 1))),
    );
    const [gl, gs] = grads([tf.scalar(0.8), tf.scalar(1.5)]);
    expect(gl).toBeAllClose(1.6, { rtol: 0.02 });
    expect(gs).toBeAllClose(3.0, { rtol: 0.02 });
  });

  it('KL matches PyTorch and the Monte Carlo estimate', () => {
    const p = new Normal([0, 1], [1, 0.5]);
    const q = new Normal([0.5, -1], [2, 0.3]);
    // torch.distributions.kl_divergence(Normal([0., 1.], [1., .5]), Normal([.5, -1.], [2., .3])) in float64
    expect(klDivergence(p, q)).toBeAllClose([0.3493971805599453, 22.600285487345122], { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose([0.3493971805599453, 22.600285487345122], {
      rtol: 0.02,
    });
    expect(klDivergence(p, p)).toBeAllClose([0, 0], { atol: 1e-6 });
  });

  it('the Monte Carlo KL of many draws is summed in float64', () => {
    // KL(N(0, 1) || N(30, 1)) = 450; the terms are 450 - 30 x, so 4,000,000 draws give a standard error of 0.015.
    // Summed in float32 on wasm, the estimate came out 450.57.
    const estimate = klMonteCarlo(new Normal(0, 1), new Normal(30, 1), 4_000_000, 3);
    expect(estimate.shape).toEqual([]);
    expect(estimate).toBeAllClose(450, { atol: 0.08 });
  });

  it.each([
    ['scale of zero', () => new Normal(0, 0), /argument 'scale' must be positive and finite, got 0/],
    ['negative scale', () => new Normal([0, 1], [1, -1]), /'scale' must be positive.*flat index 1/],
    ['NaN loc', () => new Normal(NaN, 1), /argument 'loc' must be finite, got NaN/],
    [
      'shapes that do not broadcast',
      () => new Normal([0, 1], [1, 2, 3]),
      /Normal: parameter shapes \[2\] and \[3\] do not broadcast/,
    ],
    ['a string', () => new Normal('a', 1), /argument 'loc' must be a tensor/],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    expect(new Normal(0, 1).logProb(NaN)).toBeAllClose(NaN);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Normal([0, 1], [1, 2]);
      tf.dispose([d.logProb([0.1, 0.2]), d.sample([3]), d.rsample([3]), d.entropy(), d.cdf(0), d.icdf(0.3)]);
      tf.dispose([d.mean(), d.variance(), d.stddev(), klDivergence(d, d), d.sampleByIcdf([2])]);
      d.dispose();
    }, 'Normal');
  });
});
