import { describe, expect, it } from 'vitest';
import { toy2dLogDensity } from '../data/toy2d.js';
import { MetricArgumentError } from './errors.js';
import {
  discriminatorDistance,
  discriminatorValue,
  optimalDiscriminator,
  type LogDensityFunction,
} from './optimal-discriminator.js';

/** log N((x, y); (mx, my), diag(sx^2, sy^2)), written out by hand. */
function gaussian(mx: number, my: number, sx: number, sy: number): LogDensityFunction {
  const c = -Math.log(2 * Math.PI * sx * sy);
  return (points) =>
    Float64Array.from(
      { length: points.length / 2 },
      (_, i) => c - 0.5 * ((points[2 * i] - mx) / sx) ** 2 - 0.5 * ((points[2 * i + 1] - my) / sy) ** 2,
    );
}

const LOG4 = Math.log(4);
const ring8 = toy2dLogDensity('ring8')!;

describe('optimalDiscriminator', () => {
  it('lays out the cell centres row by row from the bottom, as densityGrid', () => {
    const grid = optimalDiscriminator({
      logP: gaussian(0, 0, 1, 1),
      logQ: gaussian(0, 0, 1, 1),
      range: [0, 2],
      resolution: 2,
    });
    expect(Array.from(grid.xs)).toEqual([0.5, 1.5]);
    expect(Array.from(grid.ys)).toEqual([0.5, 1.5]);
    expect(Array.from(grid.points)).toEqual([0.5, 0.5, 1.5, 0.5, 0.5, 1.5, 1.5, 1.5]);
    expect(grid.cellArea).toBe(1);
    expect(grid.p).toBeAllClose(Array.from(grid.logP, Math.exp), { rtol: 1e-15, atol: 0 });
  });

  it('ring8 against N(0, 1.5^2 I): V(G, D*) = -log 4 + 2 JSD, both masses in the grid', () => {
    // Cells of side 0.02, the ring's std: the midpoint rule integrates each of its Gaussians to about 1e-8.
    const grid = optimalDiscriminator({
      logP: ring8,
      logQ: gaussian(0, 0, 1.5, 1.5),
      range: [-7, 7],
      resolution: 700,
    });
    // N(0, 1.5^2) keeps (1 - 2 Phi(-7 / 1.5))^2 = 0.999994 of its mass in [-7, 7]^2.
    expect(grid.massP).toBeAllClose(1, { rtol: 0, atol: 1e-6 });
    expect(grid.massQ).toBeAllClose(0.999994, { rtol: 0, atol: 2e-6 });
    expect(grid.jsd).toBeGreaterThan(0);
    expect(grid.jsd).toBeLessThan(Math.LN2);
    expect(discriminatorValue(grid, grid.dStar)).toBeAllClose(-LOG4 + 2 * grid.jsd, { rtol: 0, atol: 1e-3 });
    expect(discriminatorValue(grid, grid.dStarLogit, { logits: true })).toBeAllClose(-LOG4 + 2 * grid.jsd, {
      rtol: 0,
      atol: 1e-3,
    });
    // D* maximises V: the constant 1/2 gives -log 4 (times the masses), a perturbed D* less than D*.
    const v = discriminatorValue(grid, grid.dStar);
    expect(discriminatorValue(grid, new Float64Array(grid.dStar.length).fill(0.5))).toBeAllClose(-LOG4, {
      rtol: 0,
      atol: 1e-5,
    });
    expect(
      discriminatorValue(
        grid,
        grid.dStar.map((d) => 0.9 * d + 0.05),
      ),
    ).toBeLessThan(v);
    expect(discriminatorDistance(grid, grid.dStar)).toBe(0);
  });

  it('p = q: JSD 0, D* = 1/2 everywhere, V(G, D*) = -log 4', () => {
    const grid = optimalDiscriminator({ logP: ring8, logQ: ring8, range: [-3, 3], resolution: 300 });
    expect(grid.jsd).toBe(0);
    expect(grid.dStar.every((d) => d === 0.5)).toBe(true);
    expect(grid.massP).toBeAllClose(1, { rtol: 0, atol: 1e-6 });
    expect(discriminatorValue(grid, grid.dStar)).toBeAllClose(-LOG4, { rtol: 0, atol: 1e-5 });
    expect(discriminatorDistance(grid, grid.dStar)).toBe(0);
  });

  it('matches scipy for two Gaussians with different means and scales on both axes', () => {
    // /usr/bin/python3, scipy 1.10: p = multivariate_normal([0, 0], diag([1, 0.5^2])), q = ([1.5, 0.5],
    // diag([2^2, 0.8^2])); integrate.dblquad over [-14, 16] x [-8, 9], epsabs = epsrel = 1e-11, of
    //   JSD: 0.5 p (log p - log m) + 0.5 q (log q - log m), log m = logaddexp(log p, log q) - log 2 -> 0.2483902414865649
    //   |p - q| -> 1.160905097019391, / 4 = 0.29022627425484776
    // (a numpy midpoint grid of 4000^2 cells over [-14, 16]^2 gives 0.24839024148656527 and 0.29022626619).
    const grid = optimalDiscriminator({
      logP: gaussian(0, 0, 1, 0.5),
      logQ: gaussian(1.5, 0.5, 2, 0.8),
      range: [-14, 16],
      resolution: 600,
    });
    expect(grid.massP).toBeAllClose(1, { rtol: 0, atol: 1e-9 });
    expect(grid.massQ).toBeAllClose(1, { rtol: 0, atol: 1e-9 });
    expect(grid.jsd).toBeAllClose(0.2483902414865649, { rtol: 1e-7, atol: 0 });
    // The constant 1/2 is |1/2 - p / (p + q)| = |p - q| / (2 (p + q)) from D*: E_m of it is integral |p - q| / 4.
    const half = new Float64Array(grid.p.length).fill(0.5);
    expect(discriminatorDistance(grid, half)).toBeAllClose(0.29022627425484776, { rtol: 2e-5, atol: 0 });
    expect(discriminatorValue(grid, grid.dStar)).toBeAllClose(-LOG4 + 2 * 0.2483902414865649, {
      rtol: 0,
      atol: 1e-6,
    });
  });

  it('the constant 1/2 is Phi(1) - 1/2 from D* for N((-1, 0), I) against N((1, 0), I)', () => {
    // scipy.stats.norm.cdf(1) - 0.5: half the total variation 2 Phi(1) - 1.
    const grid = optimalDiscriminator({
      logP: gaussian(-1, 0, 1, 1),
      logQ: gaussian(1, 0, 1, 1),
      range: [-9, 9],
      resolution: 400,
    });
    const half = new Float64Array(grid.p.length).fill(0.5);
    expect(discriminatorDistance(grid, half)).toBeAllClose(0.3413447460685429, { rtol: 2e-4, atol: 0 });
    expect(
      discriminatorDistance(
        grid,
        half.map((_, k) => 1 - grid.dStar[k]),
      ),
    ).toBeGreaterThan(0.5);
  });

  it('two far, narrow Gaussians: JSD log 2, D* 0 or 1 on their supports, V(G, D*) 0 from logits', () => {
    const grid = optimalDiscriminator({
      logP: gaussian(-2, 0, 0.1, 0.1),
      logQ: gaussian(2, 0, 0.1, 0.1),
      range: [-3, 3],
      resolution: 300,
    });
    expect(grid.jsd).toBeAllClose(Math.LN2, { rtol: 0, atol: 1e-9 });
    // D* rounds to 0 or 1 on each support, so probabilities give -Infinity; logits keep V = -log 4 + 2 log 2 = 0.
    expect(discriminatorValue(grid, grid.dStarLogit, { logits: true })).toBeAllClose(0, {
      rtol: 0,
      atol: 1e-9,
    });
    expect(discriminatorValue(grid, grid.dStar)).toBe(-Infinity);
    expect(grid.dStar[150 * 300 + 50]).toBe(1); // (-1.99, 0.01), p's centre
    expect(grid.dStar[150 * 300 + 250]).toBe(0);
  });

  it('treats cells where a density is 0 as 0 log 0 = 0, and D* = 1/2 where both are', () => {
    const square =
      (x0: number): LogDensityFunction =>
      (points) =>
        Float64Array.from({ length: points.length / 2 }, (_, i) =>
          points[2 * i] > x0 && points[2 * i] < x0 + 1 && points[2 * i + 1] > 0 && points[2 * i + 1] < 1
            ? 0
            : -Infinity,
        );
    // p uniform on [0, 1]^2, q on [0.5, 1.5] x [0, 1]: they overlap on half; JSD = 1/2 log 2 exactly.
    const grid = optimalDiscriminator({ logP: square(0), logQ: square(0.5), range: [-1, 3], resolution: 40 });
    expect(grid.jsd).toBeAllClose(0.5 * Math.LN2, { rtol: 1e-12, atol: 0 });
    expect(grid.dStar[0]).toBe(0.5);
    expect(grid.dStarLogit[0]).toBe(0);
    expect([grid.massP, grid.massQ]).toBeAllClose([1, 1], { rtol: 1e-12, atol: 0 });
    // A D that is 0 only where p = 0 and 1 only where q = 0 is finite.
    const d = grid.p.map((p, k) => (p === 0 ? 0 : grid.q[k] === 0 ? 1 : 0.5));
    expect(discriminatorValue(grid, d)).toBeAllClose(-Math.LN2, { rtol: 1e-12, atol: 0 });
    expect(discriminatorValue(grid, grid.dStar)).toBeAllClose(-LOG4 + Math.LN2, { rtol: 1e-12, atol: 0 });
  });

  it.each([
    [
      'a reversed range',
      () => optimalDiscriminator({ logP: ring8, logQ: ring8, range: [1, -1] }),
      "optimalDiscriminator: option 'range' must be [lo, hi] with finite lo < hi, got [1, -1]",
    ],
    [
      'a resolution of 1',
      () => optimalDiscriminator({ logP: ring8, logQ: ring8, range: [-1, 1], resolution: 1 }),
      "optimalDiscriminator: option 'resolution' must be an integer >= 2, got 1",
    ],
    [
      'a log-density with too few values',
      () => optimalDiscriminator({ logP: ring8, logQ: () => [0], range: [-1, 1], resolution: 2 }),
      "argument 'logQ' must return one value per grid point, resolution^2 = 4, got 1",
    ],
    [
      'a NaN log-density',
      () => optimalDiscriminator({ logP: () => [0, 0, NaN, 0], logQ: ring8, range: [-1, 1], resolution: 2 }),
      "argument 'logP' must return log-densities below +Infinity, got NaN at (-0.5, 0.5)",
    ],
    [
      'a D of the wrong length',
      () =>
        discriminatorValue(
          optimalDiscriminator({ logP: ring8, logQ: ring8, range: [-1, 1], resolution: 2 }),
          [0.5],
        ),
      "discriminatorValue: argument 'd' must have one value per grid cell, 4, got 1",
    ],
    [
      'a D outside [0, 1]',
      () =>
        discriminatorDistance(
          optimalDiscriminator({ logP: ring8, logQ: ring8, range: [-1, 1], resolution: 2 }),
          [0.5, 0.5, 1.5, 0.5],
        ),
      "discriminatorDistance: argument 'd' must hold values in [0, 1], got 1.5 at index 2",
    ],
    [
      'a NaN logit',
      () =>
        discriminatorValue(
          optimalDiscriminator({ logP: ring8, logQ: ring8, range: [-1, 1], resolution: 2 }),
          [0, NaN, 0, 0],
          { logits: true },
        ),
      "argument 'd' must hold logits (not NaN), got NaN at index 1",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(message);
  });
});
