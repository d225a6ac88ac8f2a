import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { loadDataset } from '../../data/registry.js';
import { head } from '../../data/dataset.js';
import { sampleToy2d } from '../../data/toy2d.js';
import { resolveCycleGanConfig } from './config.js';
import { evaluateCycleGan } from './evaluate.js';
import { CYCLEGAN_BANK_SIZE, CycleGanModel, estimateCycleGanParameters } from './model.js';
import { cycleGanSamples } from './samples.js';

const small = { hidden: [32, 32], discriminatorHidden: [32, 32], generatorLr: 2e-3, discriminatorLr: 2e-3 };

describe('CycleGanModel', () => {
  it('counts its parameters as the estimate does, the bank aside', () => {
    for (const config of [
      resolveCycleGanConfig({ inputShape: [2], target: 'moons', ...small }),
      resolveCycleGanConfig({ inputShape: [28, 28, 1], hidden: [16], discriminatorHidden: [8, 4] }),
    ]) {
      const model = new CycleGanModel(config);
      expect(model.numParameters()).toBe(estimateCycleGanParameters(config));
      model.dispose();
    }
  });

  it('on 2-D data, a short training lowers the cycle error and raises log p_B(G(a))', () => {
    const model = new CycleGanModel(
      resolveCycleGanConfig({ inputShape: [2], source: 'ring8', target: '8gaussians', seed: 1, ...small }),
    );
    const test = loadDataset('ring8').test!;
    const before = evaluateCycleGan(model, test, { seed: 5 });
    const m = 128;
    for (let step = 0; step < 400; step++) {
      const [a, b] = [
        tf.tensor2d(sampleToy2d('ring8', m, deriveSeed(2, 'a', step)), [m, 2]),
        tf.tensor2d(sampleToy2d('8gaussians', m, deriveSeed(2, 'b', step)), [m, 2]),
      ];
      model.trainStep(a, b);
      tf.dispose([a, b]);
    }
    const after = evaluateCycleGan(model, test, { seed: 5 });
    expect(after.cycle_error_a as number).toBeLessThan(0.5 * (before.cycle_error_a as number));
    expect(after.cycle_error_b as number).toBeLessThan(0.5 * (before.cycle_error_b as number));
    expect(after.logp_ab as number).toBeGreaterThan((before.logp_ab as number) + 1);
    // G(a) lands on B's modes (none at first; 7 of the 8 after these 400 steps, 97% of the points within 3 std).
    expect(before.modes_covered_ab).toBe(0);
    expect(after.modes_covered_ab as number).toBeGreaterThanOrEqual(6);
    expect(after.high_quality_frac_ab as number).toBeGreaterThan(0.9);
    model.dispose();
  }, 60_000);

  it('on images, banks the first B examples it trains on, and samples translate them', () => {
    const model = new CycleGanModel(
      resolveCycleGanConfig({ inputShape: [28, 28, 1], hidden: [8], discriminatorHidden: [8] }),
    );
    expect(() => cycleGanSamples(model, 4, { seed: 0 })).toThrow(/train it first/);
    const train = head(loadDataset('mnist').train, 700);
    const rows = (from: number, to: number) =>
      tf.tensor2d(Float32Array.from(train.values.subarray(from * 784, to * 784)), [to - from, 784]);
    const b1 = rows(0, 600);
    const b2 = rows(100, 700);
    model.trainStep(b1, b1);
    expect(model.banked).toBe(600);
    model.trainStep(b2, b2);
    expect(model.banked).toBe(CYCLEGAN_BANK_SIZE);
    const bank = model.bankRows(CYCLEGAN_BANK_SIZE);
    const expected = tf.concat([b1, tf.slice(b2, [0, 0], [CYCLEGAN_BANK_SIZE - 600, 784])]);
    expect(Array.from(bank.dataSync())).toEqual(Array.from(expected.dataSync()));
    model.trainStep(b1, b1);
    expect(model.banked).toBe(CYCLEGAN_BANK_SIZE);

    const drawn = cycleGanSamples(model, 5, { seed: 3 });
    expect(drawn).toMatchObject({ kind: 'image', shape: [28, 28, 1], n: 5, labels: null });
    expect(Array.from(cycleGanSamples(model, 5, { seed: 3 }).values)).toEqual(Array.from(drawn.values));
    expect(Array.from(cycleGanSamples(model, 5, { seed: 4 }).values)).not.toEqual(Array.from(drawn.values));
    // Each sample is F of a banked row: the translations of the whole bank hold all five.
    const all = tf.tidy(() => model.translate('ba', model.bankRows(CYCLEGAN_BANK_SIZE)).arraySync());
    const key = (row: ArrayLike<number>) => Array.from(row, (v) => v.toFixed(5)).join();
    const translations = new Set(all.map(key));
    for (let i = 0; i < 5; i++)
      expect(translations.has(key(drawn.values.subarray(i * 784, (i + 1) * 784)))).toBe(true);
    expect(() => cycleGanSamples(model, 2, { seed: 0, labels: [1, 2] })).toThrow(/labels/);
    tf.dispose([b1, b2, bank, expected]);
    model.dispose();
  });

  it('on 2-D data, samples are F of fresh draws of the target density', () => {
    const model = new CycleGanModel(resolveCycleGanConfig({ inputShape: [2], target: 'moons', ...small }));
    const drawn = cycleGanSamples(model, 50, { seed: 8 });
    expect(drawn).toMatchObject({ kind: 'vector', shape: [2], n: 50 });
    expect(Array.from(cycleGanSamples(model, 50, { seed: 9 }).values)).not.toEqual(Array.from(drawn.values));
    model.dispose();
  });

  it('updates both optimizers once per step and keeps the tensor count flat', () => {
    const model = new CycleGanModel(resolveCycleGanConfig({ inputShape: [2], target: 'moons', ...small }));
    const [a, b] = [
      tf.randomNormal([16, 2], 0, 1, 'float32', 1),
      tf.randomNormal([12, 2], 0, 1, 'float32', 2),
    ];
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const parts = model.trainStep(a as tf.Tensor2D, b as tf.Tensor2D);
      expect(Object.keys(parts).sort()).toEqual(['adversarial', 'cycle', 'd_loss', 'loss']);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect([model.generatorOptimizer.step, model.discriminatorOptimizer.step]).toEqual([3, 3]);
    tf.dispose([a, b]);
    model.dispose();
  });
});
