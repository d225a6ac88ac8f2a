import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { momentsAlongFirstAxis } from '../../test/helpers.js';
import { klDivergence, klMonteCarlo } from './kl.js';
import { Logistic } from './logistic.js';

const x = [-1.5, 0, 0.3, 2];
const loc = [0, 1, -0.5, 0.2];
const scale = [1, 0.5, 2, 0.1];
const PI2_3 = (Math.PI * Math.PI) / 3;

describe('Logistic', () => {
  it('log-density matches scipy', () => {
    // scipy.stats.logistic.logpdf(x, loc, scale)
    const expected = [-1.9028265559655049, -1.5607088415259995, -2.1191776853598503, -15.697414937465913];
    expect(new Logistic(loc, scale).logProb(x)).toBeAllClose(expected, { rtol: 1e-4 });
  });

  it('log-density stays finite far in both tails', () => {
    // scipy.stats.logistic.logpdf([-100., 100.], 0, 1)
    expect(new Logistic(0, 1).logProb([-100, 100])).toBeAllClose([-100, -100], { rtol: 1e-4 });
  });

  it('cdf, icdf, entropy and moments match scipy', () => {
    const d = new Logistic(loc, scale);
    // scipy.stats.logistic.cdf(x, loc, scale)
    const cdf = [0.18242552380635635, 0.11920292202211755, 0.598687660112452, 0.9999999847700205];
    expect(d.cdf(x)).toBeAllClose(cdf, { rtol: 1e-4 });
    // scipy.stats.logistic.ppf(p, 0.7, 1.3)
    const p = [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999];
    const ppf = [
      -17.260162425352906, -5.2736558051749665, -0.40148721850336466, 0.7, 3.556391950537085,
      9.678781212243118,
    ];
    expect(new Logistic(0.7, 1.3).icdf(p)).toBeAllClose(ppf, { rtol: 1e-4 });
    // scipy.stats.logistic.entropy(loc, scale)
    expect(d.entropy()).toBeAllClose([2.0, 1.3068528194400546, 2.6931471805599454, -0.30258509299404546], {
      rtol: 1e-4,
    });
    // scipy.stats.logistic.mean(loc, scale), .var(loc, scale), .std(loc, scale)
    expect(d.mean()).toBeAllClose([0, 1, -0.5, 0.2], { rtol: 1e-4 });
    expect(d.variance()).toBeAllClose(
      [3.289868133696453, 0.8224670334241132, 13.159472534785811, 0.03289868133696453],
      { rtol: 1e-4 },
    );
    expect(d.stddev()).toBeAllClose(
      [1.8137993642342178, 0.9068996821171089, 3.6275987284684357, 0.1813799364234218],
      { rtol: 1e-4 },
    );
  });

  it('cdf(icdf(u)) = u', () => {
    const u = tf.linspace(0.001, 0.999, 101);
    const d = new Logistic(0.7, 1.3);
    expect(d.cdf(d.icdf(u))).toBeAllClose(u, { atol: 2e-5 });
  });

  it('the density integrates to one', () => {
    const grid = tf.linspace(-60, 60, 120_001);
    const density = new Logistic(0.7, 1.3).prob(grid);
    // Riemann sum with step 1e-3 of a smooth density; the mass beyond +-60 is below 1e-19.
    expect(tf.mul(tf.sum(density), 1e-3)).toBeAllClose(1, { rtol: 1e-4 });
  });

  it('broadcasts parameters and values', () => {
    const d = new Logistic([[0], [1]], [1, 2, 3]);
    expect(d.batchShape).toEqual([2, 3]);
    expect(d.sample([5]).shape).toEqual([5, 2, 3]);
    expect(d.logProb(0.5).shape).toEqual([2, 3]);
    expect(d.logProb(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
    expect(d.cdf(tf.zeros([7, 1, 3])).shape).toEqual([7, 2, 3]);
  });

  it.each([
    ['rsample', (d: Logistic, n: number) => d.rsample([n], 3)],
    ['icdf (inverse transform)', (d: Logistic, n: number) => d.sampleByIcdf([n], 4)],
  ])('samples drawn by %s have the right mean and variance', (_, draw) => {
    const d = new Logistic([1, -2], [0.5, 3]);
    const { mean, variance } = momentsAlongFirstAxis(draw(d, 100_000));
    // Standard errors of the mean are s pi / sqrt(3 n): 0.0029 and 0.017; of the variance about 0.6%.
    expect(mean).toBeAllClose([1, -2], { atol: 0.07 });
    expect(variance).toBeAllClose([0.25 * PI2_3, 9 * PI2_3], { rtol: 0.03 });
  });

  it('rsample has pathwise gradients: d/d(loc, scale) E[z^2] = (2 loc, 2 scale pi^2 / 3)', () => {
    // E[z^2] = loc^2 + scale^2 pi^2 / 3.
    const grads = tf.grads((l: tf.Tensor, s: tf.Tensor) =>
      tf.mean(tf.square(new Logistic(l, s).rsample([200_000], 1))),
    );
    const [gl, gs] = grads([tf.scalar(0.8), tf.scalar(1.5)]);
    expect(gl).toBeAllClose(1.6, { rtol: 0.03 });
    expect(gs).toBeAllClose(3 * PI2_3, { rtol: 0.03 });
  });

  it('cdf is differentiable in the parameters: dF/dloc = -p(x), dF/dscale = -p(x) (x - loc) / scale', () => {
    const values = tf.tensor([-3, -0.2, 0.7, 1.1, 4]);
    const [gl, gs] = tf.grads((l: tf.Tensor, s: tf.Tensor) => new Logistic(l, s).cdf(values))([
      tf.fill([5], 0.7),
      tf.fill([5], 1.3),
    ]);
    const density = new Logistic(0.7, 1.3).prob(values);
    expect(gl).toBeAllClose(tf.neg(density), { rtol: 1e-4 });
    expect(gs).toBeAllClose(tf.mul(tf.neg(density), tf.div(tf.sub(values, 0.7), 1.3)), {
      rtol: 1e-4,
      atol: 1e-6,
    });
  });

  it('the Monte Carlo KL matches quadrature; no analytic KL is registered', () => {
    const p = new Logistic([0, 1], [1, 0.5]);
    const q = new Logistic([0.5, -1], [2, 0.3]);
    // [scipy.integrate.quad(lambda x: P.pdf(x) * (P.logpdf(x) - Q.logpdf(x)), -np.inf, np.inf)[0]
    //  for P, Q in [(logistic(0, 1), logistic(.5, 2)), (logistic(1, .5), logistic(-1, .3))]]
    const expected = [0.2773324174817151, 4.264994363090936];
    expect(klMonteCarlo(p, q, 200_000, 7)).toBeAllClose(expected, { rtol: 0.02 });
    expect(klMonteCarlo(p, p, 1000, 7)).toBeAllClose([0, 0], { atol: 1e-6 });
    expect(() => klDivergence(p, q)).toThrow(/no analytic KL is registered for \(Logistic, Logistic\)/);
  });

  it.each([
    [
      'scale of zero',
      () => new Logistic(0, 0),
      /Logistic: argument 'scale' must be positive and finite, got 0/,
    ],
    ['negative scale', () => new Logistic([0, 1], [1, -1]), /'scale' must be positive.*flat index 1/],
    ['infinite scale', () => new Logistic(0, Infinity), /'scale' must be positive and finite, got Infinity/],
    ['NaN loc', () => new Logistic(NaN, 1), /Logistic: argument 'loc' must be finite, got NaN/],
    [
      'shapes that do not broadcast',
      () => new Logistic([0, 1], [1, 2, 3]),
      /Logistic: parameter shapes \[2\] and \[3\] do not broadcast/,
    ],
    ['a string', () => new Logistic('a', 1), /argument 'loc' must be a tensor/],
  ])('rejects %s with an error naming the argument', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a NaN value gives a NaN log-density, not an error', () => {
    expect(new Logistic(0, 1).logProb(NaN)).toBeAllClose(NaN);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const d = new Logistic([0, 1], [1, 2]);
      tf.dispose([d.logProb([0.1, 0.2]), d.sample([3]), d.rsample([3]), d.entropy(), d.cdf(0), d.icdf(0.3)]);
      tf.dispose([d.mean(), d.variance(), d.stddev(), d.sampleByIcdf([2])]);
      d.dispose();
    }, 'Logistic');
  });
});
