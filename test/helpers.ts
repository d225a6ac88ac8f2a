/**
 * Test helpers: the `toBeAllClose` matcher (numpy's allclose: |a - b| <= atol + rtol |b|, elementwise, with shapes
 * compared first) and reference-value plumbing.
 */
import * as tf from '../src/engine/tf.js';

export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

type Numeric = tf.Tensor | number | number[] | number[][] | number[][][] | Float32Array | Float64Array;

function flatten(x: Numeric): { values: ArrayLike<number>; shape: number[] | null } {
  if (x instanceof tf.Tensor) return { values: x.dataSync(), shape: x.shape };
  if (typeof x === 'number') return { values: [x], shape: [] };
  if (ArrayBuffer.isView(x)) return { values: x, shape: null };
  // Nested arrays are flattened in float64, so expected values keep their full precision.
  const shape: number[] = [];
  for (let level: unknown = x; Array.isArray(level); level = level[0]) shape.push(level.length);
  return { values: (x as unknown[]).flat(Infinity) as number[], shape };
}

export function allCloseMatcher(
  received: Numeric,
  expected: Numeric,
  { rtol = 1e-5, atol = 1e-6 }: CloseOptions = {},
) {
  const a = flatten(received);
  const b = flatten(expected);
  if (a.shape !== null && b.shape !== null && b.shape.length > 0 && a.shape.join(',') !== b.shape.join(','))
    return {
      pass: false,
      message: () => `shape [${a.shape?.join(', ')}] is not the expected [${b.shape?.join(', ')}]`,
    };
  if (a.values.length !== b.values.length && b.values.length !== 1)
    return { pass: false, message: () => `${a.values.length} values, expected ${b.values.length}` };
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.values.length; i++) {
    const want = b.values.length === 1 ? b.values[0] : b.values[i];
    const got = a.values[i];
    const bothNaN = Number.isNaN(got) && Number.isNaN(want);
    const sameInf = got === want;
    const excess = Math.abs(got - want) - (atol + rtol * Math.abs(want));
    if (!bothNaN && !sameInf && !(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst < 0) return { pass: true, message: () => `values are all close (rtol ${rtol}, atol ${atol})` };
  const want = b.values.length === 1 ? b.values[0] : b.values[worst];
  return {
    pass: false,
    message: () =>
      `values differ: at flat index ${worst} got ${a.values[worst]}, expected ${want} (rtol ${rtol}, atol ${atol})`,
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
declare module 'vitest' {
  interface Matchers<T = any> {
    toBeAllClose(expected: Numeric, options?: CloseOptions): T;
  }
}

/** Sample mean and variance along axis 0 of a tensor's values, in float64. */
export function momentsAlongFirstAxis(x: tf.Tensor): { mean: number[]; variance: number[] } {
  const [n, ...rest] = x.shape;
  const width = rest.reduce((a, b) => a * b, 1);
  const v = x.dataSync();
  const mean = new Array<number>(width).fill(0);
  const m2 = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += v[i * width + j] / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < width; j++) m2[j] += (v[i * width + j] - mean[j]) ** 2 / (n - 1);
  return { mean, variance: m2 };
}

/** A copy of every parameter's values, by name, to compare with after an update. */
export function snapshot(params: Map<string, tf.Variable>): Map<string, Float32Array> {
  return new Map([...params].map(([k, v]) => [k, Float32Array.from(v.dataSync())]));
}

/** The names of the parameters whose values differ from `before` (a {@link snapshot}). */
export function changed(before: Map<string, Float32Array>, params: Map<string, tf.Variable>): string[] {
  return [...params].filter(([k, v]) => v.dataSync().some((x, i) => x !== before.get(k)![i])).map(([k]) => k);
}
