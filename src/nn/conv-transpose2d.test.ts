import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { ConvTranspose2d } from './conv-transpose2d.js';

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

/** A ConvTranspose2d(2 -> 3) with kernel[j] = 0.25 cos(0.53 j + 0.2) (flat, [k, k, 3, 2]) and bias [0.1, -0.2, 0.3]. */
function referenceLayer(k: number, stride: number, padding: 'same' | 'valid'): ConvTranspose2d {
  const layer = new ConvTranspose2d(2, 3, k, { stride, padding, seed: 0 });
  layer.loadParameters(
    new Map([
      ['kernel', { shape: [k, k, 3, 2], data: seq(k * k * 6, (j) => 0.25 * Math.cos(0.53 * j + 0.2)) }],
      ['bias', { shape: [3], data: Float32Array.from([0.1, -0.2, 0.3]) }],
    ]),
  );
  return layer;
}

// PyTorch, float64: x = seq(h*w*2).reshape(1, h, w, 2).permute(0, 3, 1, 2), x[i] = sin(0.37 i + 0.1);
// kern = seq(k*k*3*2).reshape(k, k, 3, 2) (TensorFlow's [kh, kw, out, in]); torch's weight is [in, out, kh, kw]:
// y = F.conv_transpose2d(x, kern.permute(3, 2, 0, 1), bias, stride=s, padding=p).permute(0, 2, 3, 1)
const torchCases = [
  {
    name: "kernel 4, stride 2, 'same' (padding=1): 2x2 -> 4x4",
    h: 2,
    k: 4,
    stride: 2,
    padding: 'same' as const,
    shape: [1, 4, 4, 3],
    y: [
      0.0085269, -0.1576971, 0.4328345, 0.5105938, -0.303271, -0.2115664, -0.29691, -0.0765101, 0.8176516,
      0.4032428, -0.2867236, -0.0880363, -0.3850341, -0.1466091, 0.8372367, 1.1142752, -0.3604647, -0.8711686,
      -0.8846386, 0.008444, 1.4884435, 0.6100179, -0.3357167, -0.3427142, -0.328361, -0.0575762, 0.8676151,
      0.9872005, -0.5502565, -0.9296618, -0.7520381, 0.1965865, 1.5397982, 0.5364668, -0.4352225, -0.3664542,
      -0.2240343, -0.0669653, 0.7541082, 0.6264603, -0.4042347, -0.4261496, -0.4057538, 0.0316518, 1.03225,
      0.3008252, -0.2752991, 0.0255516,
    ],
  },
  {
    name: "kernel 3, stride 2, 'valid' (padding=0): 2x2 -> 5x5",
    h: 2,
    k: 3,
    stride: 2,
    padding: 'valid' as const,
    shape: [1, 5, 5, 3],
    y: [
      0.2088307, -0.2169876, 0.1745598, -0.0056608, -0.177869, 0.4272992, 0.5590844, -0.2211735, -0.1797867,
      -0.2490766, -0.1904914, 0.6583735, 0.4408891, -0.2250712, -0.0654023, 0.0011415, -0.1676878, 0.4304515,
      0.195236, -0.2373351, 0.1682598, -0.3236719, -0.1171002, 0.8047267, 0.4230184, -0.2560628, -0.0778335,
      -0.2133617, -0.1285541, 0.6832175, 0.6056408, -0.2212584, -0.2264261, -0.3934516, -0.1560434, 0.83643,
      1.1444847, -0.3210555, -0.862846, -0.4490015, -0.1195797, 0.927632, 0.6332432, -0.3062566, -0.3371349,
      -0.2917782, -0.1723531, 0.7188098, 0.4818419, -0.2454661, -0.1262961, -0.5177754, -0.1365459, 0.9798172,
      0.340938, -0.2110878, 0.0482209, -0.1350877, -0.1780765, 0.5565232, 0.4602953, -0.2808771, -0.1393724,
      -0.2487167, -0.1015833, 0.744943, 0.6655144, -0.3485378, -0.4107464, -0.122356, -0.1565182, 0.56487,
      0.3154933, -0.2541727, 0.0315397,
    ],
  },
  {
    name: "kernel 3, stride 1, 'same' (padding=1): 3x3 -> 3x3",
    h: 3,
    k: 3,
    stride: 1,
    padding: 'same' as const,
    shape: [1, 3, 3, 3],
    y: [
      -0.4263049, -0.1964978, 0.8297291, -0.0868125, -0.1993124, 0.4874849, 0.4414822, -0.1619523, -0.0042813,
      0.6872012, -0.3015557, -0.3864967, 0.1342608, -0.2176046, 0.2485264, -0.4833049, -0.1766757, 0.9061101,
      -0.2325785, -0.0808252, 0.749101, 0.2023448, -0.2341141, 0.1643003, 0.5740754, -0.3122341, -0.2838116,
    ],
  },
];

