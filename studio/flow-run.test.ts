import { describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { deriveSeed } from '../src/engine/random.js';
import { batches } from '../src/data/batches.js';
import { resolveFlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { FlowModel } from '../src/families/flow/model.js';
import { FlowRun } from './flow-run.js';
import { DEFAULT_SETUP } from './url.js';

describe('FlowRun, the flow panel’s run', () => {
  it('takes the flow family’s steps on the seeded batches of its epochs, and the held-out loss falls', () => {
    const setup = { ...DEFAULT_SETUP, seed: 2, layers: 2, hidden: 16, batchSize: 1000 };
    const run = new FlowRun(setup);
    // The same flow trained by hand: flowFamily.trainStep on batches(train, { epoch, dropLast }) in turn.
    const twin = new FlowModel(
      resolveFlowConfig('realnvp', {
        inputShape: [2],
        layers: 2,
        hidden: [16, 16],
        learningRate: 1e-3,
        seed: 2,
      }),
    );
    try {
      const untrained = run.heldOut()!;
      // 5000 training points in batches of 1000: two epochs and one step of the third.
      const steps = 2 * run.batchesPerEpoch + 1;
      const losses = Array.from({ length: steps }, () => run.trainOne());
      const expected: number[] = [];
      for (let epoch = 0, step = 0; step < steps; epoch++)
        for (const batch of batches(run.train, { batchSize: 1000, seed: 2, epoch, dropLast: true })) {
          if (step < steps) {
            const { loss } = flowFamily.trainStep(twin, batch, {
              epoch,
              batch: batch.index,
              step,
              progress: epoch + batch.index / run.batchesPerEpoch,
              seed: deriveSeed(2, 'step', step),
              batchesPerEpoch: run.batchesPerEpoch,
              datasetSize: run.train.n,
            });
            expected.push(loss);
            step += 1;
          }
          tf.dispose([batch.x, batch.labels ?? []]);
        }
      expect(run.step).toBe(steps);
      expect(run.epoch).toBe(3);
      expect(losses).toEqual(expected);
      expect(run.heldOut()!).toBeLessThan(untrained);
    } finally {
      run.dispose();
      twin.dispose();
    }
  });

  it('leaves no tensor behind: a step, and the run once disposed', () => {
    const before = tf.memory().numTensors;
    const run = new FlowRun({ ...DEFAULT_SETUP, layers: 2, hidden: 8 });
    run.trainOne();
    const afterOne = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) run.trainOne();
    run.heldOut();
    expect(tf.memory().numTensors).toBe(afterOne);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['nice', 'glow'] as const)('builds the %s architecture the URL names, which learns too', (arch) => {
    const run = new FlowRun({ ...DEFAULT_SETUP, arch, layers: 4, hidden: 32 });
    try {
      expect(run.flow.config.arch).toBe(arch);
      const untrained = run.heldOut()!;
      for (let i = 0; i < 100; i++) run.trainOne();
      expect(run.heldOut()!).toBeLessThan(untrained - 0.3);
    } finally {
      run.dispose();
    }
  });
});
