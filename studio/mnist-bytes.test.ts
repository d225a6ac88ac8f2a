import { describe, expect, it } from 'vitest';
import { readDigits } from '../src/data/mnist.js';
import { decodeMnistBytes, encodeMnistBytes } from './mnist-bytes.js';

/** The number of places where two arrays differ (vitest's deep equality is slow on millions of values). */
const differences = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let count = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) count++;
  return count;
};

describe('the studio’s embedded MNIST file', () => {
  const digits = readDigits();
  const bytes = encodeMnistBytes(digits);

  it('gives back exactly the digits Node reads from the package, in a byte per pixel', () => {
    expect(bytes.length).toBeLessThan(digits.n * 785 + 2000);
    const decoded = decodeMnistBytes(bytes, 'mnist.bin');
    expect(decoded.n).toBe(10000);
    expect(differences(decoded.values, digits.values)).toBe(0);
    expect(differences(decoded.labels!, digits.labels!)).toBe(0);
  });

  it('refuses bytes that are not its format, naming the source', () => {
    expect(() => decodeMnistBytes(bytes.subarray(0, 5000), 'data/mnist.bin')).toThrow(
      /^data\/mnist\.bin: not the studio's MNIST file \(5000 bytes\)$/,
    );
  });
});
