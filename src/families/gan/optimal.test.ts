// The optimal discriminator of the GAN family: with a flow generator (exact q) on a toy density (exact p), a
// discriminator trained against the fixed generator approaches D* = p / (p + q), and the held-out Monte Carlo
// estimates of evaluate.ts agree with quadrature on a grid.
import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { sampleToy2d, toy2dDataset, toy2dLogDensity } from '../../data/toy2d.js';
import {
  discriminatorDistance,
  discriminatorValue,
  optimalDiscriminator,
} from '../../metrics/optimal-discriminator.js';
import { resolveGanConfig } from './config.js';
import { ganOptimalDiscriminator } from './evaluate.js';
import { GanModel } from './model.js';

const DENSITY = '8gaussians';
const RANGE: [number, number] = [-5, 5];

/** A GAN whose generator is a 4-layer RealNVP, which the test never trains: q is fixed and exact. */
function flowGan(): GanModel {
  return new GanModel(
    resolveGanConfig({
      inputShape: [2],
      generator: 'flow',
      flowLayers: 4,
      generatorHidden: [16, 16],
      discriminatorHidden: [64, 64],
      discriminatorLr: 2e-3,
      density: DENSITY,
      seed: 2,
    }),
  );
}

/** The grid of p (the toy density) against the flow's q. */
function grid(gan: GanModel) {
  const logQ = (points: Float64Array) => {
    const lq = tf.tidy(() =>
      gan.generator.logProb!(tf.tensor2d(Float32Array.from(points), [points.length / 2, 2])),
    );
    const out = Float64Array.from(lq.dataSync());
    lq.dispose();
    return out;
  };
  return optimalDiscriminator({ logP: toy2dLogDensity(DENSITY)!, logQ, range: RANGE, resolution: 160 });
}

function logitsAt(gan: GanModel, points: Float64Array): Float64Array {
  const d = tf.tidy(() => gan.logits(tf.tensor2d(Float32Array.from(points), [points.length / 2, 2])));
  const out = Float64Array.from(d.dataSync());
  d.dispose();
  return out;
}

describe('the optimal discriminator with a flow generator', () => {
  it('a discriminator trained against a fixed flow generator comes within 0.05 of D* under (p + q) / 2', () => {
    const gan = flowGan();
    try {
      const g = grid(gan);
      // Both masses inside the grid, so the quadrature sees the whole of both densities.
      expect(g.massP).toBeGreaterThan(0.999);
      expect(g.massQ).toBeGreaterThan(0.99);
      const before = discriminatorDistance(g, logitsAt(gan, g.points), { logits: true });
      for (let step = 0; step < 1500; step++) {
        const x = tf.tensor2d(sampleToy2d(DENSITY, 256, 1000 + step), [256, 2]);
        gan.discriminatorStep(x, step);
        x.dispose();
      }
      const d = logitsAt(gan, g.points);
      const after = discriminatorDistance(g, d, { logits: true });
      expect(before).toBeGreaterThan(0.1);
      expect(after).toBeLessThan(0.05);
      // The learned D's value is below the optimum's, -log 4 + 2 JSD, and close to it.
      const optimum = -Math.log(4) + 2 * g.jsd;
      expect(discriminatorValue(g, g.dStarLogit, { logits: true })).toBeCloseTo(optimum, 3);
      const value = discriminatorValue(g, d, { logits: true });
      expect(value).toBeLessThanOrEqual(optimum + 1e-9);
      expect(value).toBeGreaterThan(optimum - 0.05);
    } finally {
      gan.dispose();
    }
  }, 60_000);

  it("evaluate's Monte Carlo estimates agree with quadrature on the grid", () => {
    const gan = flowGan();
    try {
      for (let step = 0; step < 200; step++) {
        const x = tf.tensor2d(sampleToy2d(DENSITY, 256, step), [256, 2]);
        gan.discriminatorStep(x, step);
        x.dispose();
      }
      const g = grid(gan);
      const d = logitsAt(gan, g.points);
      const mc = ganOptimalDiscriminator(
        gan,
        toy2dDataset(DENSITY, { trainSize: 10, testSize: 10000 }).test,
        3,
      )!;
      // 10,000 points on each side: standard errors of about 0.003 on these.
      expect(mc.jsd as number).toBeCloseTo(g.jsd, 1);
      expect(Math.abs((mc.jsd as number) - g.jsd)).toBeLessThan(0.015);
      expect(mc.value_optimal).toBeCloseTo(-Math.log(4) + 2 * (mc.jsd as number), 12);
      expect(Math.abs((mc.value as number) - discriminatorValue(g, d, { logits: true }))).toBeLessThan(0.03);
      expect(
        Math.abs((mc.d_star_distance as number) - discriminatorDistance(g, d, { logits: true })),
      ).toBeLessThan(0.015);
    } finally {
      gan.dispose();
    }
  }, 60_000);

  it('gives nothing without an exact generator density', () => {
    const gan = new GanModel(resolveGanConfig({ inputShape: [2], generatorHidden: [8], density: DENSITY }));
    try {
      expect(
        ganOptimalDiscriminator(gan, toy2dDataset(DENSITY, { trainSize: 10, testSize: 100 }).test, 0),
      ).toBe(null);
    } finally {
      gan.dispose();
    }
  });
});
