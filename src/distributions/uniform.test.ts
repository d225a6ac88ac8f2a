import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { Uniform } from './uniform.js';

const low = [0, -1, 0.25, -3];
const high = [1, 2, 0.5, 10];

describe('Uniform', () => {
  it('log-density matches scipy, -Infinity off the support', () => {
    // scipy.stats.uniform.logpdf([0.5, -1.5, 0.3, 10], low, high - low)
    const expected = [0.0, -Infinity, 1.3862943611198906, -2.5649493574615367];
    expect(new Uniform(low, high).logProb([0.5, -1.5, 0.3, 10])).toBeAllClose(expected, { rtol: 1e-4 });
    // Both ends belong to the support, as in scipy and torch.
    expect(new Uniform(low, high).logProb(low)).toBeAllClose(
      expected.map((_, i) => -Math.log(high[i] - low[i])),
    );
  });

  it('cdf, icdf, entropy and moments match scipy', () => {
    const d = new Uniform(low, high);
    // scipy.stats.uniform.cdf([0.5, -1.5, 0.3, 11], low, high - low)
    expect(d.cdf([0.5, -1.5, 0.3, 11])).toBeAllClose([0.5, 0.0, 0.19999999999999996, 1.0], { rtol: 1e-4 });
    // scipy.stats.uniform.ppf(p, -2, 5)
    const p = [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999];
    const ppf = [-1.999995, -1.95, -0.5, 0.5, 2.5, 2.995];
    expect(new Uniform(-2, 3).icdf(p)).toBeAllClose(ppf, { rtol: 1e-4 });
    // scipy.stats.uniform.entropy(low, high - low)
    expect(d.entropy()).toBeAllClose([0.0, 1.0986122886681096, -1.3862943611198906, 2.5649493574615367], {
      rtol: 1e-4,
    });
    // scipy.stats.uniform.mean(low, high - low), .var(low, high - low), .std(low, high - low)
    expect(d.mean()).toBeAllClose([0.5, 0.5, 0.375, 3.5], { rtol: 1e-4 });
    expect(d.variance()).toBeAllClose([0.08333333333333333, 0.75, 0.005208333333333333, 14.083333333333332], {
      rtol: 1e-4,
    });
    expect(d.stddev()).toBeAllClose(
      [0.28867513459481287, 0.8660254037844386, 0.07216878364870322, 3.7527767497325675],
      { rtol: 1e-4 },
    );
  });

  it('cdf(icdf(u)) = u', () => {
    const u = tf.linspace(0, 1, 101);
    const d = new Uniform(-0.7, 1.3);
    expect(d.cdf(d.icdf(u))).toBeAllClose(u, { atol: 2e-6 });
  });

  it('broadcasts parameters and values', () => {
    const d = new Uniform([[0], [1]], [2, 3, 4]);
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample([5]).shape).toEqual([5, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    expect(d.logProb(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
    expect(d.cdf(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
  });

  it.each([
    ['rsample', (d: Uniform, n: number) => d.rsample([n], 3)],
    ['icdf (inverse transform)', (d: Uniform, n: number) => d.sampleByIcdf([n], 4)],
  ])('samples drawn by %s have the right mean and variance, inside the support', (_, draw) => {
    const d = new Uniform([0, -3], [1, 5]);
    const samples = draw(d, 100_000);
    const { mean, variance } = momentsAlongFirstAxis(samples);
    // Standard errors of the mean are (high - low) / sqrt(12 n): 0.0009 and 0.0073; of the variance about 0.3%.
    expect(mean).toBeAllClose([0.5, 1], { atol: 0.03 });
    expect(variance).toBeAllClose([1 / 12, 64 / 12], { rtol: 0.02 });
    expect(tf.min(d.logProb(samples)).dataSync()[0]).toBeGreaterThan(-Infinity);
  });

  it('rsample has pathwise gradients: d/d(low, high) E[x^2] = ((2 low + high) / 3, (low + 2 high) / 3)', () => {
    // E[x^2] = (low^2 + low high + high^2) / 3.
    const grads = tf.grads((l: tf.Tensor, h: tf.Tensor) =>
      tf.mean(tf.square(new Uniform(l, h).rsample([200_000], 1))),
    );
    const [gl, gh] = grads([tf.scalar(-0.4), tf.scalar(1.5)]);
    expect(gl).toBeAllClose(0.7 / 3, { rtol: 0.03 });
    expect(gh).toBeAllClose(2.6 / 3, { rtol: 0.03 });
  });

  it('log-density has gradients 1 / (high - low) and -1 / (high - low) for broadcast values', () => {
    const grads = tf.grads((l: tf.Tensor, h: tf.Tensor) =>
      tf.sum(new Uniform(l, h).logProb(tf.tensor([[0.1], [0.5], [0.9]]))),
    );
    const [gl, gh] = grads([tf.tensor([0, -1]), tf.tensor([1, 3])]);
    expect(gl).toBeAllClose([3, 3 / 4]);
    expect(gh).toBeAllClose([-3, -3 / 4]);
  });

  it('KL matches PyTorch and the Monte Carlo estimate, +Infinity when p leaves the support of q', () => {
    const p = new Uniform([0, -1, 0, 0, 0], [1, 1, 2, 4, 1]);
    const q = new Uniform([-0.5, -2, 0.5, -1, 0], [1.5, 1, 3, 3, 1]);
    // torch.distributions.kl_divergence(Uniform([0., -1., 0., 0., 0.], [1., 1., 2., 4., 1.]),
    //                                   Uniform([-.5, -2., .5, -1., 0.], [1.5, 1., 3., 3., 1.])) in float64
    const expected = [0.6931471805599453, 0.4054651081081644, Infinity, Infinity, 0.0];
    expect(klDivergence(p, q)).toBeAllClose(expected, { rtol: 1e-4 });
    // log p - log q is constant on the support of p, so the estimate is exact up to float32 summation, or +Infinity
    // once a draw leaves the support of q.
    expect(klMonteCarlo(p, q, 1000, 7)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('KL has the gradients of PyTorch autograd', () => {
    const grads = tf.grads((l1: tf.Tensor, h1: tf.Tensor, l2: tf.Tensor, h2: tf.Tensor) =>
      tf.sum(klDivergence(new Uniform(l1, h1), new Uniform(l2, h2))),
    );
    const [gl1, gh1, gl2, gh2] = grads([
      tf.tensor([0, -1]),
      tf.tensor([1, 1]),
      tf.tensor([-0.5, -2]),
      tf.tensor([1.5, 1]),
    ]);
    // l1, h1, l2, h2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in ([0., -1.], [1., 1.],
    //     [-.5, -2.], [1.5, 1.])); kl_divergence(Uniform(l1, h1), Uniform(l2, h2)).sum().backward(); l1.grad, ...
    expect(gl1).toBeAllClose([1.0, 0.5], { rtol: 1e-4 });
    expect(gh1).toBeAllClose([-1.0, -0.5], { rtol: 1e-4 });
    expect(gl2).toBeAllClose([-0.5, -0.3333333333333333], { rtol: 1e-4 });
    expect(gh2).toBeAllClose([0.5, 0.3333333333333333], { rtol: 1e-4 });
  });

  it('cdf is differentiable in the parameters: dF/dlow = (x - high) / w^2, dF/dhigh = (low - x) / w^2', () => {
    const values = tf.tensor([-0.5, 0.2, 1]);
    const [gl, gh] = tf.grads((l: tf.Tensor, h: tf.Tensor) => new Uniform(l, h).cdf(values))([
      tf.fill([3], -0.7),
      tf.fill([3], 1.3),
    ]);
    // w = high - low = 2.
    expect(gl).toBeAllClose([-1.8 / 4, -1.1 / 4, -0.3 / 4], { rtol: 1e-4 });
    expect(gh).toBeAllClose([-0.2 / 4, -0.9 / 4, -1.7 / 4], { rtol: 1e-4 });
  });

  it.each([
    [
      'high equal to low',
      () => new Uniform(1, 1),
      /argument 'high' must be greater than 'low', got high 1 and low 1/,
    ],
    ['high below low', () => new Uniform([0, 2], [1, 1]), /'high' must be greater than 'low'.*flat index 1/],
    ['NaN low', () => new Uniform(NaN, 1), /Uniform: argument 'low' must be finite, got NaN/],
    [
      'infinite high',
      () => new Uniform(0, Infinity),
      /Uniform: argument 'high' must be finite, got Infinity/,
    ],
    [
      'shapes that do not broadcast',
      () => new Uniform([0, 1], [2, 3, 4]),
      /Uniform: parameter shapes \[2\] and \[3\] do not broadcast/,
    ],
    ['a string', () => new Uniform(0, 'b'), /argument 'high' must be a tensor/],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density and cdf, not an error', () => {
    const d = new Uniform(0, 1);
    expect(d.logProb(NaN)).toBeAllClose(NaN);
    expect(d.cdf(NaN)).toBeAllClose(NaN);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Uniform([0, 1], [1, 2]);
      tf.dispose([d.logProb([0.1, 0.2]), d.sample([3]), d.rsample([3]), d.entropy(), d.cdf(0), d.icdf(0.3)]);
      tf.dispose([d.mean(), d.variance(), d.stddev(), klDivergence(d, d), d.sampleByIcdf([2])]);
      d.dispose();
    }, 'Uniform');
  });
});
