import { describe, expect, it } from 'vitest';
import { interpolateLatents } from './interpolation.js';

const z0 = Float32Array.from([1, 0, 2]);
const z1 = Float32Array.from([-1, 4, 0]);

function point(path: Float32Array, i: number, d: number): Float32Array {
  return path.subarray(i * d, (i + 1) * d);
}

function norm(z: ArrayLike<number>): number {
  return Math.hypot(...Array.from(z));
}

describe('interpolateLatents', () => {
  it('linear: steps points from z0 to z1, end points exact, midpoint the mean', () => {
    const path = interpolateLatents(z0, z1, 5);
    expect(path.length).toBe(15);
    expect(Array.from(point(path, 0, 3))).toEqual([1, 0, 2]);
    expect(Array.from(point(path, 4, 3))).toEqual([-1, 4, 0]);
    expect(Array.from(point(path, 2, 3))).toEqual([0, 2, 1]);
    expect(Array.from(point(path, 1, 3))).toEqual([0.5, 1, 1.5]);
  });

  it('spherical: end points exact, midpoint on the bisector, norms kept for endpoints of equal norm', () => {
    const a = Float32Array.from([3, 0, 4, 0]);
    const b = Float32Array.from([0, 5, 0, 0]);
    const path = interpolateLatents(a, b, 9, { spherical: true });
    expect(point(path, 0, 4)).toBeAllClose(a, { rtol: 1e-7, atol: 1e-7 });
    expect(point(path, 8, 4)).toBeAllClose(b, { rtol: 1e-7, atol: 1e-7 });
    // a and b are orthogonal: the midpoint is (a + b) / sqrt 2, of norm 5.
    expect(point(path, 4, 4)).toBeAllClose(Float32Array.from([3, 5, 4, 0].map((x) => x / Math.SQRT2)), {
      rtol: 1e-6,
      atol: 1e-6,
    });
    for (let i = 0; i < 9; i++) expect(norm(point(path, i, 4))).toBeCloseTo(5, 5);
    // The angle to a grows linearly: point i is at angle (i / 8) (pi / 2).
    for (let i = 0; i < 9; i++) {
      const p = point(path, i, 4);
      const cos = (3 * p[0] + 4 * p[2]) / 25;
      expect(Math.acos(Math.min(1, cos))).toBeCloseTo(((i / 8) * Math.PI) / 2, 5);
    }
    // Linear interpolation cuts inside the sphere.
    expect(norm(point(interpolateLatents(a, b, 9), 4, 4))).toBeCloseTo(5 / Math.SQRT2, 5);
  });

  it('spherical between endpoints of different norms interpolates the norm smoothly between them', () => {
    const path = interpolateLatents(Float32Array.from([1, 0]), Float32Array.from([0, 3]), 3, {
      spherical: true,
    });
    // sin(pi / 4) / sin(pi / 2) (1, 0) + sin(pi / 4) / sin(pi / 2) (0, 3).
    expect(point(path, 1, 2)).toBeAllClose(Float32Array.from([Math.SQRT1_2, 3 * Math.SQRT1_2]), {
      rtol: 1e-6,
      atol: 0,
    });
  });

  it.each([
    ['parallel endpoints', [1, 2], [2, 4]],
    ['opposite endpoints', [1, 2], [-1, -2]],
    ['a zero endpoint', [0, 0], [2, 4]],
  ])('spherical falls back to linear for %s', (_, a, b) => {
    const za = Float32Array.from(a);
    const zb = Float32Array.from(b);
    expect(interpolateLatents(za, zb, 5, { spherical: true })).toBeAllClose(interpolateLatents(za, zb, 5), {
      rtol: 1e-6,
      atol: 1e-7,
    });
  });

  it.each([
    ['one step', z0, z1, 1, /argument 'steps' must be an integer >= 2, got 1/],
    [
      'endpoints of different lengths',
      z0,
      z1.subarray(1),
      3,
      /argument 'z1' must have the length of z0, 3, got 2/,
    ],
    ['empty endpoints', new Float32Array(0), new Float32Array(0), 3, /argument 'z0' must not be empty/],
    ['a NaN', Float32Array.from([1, NaN, 0]), z1, 3, /argument 'z0' must be finite, got NaN at index 1/],
  ])('rejects %s, naming the argument', (_, a, b, steps, message) => {
    expect(() => interpolateLatents(a, b, steps)).toThrow(message);
  });
});
