import * as tf from './tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFFINE_COUPLING_KERNEL, fusedAffineCoupling } from './coupling-kernel.js';

/** The same step as separate TensorFlow.js ops, as `MaskedCoupling` and `AffineTransform` compose it. */
function composed(x: tf.Tensor, params: tf.Tensor, mask: tf.Tensor, scale: tf.Tensor, inverse: boolean) {
  const change = tf.sub(1, mask);
  const [raw, t] = tf.split(params, 2, x.rank - 1).map((p) => tf.mul(p, change));
  const s = tf.mul(tf.tanh(raw), scale);
  const z = inverse ? tf.mul(tf.sub(x, t), tf.exp(tf.neg(s))) : tf.add(tf.mul(x, tf.exp(s)), t);
  const logDet = tf.mul(change, inverse ? tf.neg(s) : s);
  const eventAxes = Array.from({ length: mask.rank }, (_, i) => x.rank - mask.rank + i);
  return [tf.add(tf.mul(mask, x), tf.mul(change, z)), tf.sum(logDet, eventAxes)];
}

interface Case {
  name: string;
  x: number[];
  mask: number[][] | number[];
  maskShape: number[];
  scale: 'bound' | 'learnable';
  inverse: boolean;
}

const shapes = [
  { name: 'vectors [6, 4]', x: [6, 4], mask: [1, 0, 1, 0], maskShape: [4] },
  {
    name: 'images [2, 4, 4, 2], checkerboard',
    x: [2, 4, 4, 2],
    mask: Array.from({ length: 32 }, (_, i) => (Math.floor(i / 8) + Math.floor(i / 2)) % 2),
    maskShape: [4, 4, 2],
  },
];
const cases: Case[] = shapes.flatMap((shape) =>
  (['bound', 'learnable'] as const).flatMap((scale) =>
    [false, true].map((inverse) => ({
      ...shape,
      name: `${shape.name}, ${scale} scale, ${inverse ? 'inverse' : 'forward'}`,
      scale,
      inverse,
    })),
  ),
);

function operands(c: Case) {
  const channels = c.x[c.x.length - 1];
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1);
  const params = tf.randomNormal([...c.x.slice(0, -1), 2 * channels], 0, 1.5, 'float32', 2);
  const mask = tf.tensor(c.mask, c.maskShape, 'float32');
  const scale = c.scale === 'bound' ? tf.scalar(1.5) : tf.randomUniform([channels], 0.5, 2, 'float32', 3);
  return { x, params, mask, scale };
}

/** Values, log-dets and the gradients of a weighted sum of both for x, params and scale. */
function valuesAndGrads(c: Case, step: typeof composed) {
  return tf.tidy(() => {
    const { x, params, mask, scale } = operands(c);
    const wy = tf.randomNormal(x.shape, 0, 1, 'float32', 4);
    const wl = tf.randomNormal([c.x[0]], 0, 1, 'float32', 5); // one log-det per batch element
    const f = (xv: tf.Tensor, pv: tf.Tensor, sv: tf.Tensor) => {
      const [y, logDet] = step(xv, pv, mask, sv, c.inverse);
      return tf.add(tf.sum(tf.mul(y, wy)), tf.sum(tf.mul(logDet, wl)));
    };
    const [y, logDet] = step(x, params, mask, scale, c.inverse);
    const grads = tf.grads(f)([x, params, scale]);
    return [y, logDet, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

function fused(x: tf.Tensor, params: tf.Tensor, mask: tf.Tensor, scale: tf.Tensor, inverse: boolean) {
  const result = fusedAffineCoupling(x, params, mask, scale, inverse);
  if (result === undefined) throw new Error('the fused kernel should apply here');
  return result;
}

describe.each(['wasm', 'cpu'])('fused affine coupling on %s', (backend) => {
  let previous = 'wasm';
  beforeAll(() => {
    previous = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  it.each(cases)('equals the separate ops, values and gradients: $name', async (c) => {
    await tf.setBackend(backend);
    const expected = valuesAndGrads(c, composed);
    const got = valuesAndGrads(c, fused);
    const names = ['y', 'logDet', 'dx', 'dparams', 'dscale'];
    for (let i = 0; i < names.length; i++)
      expect(got[i], names[i]).toBeAllClose(expected[i], { rtol: 2e-5, atol: 2e-5 });
  });

  it('runs one kernel forward, and leaks nothing through a gradient', async () => {
    await tf.setBackend(backend);
    const c = cases[0];
    const { x, params, mask, scale } = operands(c);
    const profile = await tf.profile(() => fused(x, params, mask, scale, true));
    expect(profile.kernels.map((k) => k.name)).toEqual([AFFINE_COUPLING_KERNEL]);
    tf.dispose(profile.result);
    const step = () =>
      tf.tidy(() => tf.grads((p: tf.Tensor) => tf.sum(fused(x, p, mask, scale, false)[0]))([params]));
    tf.dispose(step());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, params, mask, scale]);
  });
});

describe('fused affine coupling, where it does not apply', () => {
  it('returns undefined for shapes it does not take, so the separate ops run', () => {
    tf.tidy(() => {
      const x = tf.zeros([3, 4]);
      const mask = tf.tensor1d([1, 0, 1, 0]);
      expect(fusedAffineCoupling(x, tf.zeros([3, 6]), mask, tf.scalar(1), false)).toBeUndefined();
      expect(
        fusedAffineCoupling(x, tf.zeros([3, 8]), tf.tensor1d([1, 0]), tf.scalar(1), false),
      ).toBeUndefined();
      expect(fusedAffineCoupling(x, tf.zeros([3, 8]), mask, tf.ones([3]), false)).toBeUndefined();
      expect(fusedAffineCoupling(x, tf.zeros([3, 8]), mask, tf.ones([4]), false)).toBeDefined();
    });
  });
});
