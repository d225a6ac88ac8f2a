import { describe, expect, it } from 'vitest';
import { vectorDataset } from '../src/data/dataset.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import { MIXTURE_POINTS, MixtureSteps, type MixtureFitSetup } from './mixture-fit.js';

/** The panel's fit of `density`'s points. */
const fit = (density: string, setup: MixtureFitSetup) =>
  new MixtureSteps(setup, toy2dDataset(density, { ...MIXTURE_POINTS, seed: setup.seed }).train);

/** Each row of an n x k matrix summed. */
const rowSums = (r: Float32Array, k: number) =>
  Array.from({ length: r.length / k }, (_, i) => r.subarray(i * k, (i + 1) * k).reduce((a, v) => a + v, 0));

describe("the EM panel's fit", () => {
  it("EM: every iteration's responsibilities are the posterior under that iteration's parameters", () => {
    const steps = fit('8gaussians', { seed: 1, components: 8, mixture: 'em' });
    const k = 8;
    const n = steps.data.length / 2;
    expect(steps.iterations.length).toBeGreaterThan(5);
    for (const t of [0, 1, 3, steps.iterations.length - 1]) {
      const frame = steps.frame(t);
      expect(frame.iteration).toBe(t);
      expect(frame.active).toBeNull();
      expect(frame.responsibilities).toHaveLength(n * k);
      expect(Math.max(...rowSums(frame.responsibilities, k).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
      // r_ij = pi_j N(x_i; mu_j, Sigma_j) / sum_l pi_l N(x_i; mu_l, Sigma_l), written out for 2 x 2 covariances.
      const { weights, means, covariances, data } = frame;
      for (const i of [0, 17, 1234]) {
        const [x, y] = [data[2 * i], data[2 * i + 1]];
        const joint = Array.from({ length: k }, (_, j) => {
          const [a, b, , d] = covariances.subarray(4 * j, 4 * j + 4);
          const det = a * d - b * b;
          const [u, v] = [x - means[2 * j], y - means[2 * j + 1]];
          const quad = (d * u * u - 2 * b * u * v + a * v * v) / det;
          return (weights[j] * Math.exp(-0.5 * quad)) / (2 * Math.PI * Math.sqrt(det));
        });
        const total = joint.reduce((s, v) => s + v, 0);
        expect(frame.responsibilities.subarray(i * k, (i + 1) * k)).toBeAllClose(
          joint.map((v) => v / total),
          { atol: 1e-6 },
        );
      }
    }
    // EM moves the responsibilities: the first and last iterations colour the points differently.
    expect(steps.frame(0).responsibilities).not.toEqual(
      steps.frame(steps.iterations.length - 1).responsibilities,
    );
  });

  it('steps one iteration at a time and stops at the last, which converged', () => {
    const steps = fit('ring8', { seed: 0, components: 8, mixture: 'em' });
    let shown = 0;
    while (steps.next()) expect(steps.shown).toBe(++shown);
    expect(shown).toBe(steps.iterations.length - 1);
    const last = steps.frame();
    expect(last.iteration).toBe(last.iterations);
    expect(last.converged).toBe(true);
    const bounds = steps.iterations.slice(1).map((s) => s.lowerBound);
    bounds.slice(1).forEach((b, t) => expect(b).toBeGreaterThanOrEqual(bounds[t] - 1e-9));
  });

  it('variational Bayes with k = 20 on the ring of 8 prunes the components it does not need', () => {
    const steps = fit('ring8', { seed: 0, components: 20, mixture: 'bayesian' });
    const first = steps.frame(0);
    const last = steps.frame(steps.iterations.length - 1);
    expect(last.converged).toBe(true);
    expect(first.active).toHaveLength(20);
    // Measured: 8 components stay in use, one per mode, after 10 iterations.
    expect(last.active).toHaveLength(8);
    const k = 20;
    expect(Math.max(...rowSums(last.responsibilities, k).map((s) => Math.abs(s - 1)))).toBeLessThan(1e-5);
    // A pruned component holds almost none of the points, and its expected weight is below the threshold.
    for (let j = 0; j < k; j++) {
      if (last.active!.includes(j)) continue;
      expect(last.weights[j]).toBeLessThanOrEqual(0.01);
      let mass = 0;
      for (let i = 0; i < last.data.length / 2; i++) mass += last.responsibilities[i * k + j];
      expect(mass).toBeLessThan(0.01 * 2000);
    }
    const bounds = steps.iterations.slice(1).map((s) => s.lowerBound);
    bounds.slice(1).forEach((b, t) => expect(b).toBeGreaterThanOrEqual(bounds[t] - 1e-6 * Math.abs(b)));
  });

  it('refuses points that are not in the plane, naming the argument', () => {
    const table = vectorDataset('table', new Float32Array(30), 3);
    expect(() => new MixtureSteps({ seed: 0, components: 2, mixture: 'em' }, table)).toThrow(
      /argument 'train' must hold 2-D points, got shape \[3\]/,
    );
  });
});
