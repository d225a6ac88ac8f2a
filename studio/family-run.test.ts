import { describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import { vaeFamily } from '../src/families/vae/index.js';
import { resolveOptions } from '../src/train/options.js';
import { optionsOf } from '../src/train/run-options.js';
import { trainSteps } from '../src/train/trainer.js';
import { FamilyRun } from './family-run.js';

const moons = () => {
  const split = toy2dDataset('moons', { trainSize: 512, testSize: 256, seed: 0 });
  return { ...split, name: 'moons' };
};

describe('FamilyRun, the studio’s run of a step family', () => {
  it('trains exactly as the shared trainer does: the same batches, step seeds and so the same model', async () => {
    const split = moons();
    const run = new FamilyRun(
      { family: 'vae', kind: 'vae', seed: 3, options: { latent: '2', hidden: '16', batchSize: '64' } },
      split,
    );
    for (let i = 0; i < 2 * run.batchesPerEpoch; i++) run.trainOne();
    const { values } = resolveOptions(
      optionsOf(vaeFamily),
      {
        data: { value: 'moons', source: 'code' },
        seed: { value: 3, source: 'code' },
        latent: { value: 2, source: 'code' },
        hidden: { value: [16], source: 'code' },
        batchSize: { value: 64, source: 'code' },
      },
      { kind: 'vae', data: 'vector' },
    );
    const model = vaeFamily.create(vaeFamily.resolveConfig('vae', values, split.train));
    await trainSteps(split.train, (batch, context) => vaeFamily.trainStep(model, batch, context), {
      epochs: 2,
      batchSize: 64,
      seed: 3,
    });
    const options = { seed: 11 };
    expect(run.family.evaluate(run.model, split.test, options)).toEqual(
      vaeFamily.evaluate(model, split.test, options),
    );
    run.dispose();
    model.dispose();
  });

  it('keeps the tensor count flat over steps, evaluations and pictures', async () => {
    const run = new FamilyRun({ family: 'gan', kind: 'gan', seed: 0, options: { batchSize: '64' } }, moons());
    run.trainOne();
    run.evaluate();
    await run.pictures();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) run.trainOne();
    run.evaluate();
    await run.pictures();
    expect(tf.memory().numTensors).toBe(before);
    run.dispose();
  });

  it('records the mean step results and the held-out metrics of each view, as the epoch records do', () => {
    const run = new FamilyRun(
      { family: 'vae', kind: 'vae', seed: 0, options: { latent: '2', hidden: '8', batchSize: '128' } },
      moons(),
    );
    const parts = [run.trainOne(), run.trainOne()];
    const metrics = run.evaluate();
    const record = run.history.at(-1)!;
    expect(record.step).toBe(2);
    expect(record.epoch).toBe(0.5);
    expect(record.loss).toBeCloseTo((parts[0].loss + parts[1].loss) / 2, 10);
    expect(record.test_elbo).toBe(metrics.elbo);
    run.dispose();
  });

  it.each([
    [{ latent: 'two' }, /^'latent' must be a positive integer at most 4096, got 'two'$/],
    [{ depth: '3' }, /^'depth' is not an option of vae here$/],
  ])('refuses the options %o with the command line’s message', (options, message) => {
    expect(() => new FamilyRun({ family: 'vae', kind: 'vae', seed: 0, options }, moons())).toThrow(message);
  });

  it('refuses a kind of another family, naming the kinds it has', () => {
    expect(() => new FamilyRun({ family: 'vae', kind: 'gan', seed: 0, options: {} }, moons())).toThrow(
      /^'kind' must be one of vae, .*, got 'gan'$/,
    );
  });
});
