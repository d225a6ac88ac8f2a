import { describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { vectorDataset } from '../src/data/dataset.js';
import { resolveFlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { FlowModel } from '../src/families/flow/model.js';
import { trainSteps } from '../src/train/trainer.js';
import { drawnSplit } from './data.js';
import { FlowRun } from './flow-run.js';
import { DEFAULT_SETUP } from './url.js';

describe('FlowRun, the flow panel’s run', () => {
  it('trains exactly as the shared trainer does: the flow family’s steps on its batches, and the held-out loss falls', async () => {
    // 5000 training points in batches of 1024: five batches an epoch, the last of 904 (the trainer keeps it).
    const setup = { ...DEFAULT_SETUP, seed: 2, layers: 2, hidden: 16, batchSize: 1024 };
    const run = new FlowRun(setup);
    // The same flow trained by the command line's trainer: flowFamily.trainStep on trainSteps's batches and seeds.
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
      expect(untrained).toBe(-(flowFamily.evaluate(twin, run.test!, { seed: 0 }).loglik as number));
      // Two epochs and one step of the third.
      expect(run.batchesPerEpoch).toBe(5);
      const steps = 2 * run.batchesPerEpoch + 1;
      const losses = Array.from({ length: steps }, () => run.trainOne());
      const expected: number[] = [];
      await trainSteps(
        run.train,
        (batch, context) => {
          const parts = flowFamily.trainStep(twin, batch, context);
          expected.push(parts.loss);
          return parts;
        },
        { steps, batchSize: 1024, seed: 2 },
      );
      expect(run.step).toBe(steps);
      expect(run.epoch).toBe(3);
      expect(losses).toEqual(expected);
      // -mean log q(x) in nats per point: minus the flow family's held-out log-likelihood.
      const heldOut = run.heldOut()!;
      expect(heldOut).toBe(-(flowFamily.evaluate(twin, run.test!, { seed: 0 }).loglik as number));
      expect(heldOut).toBeLessThan(untrained);
    } finally {
      run.dispose();
      twin.dispose();
    }
  });

  it('caps the batch at the points there are, and has no held-out loss on a table', () => {
    const values = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i));
    const drawn = new FlowRun({ ...DEFAULT_SETUP, layers: 2, hidden: 8 }, drawnSplit(values, 0));
    const table = new FlowRun(
      { ...DEFAULT_SETUP, layers: 2, hidden: 8, batchSize: 16 },
      { name: 'points.csv', train: vectorDataset('points.csv', values, 2), test: null },
    );
    try {
      // 30 points drawn, 3 held out: batches of all 27.
      expect([drawn.batchSize, drawn.batchesPerEpoch]).toEqual([27, 1]);
      drawn.trainOne();
      expect(drawn.epoch).toBe(1);
      expect(drawn.heldOut()).toBeTypeOf('number');
      expect([table.batchSize, table.batchesPerEpoch]).toEqual([16, 2]);
      expect(table.trainOne()).toBeTypeOf('number');
      expect(table.heldOut()).toBeNull();
    } finally {
      drawn.dispose();
      table.dispose();
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