describe('ConvTranspose2d', () => {
  it("has a kernel in TensorFlow's [kh, kw, out, in] layout and a bias [out]", () => {
    const layer = new ConvTranspose2d(64, 32, 4, { stride: 2, seed: 1 });
    expect([...layer.parameters()].map(([name, v]) => [name, v.shape])).toEqual([
      ['kernel', [4, 4, 32, 64]],
      ['bias', [32]],
    ]);
    // PyTorch's ConvTranspose2d takes its fan-in from the output channels: bound 1 / sqrt(32 * 16).
    const bound = 1 / Math.sqrt(32 * 16);
    const w = layer.kernel.dataSync<'float32'>();
    const maxAbs = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs).toBeLessThanOrEqual(bound);
    expect(maxAbs).toBeGreaterThan(0.99 * bound);
    layer.dispose();
  });

  it.each(torchCases)(
    'matches torch.nn.functional.conv_transpose2d: $name',
    ({ h, k, stride, padding, shape, y }) => {
      const layer = referenceLayer(k, stride, padding);
      const x = tf.tensor4d(
        seq(h * h * 2, (i) => Math.sin(0.37 * i + 0.1)),
        [1, h, h, 2],
      );
      const out = layer.apply(x);
      expect(out.shape).toEqual(shape);
      expect(out.dataSync()).toBeAllClose(y, { rtol: 1e-4, atol: 1e-6 });
      expect(layer.outputShape([h, h, 2])).toEqual(shape.slice(1));
      tf.dispose([x, out]);
      layer.dispose();
    },
  );

  it.each([
    { h: 7, w: 7, k: 4, stride: 2, padding: 'same' as const, out: [14, 14, 5] },
    { h: 3, w: 5, k: 3, stride: 2, padding: 'same' as const, out: [6, 10, 5] },
    { h: 3, w: 5, k: 3, stride: 2, padding: 'valid' as const, out: [7, 11, 5] },
    { h: 2, w: 2, k: 2, stride: 3, padding: 'same' as const, out: [6, 6, 5] },
  ])(
    'outputShape and apply agree: $h x $w, kernel $k, stride $stride, $padding',
    ({ h, w, k, stride, padding, out }) => {
      const layer = new ConvTranspose2d(3, 5, k, { stride, padding, seed: 2 });
      expect(layer.outputShape([h, w, 3])).toEqual(out);
      const y = layer.apply(tf.ones<tf.Rank.R4>([2, h, w, 3]));
      expect(y.shape).toEqual([2, ...out]);
      expect(y.dataSync().every(Number.isFinite)).toBe(true);
      tf.dispose(y);
      layer.dispose();
    },
  );

  it('has finite gradients that agree with central finite differences', () => {
    const layer = new ConvTranspose2d(2, 2, 3, { stride: 2, activation: 'tanh', seed: 3 });
    const x = tf.randomNormal<tf.Rank.R4>([1, 3, 3, 2], 0, 1, 'float32', 4);
    const r = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 5);
    const loss = () => tf.sum<tf.Scalar>(tf.mul(layer.apply(x), r));
    const { grads } = tf.variableGrads(loss, [layer.kernel, layer.bias]);
    const kernelGrad = grads[layer.kernel.name].dataSync();
    expect(kernelGrad.every(Number.isFinite)).toBe(true);
    expect(grads[layer.bias.name].dataSync().every(Number.isFinite)).toBe(true);
    const values = layer.kernel.dataSync().slice();
    const lossWith = (index: number, delta: number) => {
      const shifted = values.slice();
      shifted[index] += delta;
      tf.tidy(() => layer.kernel.assign(tf.tensor(shifted, layer.kernel.shape)));
      return tf.tidy(() => loss().dataSync()[0]);
    };
    for (const i of [0, 7, 20, 35]) {
      const h = 1e-2;
      expect((lossWith(i, h) - lossWith(i, -h)) / (2 * h)).toBeCloseTo(kernelGrad[i], 2);
    }
    tf.dispose([x, r, ...Object.values(grads)]);
    layer.dispose();
  });

  it('refuses an input with the wrong channels', () => {
    const layer = new ConvTranspose2d(2, 3, 3, { seed: 0 });
    const x = tf.zeros([1, 4, 4, 3]);
    expect(() => layer.apply(x as tf.Tensor4D)).toThrow(
      'ConvTranspose2d(2 -> 3, kernel 3): input has shape [1, 4, 4, 3], expected NHWC [n, h, w, 2]',
    );
    x.dispose();
    layer.dispose();
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const layer = new ConvTranspose2d(2, 1, 4, { stride: 2, seed: 0 });
      tf.tidy(() => {
        layer.apply(tf.ones<tf.Rank.R4>([2, 3, 3, 2]));
        tf.variableGrads(() => tf.sum<tf.Scalar>(layer.apply(tf.ones<tf.Rank.R4>([2, 3, 3, 2]))));
      });
      layer.dispose();
    }, 'ConvTranspose2d');
  });
});
