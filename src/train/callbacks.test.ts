import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber } from './callbacks.js';

describe('progress number formats', () => {
  it.each([
    [1.23456, '1.235'],
    [-0.5, '-0.500'],
    [12.3456, '12.35'],
    [123.456, '123.5'],
    [0.000123, '1.23e-4'],
    [2.5e7, '2.50e+7'],
    [8, '8'],
    [0, '0'],
    [-3, '-3'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('formats %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it.each([
    [42.4, '42s'],
    [185, '3m05s'],
    [7800, '2h10m'],
    [Infinity, '?'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
