import * as tf from './tf.js';
import { describe, expect, it } from 'vitest';
import { deriveSeed, nextSeed, Random, resolveSeed, setSeed } from './random.js';

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
    expect(resolveSeed(17)).toBe(resolveSeed(17));
    expect(() => resolveSeed(NaN)).toThrow(/seed must be a finite number, got NaN/);
    expect(() => new Random(Infinity)).toThrow(/seed must be a finite number/);
  });

  it('maps every seed, 0 included, to a seeded TF.js op: the same draws on every call', () => {
    // TF.js alone reads 0 as "unseeded": two draws with seed 0 differ.
    const [a, b] = [0, 0].map(() => tf.randomNormal([4], 0, 1, 'float32', 0));
    expect(a.dataSync()).not.toEqual(b.dataSync());
    for (const seed of [0, 1, 2 ** 31 - 1, 2 ** 32 + 5]) {
      const s = resolveSeed(seed);
      expect(Number.isInteger(s) && s >= 1 && s < 2 ** 31, `seed ${seed} -> ${s}`).toBe(true);
      const [c, d] = [0, 0].map(() => tf.randomNormal([4], 0, 1, 'float32', resolveSeed(seed)));
      expect(c).toBeAllClose(d, { rtol: 0, atol: 0 });
      tf.dispose([c, d]);
    }
    // Neighbouring seeds are different streams.
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => resolveSeed(i)));
    expect(seeds.size).toBe(1000);
    tf.dispose([a, b]);
  });
});

describe('deriveSeed', () => {
  it('gives each label its own stable seed, and seeds that do not collide with offsets of the parent', () => {
    expect(deriveSeed(3, 'decoder')).toBe(deriveSeed(3, 'decoder'));
    expect(deriveSeed(3, 'decoder')).not.toBe(deriveSeed(3, 'encoder'));
    expect(deriveSeed(3, 'step', 1)).not.toBe(deriveSeed(3, 'step', 2));
    expect(deriveSeed(3, 'step', 1)).not.toBe(deriveSeed(4, 'step', 1));
    // 'a', 1 and 'a1' are different paths.
    expect(deriveSeed(0, 'a', 1)).not.toBe(deriveSeed(0, 'a1'));
    // What ad-hoc offsets got wrong: seed s's decoder must not be seed (s + 1000)'s encoder, for any s.
    const derived = new Set<number>();
    for (let s = 0; s < 2000; s++)
      for (const label of ['encoder', 'decoder', 'prior']) derived.add(deriveSeed(s, label));
    expect(derived.size).toBe(6000);
    for (const v of derived) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 31).toBe(true);
    expect(() => deriveSeed(NaN, 'x')).toThrow(/deriveSeed: seed must be a finite number, got NaN/);
  });
});
