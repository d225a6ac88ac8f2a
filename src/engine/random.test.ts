import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { nextSeed, Random, resolveSeed, setSeed } from './random.js';

describe('Random', () => {
  it('the same seed gives the same sequence, another seed another', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 8 },
        (() => {
          const r = new Random(seed);
          return () => r.nextUint32();
        })(),
      );
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws uniforms with mean 1/2 and variance 1/12, and normals with mean 0 and variance 1', () => {
    const r = new Random(1);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let t = 0;
    let t2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
      const z = r.normal();
      t += z;
      t2 += z * z;
    }
    expect(s / n).toBeAllClose(0.5, { atol: 0.005 });
    expect(s2 / n - (s / n) ** 2).toBeAllClose(1 / 12, { atol: 0.002 });
    expect(t / n).toBeAllClose(0, { atol: 0.015 });
    expect(t2 / n).toBeAllClose(1, { atol: 0.02 });
  });

  it('permutation holds every index once', () => {
    const p = Array.from(new Random(3).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('setSeed makes tf samples reproducible through the global seed stream', () => {
    setSeed(9);
    const a = tf.randomNormal([5], 0, 1, 'float32', nextSeed());
    setSeed(9);
    const b = tf.randomNormal([5], 0, 1, 'float32', nextSeed());
    expect(a).toBeAllClose(b, { rtol: 0, atol: 0 });
    expect(resolveSeed(17)).toBe(17);
    expect(() => resolveSeed(NaN)).toThrow(/seed must be a finite number, got NaN/);
    expect(() => new Random(Infinity)).toThrow(/seed must be a finite number/);
  });
});
