import { describe, expect, it } from 'vitest';
import { numTensors } from '../engine/memory.js';
import { Random } from '../engine/random.js';
import type { Dataset } from '../data/dataset.js';
import { decodeSafetensors, encodeSafetensors, CheckpointError } from '../io/safetensors.js';
import {
  classifierAccuracy,
  classifierOutputs,
  decodeClassifier,
  defaultClassifierConfig,
  encodeClassifier,
  FeatureClassifier,
  trainClassifier,
} from './classifier.js';

/**
 * 8x8 images of three classes, each a bright bar (top rows, left columns, or the diagonal) on noise: a task a small
 * convolutional network learns in a few epochs, and a random one cannot do better than a third of.
 */
function bars(n: number, seed: number): Dataset {
  const rng = new Random(seed);
  const side = 8;
  const values = new Float32Array(n * side * side);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let r = 0; r < side; r++)
      for (let q = 0; q < side; q++) {
        const on = c === 0 ? r < 2 : c === 1 ? q < 2 : Math.abs(r - q) < 1;
        values[i * 64 + r * side + q] = Math.min(1, Math.max(0, (on ? 0.8 : 0.1) + 0.15 * rng.normal()));
      }
  }
  return { name: 'bars', kind: 'image', shape: [side, side, 1], values, labels, n, numClasses: 3 };
}

describe('trainClassifier', () => {
  it('learns a three-class image task from chance to near perfect, without leaking tensors', async () => {
    const train = bars(300, 1);
    const test = bars(90, 2);
    const before = numTensors();
    const untrained = new FeatureClassifier({
      ...defaultClassifierConfig([8, 8, 1], 3, 4),
      channels: [4, 8],
      features: 16,
    });
    const chance = classifierAccuracy(untrained, test);
    untrained.dispose();
    const { classifier, history } = await trainClassifier(train, {
      epochs: 8,
      batchSize: 32,
      learningRate: 3e-3,
      test,
      seed: 4,
    });
    expect(chance).toBeLessThan(0.6);
    expect(history).toHaveLength(8);
    expect(history[7].loss).toBeLessThan(history[0].loss);
    expect(classifierAccuracy(classifier, test)).toBeGreaterThan(0.95);
    classifier.dispose();
    expect(numTensors()).toBe(before);
  });

  it('refuses vectors and unlabelled images, naming the argument', async () => {
    const images = bars(10, 0);
    await expect(trainClassifier({ ...images, kind: 'vector', shape: [64] })).rejects.toThrow(
      /train: .*needs images/,
    );
    await expect(trainClassifier({ ...images, labels: null })).rejects.toThrow(/train: .*labels/);
  });
});

describe('classifier files', () => {
  it('decode gives back the same features and predictions as the trained classifier', async () => {
    const train = bars(150, 3);
    const { classifier } = await trainClassifier(train, { epochs: 2, batchSize: 32, seed: 1 });
    const bytes = encodeClassifier(classifier, { data: 'bars', testAccuracy: 0.5, epochs: 2 });
    const { classifier: loaded, info } = decodeClassifier(bytes, 'bars.safetensors');
    expect(info).toEqual({ data: 'bars', testAccuracy: 0.5, epochs: 2 });
    expect(loaded.config).toEqual(classifier.config);
    const a = classifierOutputs(classifier, train);
    const b = classifierOutputs(loaded, train);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
    expect(Array.from(b.predicted)).toEqual(Array.from(a.predicted));
    classifier.dispose();
    loaded.dispose();
  });

  it('refuses a file of another format or with a missing weight, naming the file', () => {
    const classifier = new FeatureClassifier(defaultClassifierConfig([8, 8, 1], 3));
    const bytes = encodeClassifier(classifier, { data: 'bars', testAccuracy: 0, epochs: 1 });
    classifier.dispose();
    const { tensors, metadata } = decodeSafetensors(bytes, 'x');
    const other = encodeSafetensors(tensors, { ...metadata, format: 'something-else' });
    expect(() => decodeClassifier(other, 'c.safetensors')).toThrow(
      /c\.safetensors: not a latentlab classifier/,
    );
    tensors.delete('head.bias');
    expect(() => decodeClassifier(encodeSafetensors(tensors, metadata), 'c.safetensors')).toThrow(
      CheckpointError,
    );
    expect(() => decodeClassifier(encodeSafetensors(tensors, metadata), 'c.safetensors')).toThrow(
      /head\.bias/,
    );
  });

  it('checks that the images have the shape the classifier takes', () => {
    const classifier = new FeatureClassifier(defaultClassifierConfig([8, 8, 1], 3));
    const wrong: Dataset = { ...bars(4, 0), shape: [4, 16, 1] };
    expect(() => classifierOutputs(classifier, wrong, { name: 'samples' })).toThrow(
      /samples: examples have shape \[4, 16, 1\], but the classifier takes \[8, 8, 1\]/,
    );
    classifier.dispose();
  });
});
