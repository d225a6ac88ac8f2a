import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { Laplace } from './laplace.js';

const x = [-1.5, 0, 0.3, 2];
const loc = [0, 1, -0.5, 0.2];
const scale = [1, 0.5, 2, 0.1];

describe('Laplace', () => {
  it('log-density matches scipy', () => {
    // scipy.stats.laplace.logpdf(x, loc, scale)
    const expected = [-2.1931471805599454, -2.0, -1.7862943611198907, -16.390562087565897];
    expect(new Laplace(loc, scale).logProb(x)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('cdf, icdf, entropy and moments match scipy', () => {
    const d = new Laplace(loc, scale);
    // scipy.stats.laplace.cdf(x, loc, scale)
    const cdf = [0.11156508007421491, 0.06766764161830634, 0.6648399769821804, 0.9999999923850101];
    expect(d.cdf(x)).toBeAllClose(cdf, { rtol: 1e-4 });
    // scipy.stats.laplace.ppf(p, 0.7, 1.3)
    const p = [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999];
    const ppf = [
      -16.359072390625627, -4.38562990705659, 0.03592668910421204, 0.7, 2.7922692861643306, 8.778990527948848,
    ];
    expect(new Laplace(0.7, 1.3).icdf(p)).toBeAllClose(ppf, { rtol: 1e-4 });
    // scipy.stats.laplace.entropy(loc, scale)
    expect(d.entropy()).toBeAllClose([1.6931471805599454, 1.0, 2.386294361119891, -0.6094379124341001], {
      rtol: 1e-4,
    });
    // scipy.stats.laplace.mean(loc, scale), .var(loc, scale), .std(loc, scale)
    expect(d.mean()).toBeAllClose([0, 1, -0.5, 0.2], { rtol: 1e-4 });
    expect(d.variance()).toBeAllClose([2.0, 0.5, 8.0, 0.020000000000000004], { rtol: 1e-4 });
    expect(d.stddev()).toBeAllClose(
      [1.4142135623730951, 0.7071067811865476, 2.8284271247461903, 0.14142135623730953],
      { rtol: 1e-4 },
    );
  });

  it('cdf(icdf(u)) = u', () => {
    const u = tf.linspace(0.001, 0.999, 101);
    const d = new Laplace(0.7, 1.3);
    expect(d.cdf(d.icdf(u))).toBeAllClose(u, { atol: 2e-5 });
  });

  it('the density integrates to one', () => {
    const grid = tf.linspace(-40, 40, 80_001);
    const density = new Laplace(0.7, 1.3).prob(grid);
    // Riemann sum with step 1e-3; the kink at loc costs O(step^2).
    expect(tf.mul(tf.sum(density), 1e-3)).toBeAllClose(1, { rtol: 1e-4 });
  });

  it('broadcasts parameters and values', () => {
    const d = new Laplace([[0], [1]], [1, 2, 3]);
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample([5]).shape).toEqual([5, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    expect(d.logProb(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
    expect(d.cdf(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
  });

  it.each([
    ['rsample', (d: Laplace, n: number) => d.rsample([n], 3)],
    ['icdf (inverse transform)', (d: Laplace, n: number) => d.sampleByIcdf([n], 4)],
  ])('samples drawn by %s have the right mean and variance', (_, draw) => {
    const d = new Laplace([1, -2], [0.5, 3]);
    const { mean, variance } = momentsAlongFirstAxis(draw(d, 100_000));
    // Standard errors of the mean are sqrt(2) scale / sqrt(n): 0.0022 and 0.013; of the variance about 0.7%.
    expect(mean).toBeAllClose([1, -2], { atol: 0.06 });
    expect(variance).toBeAllClose([0.5, 18], { rtol: 0.03 });
  });

  it('rsample has pathwise gradients: d/d(loc, scale) E[z^2] = (2 loc, 4 scale)', () => {
    // E[z^2] = loc^2 + 2 scale^2.
    const grads = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.mean(tf.square(new Laplace(l, s).rsample([200_000], 1))),
    );
    const [gl, gs] = grads([tf.scalar(0.8), tf.scalar(1.5)]);
    expect(gl).toBeAllClose(1.6, { rtol: 0.03 });
    expect(gs).toBeAllClose(6.0, { rtol: 0.03 });
  });

  it('KL matches PyTorch and the Monte Carlo estimate', () => {
    const p = new Laplace([0, 1], [1, 0.5]);
    const q = new Laplace([0.5, -1], [2, 0.3]);
    // torch.distributions.kl_divergence(Laplace([0., 1.], [1., .5]), Laplace([.5, -1.], [2., .3])) in float64
    const expected = [0.246412510416262, 5.186367107715234];
    expect(klDivergence(p, q)).toBeAllClose(expected, { rtol: 1e-4 });
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose(expected, { rtol: 0.02 });
    expect(klDivergence(p, p)).toBeAllClose([0, 0], { atol: 1e-6 });
  });

  it('KL has the gradients of PyTorch autograd', () => {
    const grads = tf.grads((m1: tf.Tensor, b1: tf.Tensor, m2: tf.Tensor, b2: tf.Tensor) =>
      tf.sum(klDivergence(new Laplace(m1, b1), new Laplace(m2, b2))),
    );
    const [gm1, gb1, gm2, gb2] = grads([
      tf.tensor([0, 1]),
      tf.tensor([1, 0.5]),
      tf.tensor([0.5, -1]),
      tf.tensor([2, 0.3]),
    ]);
    // m1, b1, m2, b2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in ([0., 1.], [1., .5],
    //     [.5, -1.], [2., .3])); kl_divergence(Laplace(m1, b1), Laplace(m2, b2)).sum().backward(); m1.grad, ...
    expect(gm1).toBeAllClose([-0.1967346701436833, 3.2722812037042197], { rtol: 1e-4 });
    expect(gb1).toBeAllClose([-0.5451020052155249, -1.6947393518544303], { rtol: 1e-4 });
    expect(gm2).toBeAllClose([0.1967346701436833, -3.2722812037042197], { rtol: 1e-4 });
    expect(gb2).toBeAllClose([0.22336733507184164, -18.990642438270747], { rtol: 1e-4 });
  });

  it('cdf is differentiable in the parameters: dF/dloc = -p(x), dF/dscale = -p(x) (x - loc) / scale', () => {
    const values = tf.tensor([-3, -0.2, 0.7, 1.1, 4]);
    const [gl, gs] = tf.grads((l: tf.Tensor, s: tf.Tensor) => new Laplace(l, s).cdf(values))([
      tf.fill([5], 0.7),
      tf.fill([5], 1.3),
    ]);
    const density = new Laplace(0.7, 1.3).prob(values);
    expect(gl).toBeAllClose(tf.neg(density), { rtol: 1e-4 });
    expect(gs).toBeAllClose(tf.mul(tf.neg(density), tf.div(tf.sub(values, 0.7), 1.3)), {
      rtol: 1e-4,
      atol: 1e-6,
    });
  });

  it.each([
    [
      'scale of zero',
      () => new Laplace(0, 0),
      /Laplace: argument 'scale' must be positive and finite, got 0/,
    ],
    ['negative scale', () => new Laplace([0, 1], [1, -1]), /'scale' must be positive.*flat index 1/],
    ['infinite scale', () => new Laplace(0, Infinity), /'scale' must be positive and finite, got Infinity/],
    ['NaN loc', () => new Laplace(NaN, 1), /Laplace: argument 'loc' must be finite, got NaN/],
    [
      'shapes that do not broadcast',
      () => new Laplace([0, 1], [1, 2, 3]),
      /Laplace: parameter shapes \[2\] and \[3\] do not broadcast/,
    ],
    ['a string', () => new Laplace('a', 1), /argument 'loc' must be a tensor/],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    expect(new Laplace(0, 1).logProb(NaN)).toBeAllClose(NaN);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Laplace([0, 1], [1, 2]);
      tf.dispose([d.logProb([0.1, 0.2]), d.sample([3]), d.rsample([3]), d.entropy(), d.cdf(0), d.icdf(0.3)]);
      tf.dispose([d.mean(), d.variance(), d.stddev(), klDivergence(d, d), d.sampleByIcdf([2])]);
      d.dispose();
    }, 'Laplace');
  });
});
