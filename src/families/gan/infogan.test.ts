import { describe, expect, it } from 'vitest';
import { changed, snapshot } from '../../../test/helpers.js';
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { vectorDataset, type Dataset } from '../../data/dataset.js';
import { toy2dDataset, toy2dModes } from '../../data/toy2d.js';
import { OptionError, resolveOptions } from '../../train/options.js';
import { optionsOf } from '../../train/run-options.js';
import { cli } from '../../../test/cli.js';
import { resolveGanConfig, type GanConfig } from './config.js';
import { assignedAccuracy, evaluateGan, ganQAccuracy, predictedCodes } from './evaluate.js';
import { ganFamily } from './index.js';
import { GanModel } from './model.js';
import { ganSamples } from './samples.js';

function makeInfoGan(options: Partial<GanConfig> = {}): GanModel {
  return new GanModel(
    resolveGanConfig({
      kind: 'infogan',
      inputShape: [2],
      generatorHidden: [8],
      discriminatorHidden: [8],
      categories: 4,
      seed: 5,
      ...options,
    }),
  );
}

const read = (t: tf.Tensor) => {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
};

describe('InfoGAN configuration', () => {
  it("takes the paper's sizes on images and leaves the gan kind's defaults alone", () => {
    const info = resolveGanConfig({ kind: 'infogan', inputShape: [28, 28, 1] });
    expect(info).toMatchObject({
      kind: 'infogan',
      latent: 62,
      categories: 10,
      continuousCodes: 2,
      infoCategorical: 1,
      infoContinuous: 0.1,
      generator: 'conv',
    });
    expect(resolveGanConfig({ kind: 'infogan', inputShape: [2] })).toMatchObject({
      latent: 2,
      generator: 'mlp',
    });
    const plain = resolveGanConfig({ inputShape: [28, 28, 1] });
    expect(plain).toMatchObject({ kind: 'gan', latent: 64, categories: 0, continuousCodes: 0 });
    expect(plain.infoCategorical).toBe(0);
    expect(plain.infoContinuous).toBe(0);
  });

  it('a plain GAN written before InfoGAN (no code fields) keeps its parameter names and shapes', () => {
    const old = { kind: 'gan', inputShape: [2], generatorHidden: [8], discriminatorHidden: [8], seed: 1 };
    const gan = new GanModel(resolveGanConfig(old as Partial<GanConfig> & { inputShape: number[] }));
    expect([...gan.parameters()].map(([k, v]) => `${k} [${v.shape.join(', ')}]`)).toEqual([
      'generator.net.hidden0.kernel [2, 8]',
      'generator.net.hidden0.bias [8]',
      'generator.net.output.kernel [8, 2]',
      'generator.net.output.bias [2]',
      'discriminator.net.hidden0.kernel [2, 8]',
      'discriminator.net.hidden0.bias [8]',
      'discriminator.net.output.kernel [8, 1]',
      'discriminator.net.output.bias [1]',
    ]);
    expect(gan.discriminator.q).toBeNull();
    gan.dispose();
  });

  it.each([
    ['categories below 2', { categories: 1 }, 'categories', /must be an integer >= 2/],
    ['a negative categorical weight', { infoCategorical: -1 }, 'infoCategorical', /must be a number >= 0/],
    ['a negative continuous weight', { infoContinuous: -0.5 }, 'infoContinuous', /must be a number >= 0/],
    ['negative continuous codes', { continuousCodes: -1 }, 'continuousCodes', /must be an integer >= 0/],
    ['a flow generator', { generator: 'flow' as const }, 'generator', /cannot take InfoGAN's codes/],
  ])('refuses %s with an OptionError naming the option', (_name, bad, option, message) => {
    const attempt = () => resolveGanConfig({ kind: 'infogan', inputShape: [2], ...bad });
    expect(attempt).toThrow(OptionError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (e) {
      expect((e as OptionError).option).toBe(option);
    }
  });

  it("refuses InfoGAN's options for the gan kind, in code and on the command line", () => {
    expect(() => resolveGanConfig({ inputShape: [2], categories: 3 })).toThrow(
      /'categories' is an option of infogan/,
    );
    expect(() =>
      resolveOptions(
        optionsOf(ganFamily),
        { categories: { value: 3, source: 'flag' } },
        { kind: 'gan', data: 'vector' },
      ),
    ).toThrow(/is not an option of gan \(it is one of infogan\)/);
  });

  it.each([
    ['--categories', '1', /--categories/],
    ['--info-continuous', '-1', /--info-continuous/],
    ['--info-categorical', '-0.5', /--info-categorical/],
  ])('`train infogan %s %s` fails with one line naming the flag', async (flag, value, message) => {
    const { code, err } = await cli(['train', 'infogan', flag, value, '--out', '/nonexistent/infogan-bad']);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('InfoGAN networks and steps', () => {
  it("the Q head's parameters are the discriminator's: a discriminator step moves them, a generator step does not", () => {
    const gan = makeInfoGan();
    const names = [...gan.discriminatorParameters().keys()];
    expect(names.filter((k) => k.startsWith('discriminator.q.'))).toEqual([
      'discriminator.q.hidden.kernel',
      'discriminator.q.hidden.bias',
      'discriminator.q.logits.kernel',
      'discriminator.q.logits.bias',
      'discriminator.q.means.kernel',
      'discriminator.q.means.bias',
    ]);
    // Q's hidden layer is as wide as the body's features here (8 < 128), its outputs the K logits and 2 means.
    expect(gan.parameters().get('discriminator.q.hidden.kernel')!.shape).toEqual([8, 8]);
    expect(gan.parameters().get('discriminator.q.logits.kernel')!.shape).toEqual([8, 4]);
    expect(gan.parameters().get('discriminator.q.means.kernel')!.shape).toEqual([8, 2]);
    // The generator reads z (2), onehot(c) (4) and u (2).
    expect(gan.parameters().get('generator.net.hidden0.kernel')!.shape).toEqual([8, 8]);

    const x = tf.randomNormal<tf.Rank.R2>([16, 2], 0, 1, 'float32', 3);
    const d0 = snapshot(gan.discriminatorParameters());
    const all0 = snapshot(gan.state());
    expect(Object.keys(gan.discriminatorStep(x, 1))).toEqual(['loss']);
    expect(changed(d0, gan.discriminatorParameters()).sort()).toEqual([...d0.keys()].sort());
    expect(changed(all0, gan.state()).every((k) => k.startsWith('discriminator.'))).toBe(true);

    const all1 = snapshot(gan.state());
    const parts = gan.generatorStep(16, 2);
    expect(Object.keys(parts).sort()).toEqual(['g_loss', 'info_loss']);
    expect(changed(all1, gan.state()).every((k) => k.startsWith('generator.'))).toBe(true);
    tf.dispose(x);
    gan.dispose();
  });

  it('the generator step reports -L_I, which its loss includes, from Q on its own batch', () => {
    const gan = makeInfoGan({ infoCategorical: 0.5, infoContinuous: 2 });
    // What the step computes before its update, by hand from the same noise and codes.
    const { input, codes } = gan.generatorInput(16, deriveSeed(0, 'noise'));
    const expected = tf.tidy(() => {
      const q = gan.discriminator.q!.apply(gan.discriminator.features(gan.generator.apply(input)));
      const logQc = tf.mean(q.categorical.logProb(codes!.categorical));
      const logQu = tf.mean(q.continuous!.logProb(codes!.continuous!));
      return tf.neg(tf.add(tf.mul(logQc, 0.5), tf.mul(logQu, 2)));
    });
    tf.dispose([input, codes!.categorical, codes!.continuous!]);
    const parts = gan.generatorStep(16, 0);
    expect(parts.info_loss).toBeCloseTo(read(expected)[0], 5);
    expect(parts.g_loss).toBeGreaterThan(parts.info_loss);
    gan.dispose();
  });

  it('the trainStep of the family reports info_loss beside loss and g_loss', () => {
    const config = ganFamily.resolveConfig('infogan', { categories: 3, seed: 1 }, { shape: [2] } as Dataset);
    const gan = ganFamily.create(config);
    const x = tf.randomNormal<tf.Rank.R2>([8, 2], 0, 1, 'float32', 3);
    const parts = ganFamily.trainStep(gan, { x } as never, { step: 0, seed: 0 } as never);
    expect(Object.keys(parts).sort()).toEqual(['g_loss', 'info_loss', 'loss']);
    tf.dispose(x);
    gan.dispose();
  });
});

describe('InfoGAN codes and sampling', () => {
  it('the generator input is concat(z, onehot(c), u): z is the plain noise, u in [-1, 1], both seeded', () => {
    const gan = makeInfoGan({ categories: 3, continuousCodes: 2 });
    const n = 2000;
    const { input, codes } = gan.generatorInput(n, 7);
    const rows = input.arraySync();
    const z = gan.noise(n, 7).arraySync();
    const c = Array.from(codes!.categorical.dataSync());
    const u = codes!.continuous!.arraySync();
    rows.forEach((row, i) => {
      expect(row.slice(0, 2)).toEqual(z[i]);
      expect(row.slice(2, 5)).toEqual([0, 1, 2].map((k) => (k === c[i] ? 1 : 0)));
      expect(row.slice(5)).toEqual(u[i]);
    });
    // c ~ Cat(3) uniform: each value about n / 3 times (within 5 standard deviations); u ~ U(-1, 1).
    for (let k = 0; k < 3; k++)
      expect(Math.abs(c.filter((v) => v === k).length - n / 3)).toBeLessThan(5 * Math.sqrt((n * 2) / 9));
    const flat = u.flat();
    expect(Math.min(...flat)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...flat)).toBeLessThanOrEqual(1);
    expect(Math.abs(flat.reduce((a, b) => a + b, 0) / flat.length)).toBeLessThan(0.05);
    // The same seed draws the same codes; another seed others.
    const again = gan.generatorInput(n, 7);
    const other = gan.generatorInput(n, 8);
    expect(read(again.input)).toEqual(rows.flat());
    expect(read(other.input)).not.toEqual(rows.flat());
    tf.dispose([input, codes!.categorical, codes!.continuous!]);
    tf.dispose([
      again.codes!.categorical,
      again.codes!.continuous!,
      other.codes!.categorical,
      other.codes!.continuous!,
    ]);
    gan.dispose();
  });

  it('the categorical code changes the generated example; the same code and seed repeat it', () => {
    const gan = makeInfoGan();
    const n = 8;
    const asCode = (k: number) => read(gan.generate(n, 3, { labels: new Array<number>(n).fill(k) }));
    const [zero, one] = [asCode(0), asCode(1)];
    expect(asCode(0)).toEqual(zero);
    for (let i = 0; i < n; i++)
      expect(Math.hypot(zero[2 * i] - one[2 * i], zero[2 * i + 1] - one[2 * i + 1])).toBeGreaterThan(1e-4);
    gan.dispose();
  });

  it('sampling with labels passes them through: the samples carry them and are G(z, onehot(labels), u)', () => {
    const gan = makeInfoGan();
    const labels = [3, 0, 2, 2, 1, 0];
    const samples = ganSamples(gan, labels.length, { seed: 11, labels });
    expect(Array.from(samples.labels!)).toEqual(labels);
    expect(samples.numClasses).toBe(4);
    const { input } = gan.generatorInput(labels.length, 11, { labels });
    const onehot = input.arraySync().map((row) => row.slice(2, 6).indexOf(1));
    expect(onehot).toEqual(labels);
    const direct = read(tf.tidy(() => gan.generator.apply(input)));
    input.dispose();
    expect(Array.from(samples.values)).toEqual(direct);
    // Without labels the codes are drawn, and the samples carry those.
    const drawn = ganSamples(gan, 200, { seed: 11 });
    expect(new Set(drawn.labels).size).toBe(4);
    gan.dispose();
  });

  it.each([
    ['a label out of range', [0, 4], /must be integers in \[0, 4\), got 4 at index 1/],
    ['a fractional label', [0, 1.5], /must be integers in \[0, 4\), got 1.5 at index 1/],
    ['too few labels', [0], /one label per sample \(2\), got 1/],
  ])('refuses %s with an OptionError naming labels', (_name, labels, message) => {
    const gan = makeInfoGan();
    expect(() => ganSamples(gan, 2, { labels })).toThrow(OptionError);
    expect(() => ganSamples(gan, 2, { labels })).toThrow(message);
    gan.dispose();
  });

  it('a plain GAN refuses labels: it has no categorical code', () => {
    const gan = new GanModel(
      resolveGanConfig({ inputShape: [2], generatorHidden: [8], discriminatorHidden: [8] }),
    );
    let error: unknown;
    try {
      ganSamples(gan, 2, { labels: [0, 1] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).option).toBe('labels');
    expect((error as OptionError).message).toMatch(/has no categorical code/);
    expect(ganSamples(gan, 2, { seed: 0 }).labels).toBeNull();
    gan.dispose();
  });

  it('trained on ring8 with 8 categories, each code takes one mode of its own, and Q reads the codes back', () => {
    // 300 steps of 128 points: with seed 1, Q's accuracy on the model's samples is 1 and each code's samples sit on
    // one mode, a different mode for each code (0.72 and 0.88 of the samples with seeds 2 and 3).
    const gan = makeInfoGan({
      categories: 8,
      generatorHidden: [32, 32],
      discriminatorHidden: [32, 32],
      generatorLr: 2e-3,
      discriminatorLr: 2e-3,
      seed: 1,
    });
    const { train } = toy2dDataset('ring8', { trainSize: 4096, testSize: 10 });
    for (let s = 0; s < 300; s++) {
      const start = (s * 128) % 4096;
      const x = tf.tensor2d(Float32Array.from(train.values.subarray(2 * start, 2 * (start + 128))), [128, 2]);
      gan.discriminatorStep(x, s);
      gan.generatorStep(128, s);
      x.dispose();
    }
    const samples = ganSamples(gan, 2000, { seed: 5 });
    expect(assignedAccuracy(predictedCodes(gan, samples), samples.labels!, 8, 8)).toBeGreaterThan(0.95);
    const centres = toy2dModes('ring8')!.centres;
    const nearest = Int32Array.from({ length: samples.n }, (_, i) => {
      let best = 0;
      let bestDistance = Infinity;
      for (let m = 0; m < 8; m++) {
        const d = Math.hypot(
          samples.values[2 * i] - centres[2 * m],
          samples.values[2 * i + 1] - centres[2 * m + 1],
        );
        if (d < bestDistance) [best, bestDistance] = [m, d];
      }
      return best;
    });
    expect(assignedAccuracy(samples.labels!, nearest, 8, 8)).toBeGreaterThan(0.9);
    gan.dispose();
  }, 60_000);
});

describe('q_accuracy', () => {
  it('assignedAccuracy scores codes under the best one-to-one relabelling', () => {
    expect(assignedAccuracy([2, 2, 0, 1], [0, 0, 1, 2], 3, 3)).toBe(1);
    // Codes 0 and 1 both mostly mean class 0: only one of them can be assigned it.
    expect(assignedAccuracy([0, 0, 1, 1, 1], [0, 0, 0, 0, 1], 2, 2)).toBeCloseTo(3 / 5, 12);
    expect(() => assignedAccuracy([0], [0, 1], 2, 2)).toThrow(/of one length/);
  });

  it('of a hand-built Q: code 0 for x1 > 0, code 1 otherwise, on labels that are its codes swapped with 2 errors', () => {
    // Identity body (one linear hidden layer of width 2) and Q hidden layer; logits (x1, -x1).
    const gan = makeInfoGan({
      categories: 2,
      continuousCodes: 0,
      discriminatorHidden: [2],
      activation: 'linear',
    });
    const params = gan.parameters();
    const set = (name: string, values: number[][] | number[]) => params.get(name)!.assign(tf.tensor(values));
    set('discriminator.net.hidden0.kernel', [
      [1, 0],
      [0, 1],
    ]);
    set('discriminator.net.hidden0.bias', [0, 0]);
    set('discriminator.q.hidden.kernel', [
      [1, 0],
      [0, 1],
    ]);
    set('discriminator.q.hidden.bias', [0, 0]);
    set('discriminator.q.logits.kernel', [
      [1, -1],
      [0, 0],
    ]);
    set('discriminator.q.logits.bias', [0, 0]);
    const x1 = [-2, -1.5, -1, -0.5, -0.1, 0.1, 0.5, 1, 1.5, 2];
    const values = x1.flatMap((v, i) => [v, i % 3]);
    // Class 1 right of 0 and class 0 left of it, but for the points at 0.1 and -0.1.
    const labels = Int32Array.from(x1.map((v) => (Math.abs(v) === 0.1 ? (v > 0 ? 0 : 1) : v > 0 ? 1 : 0)));
    const data = vectorDataset('hand-built', Float32Array.from(values), 2, labels, 2);
    expect(Array.from(predictedCodes(gan, data))).toEqual(x1.map((v) => (v > 0 ? 0 : 1)));
    expect(ganQAccuracy(gan, data)).toBeCloseTo(0.8, 12);
    expect(evaluateGan(gan, data, { seed: 0 }).q_accuracy).toBeCloseTo(0.8, 12);
    // No labels, or not as many classes as categories: null.
    expect(ganQAccuracy(gan, { ...data, labels: null, numClasses: 0 })).toBeNull();
    expect(ganQAccuracy(gan, { ...data, numClasses: 3 })).toBeNull();
    gan.dispose();
  });

  it('a plain GAN reports no q_accuracy', () => {
    const gan = new GanModel(
      resolveGanConfig({ inputShape: [2], generatorHidden: [8], discriminatorHidden: [8] }),
    );
    const data = vectorDataset('points', Float32Array.from([0, 1, 1, 0]), 2);
    expect(evaluateGan(gan, data, { seed: 0 })).not.toHaveProperty('q_accuracy');
    gan.dispose();
  });
});
