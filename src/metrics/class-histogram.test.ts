import { describe, expect, it } from 'vitest';
import { classHistogramKl } from './class-histogram.js';
import { MetricArgumentError } from './errors.js';

describe('classHistogramKl', () => {
  // p = np.bincount(labels, minlength=K) / len(labels); scipy.stats.entropy(p, np.full(K, 1 / K))
  // (/usr/bin/python3, scipy 1.10.1)
  it.each([
    ['one to four of each of 4 classes', [0, 1, 1, 2, 2, 2, 3, 3, 3, 3], 4, 0.10644013528622318],
    ['6 of 10 classes, 4 never predicted', [0, 0, 0, 7, 7, 3, 9, 1, 1, 1, 1, 5], 10, 0.6699541658396938],
    [
      'the squares mod 7 (5 of 7 classes)',
      Array.from({ length: 50 }, (_, i) => (i * i) % 7),
      7,
      0.5834059471727582,
    ],
    ['one class of 3', [2, 2, 2], 3, 1.0986122886681098],
  ])('%s: matches scipy.stats.entropy against the uniform distribution', (_, labels, k, want) => {
    expect(classHistogramKl(labels, k)).toBeAllClose(want, { rtol: 1e-14, atol: 0 });
  });

  it('is 0 for every class equally often and log K for a single class', () => {
    expect(classHistogramKl([3, 0, 2, 1, 1, 2, 0, 3], 4)).toBeAllClose(0, { rtol: 0, atol: 1e-15 });
    expect(classHistogramKl([7, 7, 7], 10)).toBeAllClose(Math.log(10), { rtol: 1e-15, atol: 0 });
    // Half the classes dropped, the other half even: log 2.
    expect(classHistogramKl([0, 0, 1, 1], 4)).toBeAllClose(Math.LN2, { rtol: 1e-15, atol: 0 });
    expect(classHistogramKl([0], 1)).toBe(0);
  });

  it('takes typed arrays of labels, as argMax(...).dataSync() gives them', () => {
    const labels = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3];
    expect(classHistogramKl(Int32Array.from(labels), 4)).toBe(classHistogramKl(labels, 4));
    expect(classHistogramKl(Float32Array.from(labels), 4)).toBe(classHistogramKl(labels, 4));
  });

  it.each([
    ['no labels', () => classHistogramKl([], 10), "argument 'predicted' must hold at least one label"],
    [
      'a label of K',
      () => classHistogramKl([0, 1, 10], 10),
      "argument 'predicted' must hold integer labels in [0, 10), got 10 at index 2",
    ],
    [
      'a negative label',
      () => classHistogramKl([-1], 10),
      "argument 'predicted' must hold integer labels in [0, 10), got -1 at index 0",
    ],
    [
      'a fractional label',
      () => classHistogramKl([0, 2.5], 10),
      "argument 'predicted' must hold integer labels in [0, 10), got 2.5 at index 1",
    ],
    [
      'a NaN label',
      () => classHistogramKl([NaN], 10),
      "argument 'predicted' must hold integer labels in [0, 10), got NaN at index 0",
    ],
    ['no classes', () => classHistogramKl([0], 0), "argument 'numClasses' must be an integer >= 1, got 0"],
    [
      'a fractional numClasses',
      () => classHistogramKl([0], 2.5),
      "argument 'numClasses' must be an integer >= 1, got 2.5",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(`classHistogramKl: ${message}`);
  });
});
