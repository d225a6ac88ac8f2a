// Smoke test of the 2-D variational inference example, on few steps, with checks that would catch a wrong ELBO,
// a wrong log Z or a wrong fit.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../src/engine/memory.js';
import * as tf from '../src/engine/tf.js';
import {
  banana,
  correlatedGaussian,
  fitGaussianVI,
  runViExample,
  type FitOptions,
  type FitResult,
  type GaussianFamily,
} from './vi-2d.js';

const FAST = { steps: 150, lr: 0.05, samples: 64, evalSamples: 20_000 };
// The default Gaussian target: mean (1, -0.5), covariance Sigma = [[2, 1.2], [1.2, 1]] = Lambda^{-1}.
const MEAN = [1, -0.5];
const SIGMA = [
  [2, 1.2],
  [1.2, 1],
];
const LAMBDA = [
  [1 / 0.56, -1.2 / 0.56],
  [-1.2 / 0.56, 2 / 0.56],
];

/** KL(N(m, S) || N(MEAN, SIGMA)) = (tr(Lambda S) + d^T Lambda d - 2 + log |SIGMA| - log |S|) / 2, d = MEAN - m. */
function klToGaussianTarget(m: number[], s: number[][]): number {
  const d = [MEAN[0] - m[0], MEAN[1] - m[1]];
  let trace = 0;
  let quad = 0;
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      trace += LAMBDA[i][j] * s[j][i];
      quad += d[i] * LAMBDA[i][j] * d[j];
    }
  const logDetS = Math.log(s[0][0] * s[1][1] - s[0][1] * s[1][0]);
  return 0.5 * (trace + quad - 2 + Math.log(0.56) - logDetS);
}

let fits: FitResult[];
let picture: string;
const lines: string[] = [];

function fit(target: string, family: GaussianFamily): FitResult {
  return fits.find((f) => f.target === target && f.family === family) as FitResult;
}

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'latentlab-vi-'));
  ({ fits, picture } = await runViExample({ ...FAST, out, log: (l) => lines.push(l) }));
});

