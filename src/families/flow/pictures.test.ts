import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { Random } from '../../engine/random.js';
import { makeGridLines } from '../../plot/density2d.js';
import { realNVP, type FlowModel } from './model.js';
import { layerStages } from './pictures.js';

/** A RealNVP flow whose parameters are all random (a new one is the identity: its output layers start at zero). */
function randomFlow(layers: number): FlowModel {
  const flow = realNVP({ inputShape: [2], layers, hidden: [8], seed: 4 });
  const random = new Random(11);
  for (const v of flow.parameters().values())
    v.assign(
      tf.tensor(
        Float32Array.from({ length: v.size }, () => 0.5 * random.normal()),
        v.shape,
      ),
    );
  return flow;
}

describe('layerStages', () => {
  let flow: FlowModel | undefined;
  afterEach(() => flow?.dispose());

  it('keeps z, x and every second layer of eight, each the grid after that many bijectors', () => {
    flow = randomFlow(8);
    const { stages, indices, titles, lines } = layerStages(flow, { lines: 5, pointsPerLine: 7 });
    expect(indices).toEqual([0, 2, 4, 6, 8]);
    expect(titles).toEqual(['z', 'after layer 2', 'after layer 4', 'after layer 6', 'x']);
    expect(lines).toBe(5);
    const z = makeGridLines([-2.5, 2.5], 5, 7);
    expect(stages[0]).toEqual(z);
    // Stage i is the first i bijectors of the chain applied in turn; the last is the whole flow, x = f(z).
    const expected = tf.tidy(() => {
      let value: tf.Tensor = tf.tensor2d(z, [z.length / 2, 2]);
      const out: Float32Array[] = [];
      flow!.flow.bijectors.forEach((b, i) => {
        value = b.forward(value);
        if (indices.includes(i + 1)) out.push(value.dataSync() as Float32Array);
      });
      return out;
    });
    stages.slice(1).forEach((stage, s) => expect(stage).toBeAllClose(expected[s], { atol: 1e-5 }));
    const x = tf.tidy(() => flow!.forward(tf.tensor2d(z, [z.length / 2, 2])).dataSync() as Float32Array);
    expect(stages.at(-1)).toBeAllClose(x, { atol: 1e-5 });
    // The random flow moves the grid: a check that would fail if every stage were z.
    expect(Math.max(...stages[4].map((v, e) => Math.abs(v - z[e])))).toBeGreaterThan(0.1);
  });

  it('keeps every stage of a short flow, and leaks no tensor', () => {
    flow = randomFlow(3);
    const before = tf.memory().numTensors;
    const { indices, titles, stages } = layerStages(flow);
    expect(tf.memory().numTensors).toBe(before);
    expect(indices).toEqual([0, 1, 2, 3]);
    expect(titles).toEqual(['z', 'after layer 1', 'after layer 2', 'x']);
    expect(stages.every((s) => s.length === 2 * 2 * 15 * 60)).toBe(true);
  });

  it('refuses what it cannot draw, naming the argument', () => {
    flow = realNVP({ inputShape: [3], layers: 2, hidden: [4] });
    expect(() => layerStages(flow!)).toThrow(
      /argument 'model' must be a flow on 2-D points, got inputShape \[3\]/,
    );
    flow.dispose();
    flow = randomFlow(2);
    expect(() => layerStages(flow!, { panels: 1 })).toThrow(/option 'panels' must be an integer >= 2, got 1/);
  });
});
