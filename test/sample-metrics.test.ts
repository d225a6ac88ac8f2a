/**
 * The sample metrics with the classifiers the package ships: what they say of real images (the test digits against
 * as many training digits come out near 0; damaged or collapsed sets far from it), `latentlab classifier`, and
 * `eval --sample-metrics` and `train --sample-metrics` on runs of any family.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, Random } from '../src/engine/random.js';
import { subset, type Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/registry.js';
import { FASHION_MNIST_SYSTEM_DIR } from '../src/data/fashion-mnist.js';
import {
  classifierAccuracy,
  type ClassifierInfo,
  type FeatureClassifier,
} from '../src/metrics/classifier.js';
import { classifierFor, readClassifier, shippedClassifierPath } from '../src/metrics/node.js';
import { sampleMetrics } from '../src/metrics/sample-metrics.js';
import { cli } from './cli.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-sample-metrics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `m` images of `data` drawn at random (seeded). */
function draw(data: Dataset, m: number, seed: number): Dataset {
  return subset(data, new Random(seed).permutation(data.n).slice(0, m));
}

/** `data` with every pixel mixed with uniform noise: `(1 - a) x + a u`. */
function noisy(data: Dataset, a: number, seed: number): Dataset {
  const rng = new Random(seed);
  return { ...data, values: data.values.map((x) => (1 - a) * x + a * rng.next()) };
}

describe('the shipped MNIST classifier', () => {
  const { train, test } = loadDataset('mnist');
  let classifier: FeatureClassifier;
  let info: ClassifierInfo;
  beforeAll(() => ({ classifier, info } = classifierFor('mnist')));
  afterAll(() => classifier.dispose());

  it('classifies the held-out digits and records how it was trained', () => {
    expect(info.data).toBe('mnist');
    const accuracy = classifierAccuracy(classifier, test!);
    expect(accuracy).toBeGreaterThan(0.96);
    expect(info.testAccuracy).toBeCloseTo(accuracy, 6);
  });

  it('scores the test digits against as many training digits near 0, and damaged or collapsed sets far from it', () => {
    const real = test!;
    const same = sampleMetrics(classifier, real, draw(train, real.n, 1));
    expect(same.sample_count).toBe(1000);
    // The floor of the estimate at 1000 samples (its upward bias): 19.5, 18.7 and 22.0 for three training subsets.
    expect(same.frechet_distance).toBeLessThan(30);
    expect(same.precision).toBeGreaterThan(0.7);
    expect(same.recall).toBeGreaterThan(0.7);
    expect(same.class_kl).toBeLessThan(0.02);

    const damaged = sampleMetrics(classifier, real, noisy(draw(train, real.n, 2), 0.5, 3));
    expect(damaged.frechet_distance).toBeGreaterThan(20 * same.frechet_distance);
    expect(damaged.precision).toBeLessThan(same.precision);

    // Two digits only, as a collapsed GAN might draw: the histogram's KL to uniform nears log 5, recall drops.
    const twoDigits = subset(
      train,
      Array.from({ length: train.n }, (_, i) => i).filter((i) => train.labels![i] < 2),
    );
    const collapsed = sampleMetrics(classifier, real, draw(twoDigits, real.n, 4));
    expect(collapsed.class_kl).toBeGreaterThan(1.4);
    expect(collapsed.class_kl).toBeLessThan(Math.log(5) + 0.05);
    expect(collapsed.recall).toBeLessThan(0.5 * same.recall);
    expect(collapsed.frechet_distance).toBeGreaterThan(10 * same.frechet_distance);
  });

  it('reads the digits of labelled samples as their codes (the training digits: their own labels)', () => {
    const labelled = draw(train, 500, 5);
    const metrics = sampleMetrics(classifier, test!, labelled);
    expect(metrics.code_accuracy).toBeGreaterThan(0.97);
    // Shuffled codes: the best assignment cannot recover them.
    const rng = new Random(6);
    const shuffled = { ...labelled, labels: labelled.labels!.map(() => rng.int(10)) };
    expect(sampleMetrics(classifier, test!, shuffled).code_accuracy).toBeLessThan(0.25);
  });
});

describe.skipIf(!existsSync(join(FASHION_MNIST_SYSTEM_DIR, 't10k-images-idx3-ubyte.gz')))(
  'the shipped Fashion-MNIST classifier',
  () => {
    it('classifies the held-out images, and their metrics against training images are near 0', () => {
      const { train, test } = loadDataset('fashion-mnist');
      const { classifier } = classifierFor('fashion-mnist');
      try {
        const real = draw(test!, 1000, deriveSeed(0, 'real'));
        expect(classifierAccuracy(classifier, real)).toBeGreaterThan(0.86);
        const same = sampleMetrics(classifier, real, draw(train, 1000, 1));
        const damaged = sampleMetrics(classifier, real, noisy(draw(train, 1000, 2), 0.5, 3));
        expect(same.class_kl).toBeLessThan(0.02);
        expect(damaged.frechet_distance).toBeGreaterThan(10 * same.frechet_distance);
      } finally {
        classifier.dispose();
      }
    });
  },
);