describe('examples/vi-2d', () => {
  it('has the right log Z and closed-form best gaps', () => {
    const g = correlatedGaussian();
    // log Z = -2 + log(2 pi) + log|Sigma| / 2; best mean-field gap = (log Lambda_11 + log Lambda_22 - log|Lambda|) / 2.
    expect(g.logZ).toBeCloseTo(-2 + Math.log(2 * Math.PI) + 0.5 * Math.log(0.56), 10);
    expect(g.bestGap.diagonal).toBeCloseTo(0.5 * Math.log(1 / 0.28), 10);
    const b = banana();
    expect(b.logZ).toBeCloseTo(Math.log(2 * Math.PI * 0.4), 10);
    // Minimum over all five Gaussian parameters, scipy.optimize.minimize(Nelder-Mead) of the KL computed with
    // 60 x 60 Gauss-Hermite quadrature (numpy.polynomial.hermite_e.hermegauss(60)), s1 = 1, s2 = 0.4, b = 0.8.
    expect(b.bestGap.diagonal).toBeCloseTo(0.5606594426792485, 6);
    expect(b.bestGap.full).toBeCloseTo(0.5606594426792485, 6);
  });

  it('log Z is the log of the integral of the unnormalised density (grid quadrature)', () => {
    for (const target of [correlatedGaussian(), banana()]) {
      // A fine grid over a window much wider than the plotted one.
      const [[x0, x1], [y0, y1]] = target.extent.map(([a, c]) => [a - (c - a), c + (c - a)]);
      const n = 600;
      const [dx, dy] = [(x1 - x0) / n, (y1 - y0) / n];
      const integral = tf.tidy(() => {
        const z1 = tf.add(tf.mul(tf.range(0, n), dx), x0 + dx / 2);
        const z2 = tf.add(tf.mul(tf.range(0, n), dy), y0 + dy / 2);
        const grid = tf.stack(
          [tf.tile(tf.expandDims(z1, 1), [1, n]), tf.tile(tf.expandDims(z2, 0), [n, 1])],
          -1,
        );
        return tf.mul(tf.sum(tf.exp(target.logDensity(grid))), dx * dy).dataSync()[0];
      });
      expect(Math.log(integral)).toBeCloseTo(target.logZ, 3);
    }
  });

  it('the full-covariance q matches the correlated Gaussian: gap ~ 0, covariance ~ Sigma', () => {
    const f = fit('gaussian', 'full');
    expect(Math.abs(f.gap)).toBeLessThan(0.01);
    expect(f.loc).toBeAllClose(MEAN, { atol: 0.05 });
    expect(f.covariance).toBeAllClose(SIGMA, { atol: 0.1 });
  });

  it('the diagonal q reaches the closed-form gap, with variances 1 / Lambda_ii (too small)', () => {
    const f = fit('gaussian', 'diagonal');
    expect(Math.abs(f.gap - 0.5 * Math.log(1 / 0.28))).toBeLessThan(0.05);
    expect(f.loc).toBeAllClose(MEAN, { atol: 0.1 });
    expect([f.covariance[0][0], f.covariance[1][1]]).toBeAllClose([0.56, 0.28], { rtol: 0.2 });
    expect(f.covariance[0][1]).toBe(0);
  });

  it('the Monte Carlo gap equals the closed-form KL of the fitted q to the Gaussian target', () => {
    for (const family of ['diagonal', 'full'] as const) {
      const f = fit('gaussian', family);
      expect(Math.abs(f.gap - klToGaussianTarget(f.loc, f.covariance))).toBeLessThan(4 * f.elboStdErr + 1e-3);
    }
  });

  it('on the banana both families reach the best Gaussian gap, and the full q finds no correlation', () => {
    const best = banana().bestGap.full;
    for (const family of ['diagonal', 'full'] as const)
      expect(Math.abs(fit('banana', family).gap - best)).toBeLessThan(0.05);
    expect(Math.abs(fit('banana', 'full').covariance[0][1])).toBeLessThan(0.05);
  });

  it('the ELBO is below log Z: no gap is negative beyond Monte Carlo noise', () => {
    expect(fits).toHaveLength(4);
    for (const f of fits) {
      expect(f.elbo).toBeLessThan(f.logZ + 4 * f.elboStdErr + 1e-3);
      expect(f.gap).toBeGreaterThan(-4 * f.elboStdErr - 1e-3);
      expect(f.gap).toBeCloseTo(f.logZ - f.elbo, 10);
    }
  });

  it('prints a table of ELBO, log Z and gap per target and family', () => {
    const rows = lines.filter((l) =>
      /^(Correlated Gaussian|Banana) +(diagonal|full covariance) +-?\d/.test(l),
    );
    expect(rows).toHaveLength(4);
    expect(lines.some((l) => l.includes('step 150/150'))).toBe(true);
  });

  it('writes a PNG picture with the target heatmap and the orange q ellipses', async () => {
    const image = PNG.sync.read(await readFile(picture));
    expect(image.width).toBeGreaterThan(1000);
    expect(image.height).toBeGreaterThan(1000);
    let orange = 0;
    let blue = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
      if (r > 180 && g < 110 && b < 60) orange++;
      if (b > 100 && r < 60) blue++;
    }
    expect(orange).toBeGreaterThan(1000);
    expect(blue).toBeGreaterThan(10_000);
  });

  it('the score-function-free (stl) and the total-derivative estimators both converge', () => {
    const f = fitGaussianVI(correlatedGaussian(), 'full', {
      ...FAST,
      steps: 200,
      estimator: 'total',
      seed: 3,
    });
    expect(Math.abs(f.gap)).toBeLessThan(0.05);
  });

  it('keeps the number of tensors flat across steps and frees everything at the end', async () => {
    for (const family of ['diagonal', 'full'] as const)
      await assertNoLeaks(() => {
        const f = fitGaussianVI(banana(), family, { steps: 20, evalSamples: 1000 });
        expect(f.numTensors).toHaveLength(19);
        expect(new Set(f.numTensors).size).toBe(1);
      }, `fitGaussianVI(${family})`);
  });

  it.each<[string, FitOptions, RegExp]>([
    ['zero steps', { steps: 0 }, /option 'steps'/],
    ['fractional samples', { samples: 2.5 }, /option 'samples'/],
    ['a negative learning rate', { lr: -1 }, /option 'lr'/],
    ['no evaluation draws', { evalSamples: 0 }, /option 'evalSamples'/],
  ])('rejects %s, naming the option', (_, options, message) => {
    expect(() => fitGaussianVI(banana(), 'full', options)).toThrow(message);
  });
});
