import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { realNVP, type FlowModel } from '../src/families/flow/model.js';
import { EXTENT, flowFrame, GRID, gridCentres, trueLogDensity } from './flow-frame.js';

/** The standard deviation of every coordinate of interleaved 2-D points, pooled. */
function pooledStd(points: Float32Array): number {
  const mean = points.reduce((s, v) => s + v, 0) / points.length;
  return Math.sqrt(points.reduce((s, v) => s + (v - mean) ** 2, 0) / points.length);
}

describe("the flow panel's frame", () => {
  // A new RealNVP flow is the identity (its couplings' output layers start at zero): q = N(0, I).
  let flow: FlowModel;
  beforeAll(() => {
    flow = realNVP({ inputShape: [2], layers: 4, hidden: [16, 16], seed: 3 });
  });
  afterAll(() => flow.dispose());

  it('lays the grid out row by row from the top left, as the canvas draws it', () => {
    const centres = gridCentres();
    const cell = (2 * EXTENT) / GRID;
    expect(Array.from(centres.subarray(0, 4))).toEqual([
      -EXTENT + cell / 2,
      EXTENT - cell / 2,
      -EXTENT + 1.5 * cell,
      EXTENT - cell / 2,
    ]);
    expect(Array.from(centres.subarray(-2))).toEqual([EXTENT - cell / 2, -EXTENT + cell / 2]);
  });

  it('holds log q(x) on the grid, samples at its temperature, the true density and the layers, leaking nothing', () => {
    const data = Float32Array.of(0, 0, 1, 1);
    const truth = trueLogDensity('ring8')!;
    const before = tf.memory().numTensors;
    const cold = flowFrame(flow, { data, truth, temperature: 0.3, seed: 5 });
    const warm = flowFrame(flow, { data, truth, temperature: 1, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    // log N(x; 0, I) at the cell centres: the identity flow's density.
    const centres = gridCentres();
    const normal = Array.from({ length: GRID * GRID }, (_, c) => {
      const [x, y] = [centres[2 * c], centres[2 * c + 1]];
      return -Math.log(2 * Math.PI) - (x * x + y * y) / 2;
    });
    expect(warm.logDensity).toBeAllClose(normal, { atol: 1e-4 });
    // z ~ N(0, T^2 I) through the identity: a standard deviation of T (500 draws: within 10%).
    expect(pooledStd(cold.samples)).toBeGreaterThan(0.27);
    expect(pooledStd(cold.samples)).toBeLessThan(0.33);
    expect(pooledStd(warm.samples)).toBeGreaterThan(0.9);
    expect(pooledStd(warm.samples)).toBeLessThan(1.1);
    expect(warm.layers.titles).toEqual(['z', 'after layer 1', 'after layer 2', 'after layer 3', 'x']);
  });

  it('places the true density at the cells the canvas draws: a mode bright, the top-left corner dark', () => {
    const truth = trueLogDensity('8gaussians')!;
    // Top row, left to right: the picture's first cells are the square's top-left corner, far from every mode.
    const mode = Math.round(((4 - 0) / 8) * GRID - 0.5) * GRID + Math.round(((2.83 + 4) / 8) * GRID - 0.5);
    expect(truth[mode]).toBeGreaterThan(truth[0] + 10);
  });
});