describe('latentlab classifier', () => {
  it('trains a classifier, writes it, and prints its test accuracy and the reference metrics', async () => {
    const file = join(root, 'digits.safetensors');
    const { code, out, err } = await cli([
      'classifier',
      '--data',
      'mnist',
      '--limit',
      '600',
      '--epochs',
      '2',
      '-o',
      file,
    ]);
    expect(err).toMatch(/classifier epoch 2\/2/);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as Record<string, number>;
    expect(printed.train_images).toBe(600);
    expect(printed.test_accuracy).toBeGreaterThan(0.3); // ten classes: chance is 0.1
    expect(printed.reference_sample_count).toBe(600);
    expect(printed.reference_frechet_distance).toBeGreaterThan(0);
    const { classifier, info } = readClassifier(file);
    expect(info.testAccuracy).toBeCloseTo(printed.test_accuracy, 10);
    classifier.dispose();
  });

  it('refuses data without labelled images, and a file that is not .safetensors', async () => {
    const moons = await cli(['classifier', '--data', 'moons', '-o', join(root, 'm.safetensors')]);
    expect(moons.code).toBe(1);
    expect(moons.err).toMatch(/--data.*moons is not a labelled image data set/);
    const png = await cli(['classifier', '--data', 'mnist', '-o', join(root, 'c.png')]);
    expect(png.code).toBe(1);
    expect(png.err).toMatch(/--output.*\.safetensors/);
    expect(existsSync(join(root, 'm.safetensors'))).toBe(false);
  });
});

describe('sample metrics of runs', () => {
  const vae = join(root, 'vae');
  const gan = join(root, 'gan');

  it('train --sample-metrics records them after each epoch and in the summary', async () => {
    const { code, err } = await cli([
      'train',
      'gan',
      '--data',
      'mnist',
      '--limit',
      '64',
      '--epochs',
      '2',
      '--batch-size',
      '32',
      '--channels',
      '4,8',
      '--latent',
      '8',
      '--sample-metrics',
      '--no-pictures',
      '--out',
      gan,
    ]);
    expect(err).not.toMatch(/error/i);
    expect(code).toBe(0);
    const records = readFileSync(join(gan, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.frechet_distance).toBeGreaterThan(0);
      expect(r.sample_count).toBe(1000);
      for (const k of ['precision', 'recall']) expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r.class_kl).toBeGreaterThanOrEqual(0);
    }
    const summary = JSON.parse(readFileSync(join(gan, 'summary.json'), 'utf8')) as Record<string, number>;
    // The summary holds the final model's metrics: those of its last epoch, drawn with the same seed.
    expect(summary.frechet_distance).toBe(records[1].frechet_distance);
  });

  it('eval --sample-metrics scores any family, the same numbers for the same seed', async () => {
    const trained = await cli([
      'train',
      'vae',
      '--limit',
      '64',
      '--epochs',
      '1',
      '--no-pictures',
      '--out',
      vae,
    ]);
    expect(trained.code).toBe(0);
    for (const run of [vae, gan]) {
      const args = ['eval', run, '--sample-metrics', '--sample-count', '200'];
      const first = await cli(args);
      expect(first.code).toBe(0);
      const metrics = JSON.parse(first.out) as Record<string, number>;
      expect(metrics.sample_count).toBe(200);
      for (const k of ['frechet_distance', 'precision', 'recall', 'class_kl'])
        expect(metrics[k]).toBeTypeOf('number');
      expect(JSON.parse((await cli(args)).out)).toEqual(metrics);
    }
  });

  it('refuses vectors, and data without a classifier, in one line that says what to do', async () => {
    const moons = join(root, 'moons');
    expect(
      (await cli(['train', 'flow', '--data', 'moons', '--steps', '20', '--no-pictures', '--out', moons]))
        .code,
    ).toBe(0);
    const vectors = await cli(['eval', moons, '--sample-metrics']);
    expect(vectors.code).toBe(1);
    expect(vectors.err).toMatch(/--sample-metrics.*need images/);
    const asked = await cli([
      'train',
      'vae',
      '--data',
      'moons',
      '--sample-metrics',
      '--out',
      join(root, 'x'),
    ]);
    expect(asked.code).toBe(1);
    expect(asked.err).toMatch(/--sample-metrics.*need images/);
    expect(existsSync(join(root, 'x'))).toBe(false);
    const missing = await cli(['eval', vae, '--classifier', join(root, 'none.safetensors')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/none\.safetensors: cannot read it/);
    expect(existsSync(shippedClassifierPath('mnist'))).toBe(true);
  });
});
