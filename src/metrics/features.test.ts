import { describe, expect, it } from 'vitest';
import { MetricArgumentError } from './errors.js';
import { checkFeaturePair, checkFeatures, type Features } from './features.js';

const ok: Features = { values: new Float32Array(6), n: 3, d: 2 };

describe('checkFeatures', () => {
  it('accepts n * d finite values in a Float32Array or a Float64Array', () => {
    expect(() => checkFeatures(ok, 'real')).not.toThrow();
    expect(() => checkFeatures({ values: Float64Array.of(1, -2), n: 2, d: 1 }, 'real')).not.toThrow();
    expect(() =>
      checkFeaturePair(ok, 'real', { ...ok, n: 2, values: new Float32Array(4) }, 'fake', 'f'),
    ).not.toThrow();
  });

  it.each([
    [
      'values in a plain array',
      () => checkFeatures({ values: [1, 2, 3, 4] as unknown as Float64Array, n: 2, d: 2 }, 'real', 'f'),
      "f: argument 'real' must be features { values, n, d } with values a Float32Array or Float64Array",
    ],
    [
      'a single row',
      () => checkFeatures({ values: new Float32Array(2), n: 1, d: 2 }, 'real', 'f'),
      "f: argument 'real.n' must be an integer >= 2 (rows), got 1",
    ],
    [
      'a fractional n',
      () => checkFeatures({ values: new Float32Array(6), n: 2.5, d: 2 }, 'fake', 'f'),
      "f: argument 'fake.n' must be an integer >= 2 (rows), got 2.5",
    ],
    [
      'no columns',
      () => checkFeatures({ values: new Float32Array(0), n: 3, d: 0 }, 'fake', 'f'),
      "f: argument 'fake.d' must be an integer >= 1 (columns), got 0",
    ],
    [
      'the wrong number of values',
      () => checkFeatures({ values: new Float32Array(6), n: 2, d: 2 }, 'real', 'frechetDistance'),
      "frechetDistance: argument 'real.values' must hold n * d = 4 values (n = 2, d = 2), got 6",
    ],
    [
      'a NaN',
      () => checkFeatures({ values: Float64Array.of(0, 1, 2, NaN), n: 2, d: 2 }, 'real', 'f'),
      "f: argument 'real.values' must be finite, got NaN at row 1, column 1",
    ],
    [
      'an infinite value',
      () => checkFeatures({ values: Float32Array.of(0, -Infinity, 2, 3, 4, 5), n: 3, d: 2 }, 'fake', 'f'),
      "f: argument 'fake.values' must be finite, got -Infinity at row 0, column 1",
    ],
    [
      'two sets of different dimensions',
      () =>
        checkFeaturePair(ok, 'real', { values: new Float32Array(6), n: 2, d: 3 }, 'fake', 'precisionRecall'),
      "precisionRecall: arguments 'real' and 'fake' must have the same dimension d, got 2 and 3",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(message);
  });

  it('names checkFeatures as the function by default', () => {
    expect(() => checkFeatures({ ...ok, n: 1 }, 'x')).toThrow("checkFeatures: argument 'x.n'");
  });
});
