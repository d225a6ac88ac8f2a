import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { Conv2d } from './conv2d.js';
import { ModuleArgumentError } from './errors.js';

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

/** A Conv2d(2 -> 3) with the reference weights: kernel[j] = 0.25 cos(0.53 j + 0.2) (flat, [k, k, 2, 3]). */
function referenceConv(k: number, stride: number, padding: 'same' | 'valid'): Conv2d {
  const conv = new Conv2d(2, 3, k, { stride, padding, seed: 0 });
  conv.loadParameters(
    new Map([
      ['kernel', { shape: [k, k, 2, 3], data: seq(k * k * 6, (j) => 0.25 * Math.cos(0.53 * j + 0.2)) }],
      ['bias', { shape: [3], data: Float32Array.from([0.1, -0.2, 0.3]) }],
    ]),
  );
  return conv;
}

/** Input [1, h, w, 2] with x[i] = sin(0.37 i + 0.1) in NHWC order. */
const input = (h: number, w: number) =>
  tf.tensor4d(
    seq(h * w * 2, (i) => Math.sin(0.37 * i + 0.1)),
    [1, h, w, 2],
  );

// PyTorch, float64: x = seq(h*w*2).reshape(1, h, w, 2).permute(0, 3, 1, 2); kern = seq(k*k*2*3).reshape(k, k, 2, 3)
// y = F.conv2d(x, kern.permute(3, 2, 0, 1), torch.tensor([0.1, -0.2, 0.3]), stride=s, padding=p).permute(0, 2, 3, 1)
const torchCases = [
  {
    name: "kernel 3, stride 1, 'same' (padding=1)",
    h: 4,
    k: 3,
    stride: 1,
    padding: 'same' as const,
    shape: [1, 4, 4, 3],
    y: [
      -0.0739945, -0.1593969, 0.5440598, 0.0580604, -0.0998644, 0.5147349, -0.0269424, -0.1553866, 0.503928,
      0.0719499, -0.1081765, 0.486502, 0.3929132, -0.2396176, -0.0612779, 0.1668078, -0.3307583, 0.0075538,
      0.30308, -0.2511951, 0.008577, 0.1373916, -0.3105143, 0.0719034, -0.1977223, -0.1385277, 0.7037997,
      0.0754685, -0.0592413, 0.5674268, -0.0774678, -0.124751, 0.6073185, 0.1209435, -0.0957937, 0.4588764,
      0.3253645, -0.2198842, 0.040323, 0.1112888, -0.2895193, 0.1342353, 0.2262259, -0.2406837, 0.1035698,
      0.0670252, -0.2685558, 0.2146738,
    ],
  },
  {
    name: "kernel 4, stride 2, 'same' (padding=1)",
    h: 4,
    k: 4,
    stride: 2,
    padding: 'same' as const,
    shape: [1, 2, 2, 3],
    y: [
      0.1021268, -0.1383034, 0.4043378, 0.1358288, -0.2453623, 0.1858934, 0.1047449, -0.2462488, 0.2154476,
      0.0485419, -0.1715539, 0.4005451,
    ],
  },
  {
    name: "kernel 3, stride 2, 'valid' (padding=0)",
    h: 5,
    k: 3,
    stride: 2,
    padding: 'valid' as const,
    shape: [1, 2, 2, 3],
    y: [
      0.2880938, -0.2470393, 0.0307346, 0.2528792, -0.0530673, 0.40067, 0.3050595, -0.0841842, 0.294794,
      0.0098134, -0.0810909, 0.5953777,
    ],
  },
];

describe('Conv2d', () => {
  it('has a kernel [kh, kw, in, out] and a bias [out]', () => {
    const conv = new Conv2d(3, 8, 5, { seed: 1 });
    expect([...conv.parameters()].map(([name, v]) => [name, v.shape])).toEqual([
      ['kernel', [5, 5, 3, 8]],
      ['bias', [8]],
    ]);
    conv.dispose();
  });

  it.each(torchCases)('matches torch.nn.functional.conv2d: $name', ({ h, k, stride, padding, shape, y }) => {
    const conv = referenceConv(k, stride, padding);
    const x = input(h, h);
    const out = conv.apply(x);
    expect(out.shape).toEqual(shape);
    expect(out.dataSync()).toBeAllClose(y, { rtol: 1e-4, atol: 1e-6 });
    expect(conv.outputShape([h, h, 2])).toEqual(shape.slice(1));
    tf.dispose([x, out]);
    conv.dispose();
  });

  it.each([
    { h: 28, w: 28, k: 4, stride: 2, padding: 'same' as const, out: [14, 14, 16] },
    { h: 7, w: 9, k: 3, stride: 2, padding: 'same' as const, out: [4, 5, 16] },
    { h: 7, w: 9, k: 3, stride: 2, padding: 'valid' as const, out: [3, 4, 16] },
    { h: 5, w: 6, k: 2, stride: 3, padding: 'same' as const, out: [2, 2, 16] },
  ])(
    'outputShape and apply agree: $h x $w, kernel $k, stride $stride, $padding',
    ({ h, w, k, stride, padding, out }) => {
      const conv = new Conv2d(2, 16, k, { stride, padding, seed: 2 });
      expect(conv.outputShape([h, w, 2])).toEqual(out);
      const y = conv.apply(tf.zeros<tf.Rank.R4>([3, h, w, 2]));
      expect(y.shape).toEqual([3, ...out]);
      tf.dispose(y);
      conv.dispose();
    },
  );

  it("gives the cpu backend's numbers where wasm's own 'same' padding fails (kernel 2, stride 3)", async () => {
    const run = () => {
      const conv = new Conv2d(3, 4, 2, { stride: 3, seed: 5 });
      const x = tf.randomNormal<tf.Rank.R4>([2, 5, 6, 3], 0, 1, 'float32', 6);
      const y = conv.apply(x);
      const values = Array.from(y.dataSync());
      tf.dispose([x, y]);
      conv.dispose();
      return values;
    };
    const backend = tf.getBackend();
    const here = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend(backend);
    expect(here).toBeAllClose(cpu, { rtol: 1e-5, atol: 1e-6 });
  });

  it('has finite gradients that agree with central finite differences', () => {
    const conv = new Conv2d(2, 2, 3, { stride: 2, activation: 'tanh', seed: 3 });
    const x = tf.randomNormal<tf.Rank.R4>([1, 5, 5, 2], 0, 1, 'float32', 4);
    const r = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 5);
    const loss = () => tf.sum<tf.Scalar>(tf.mul(conv.apply(x), r));
    const { grads } = tf.variableGrads(loss, [conv.kernel, conv.bias]);
    const gx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(conv.apply(input as tf.Tensor4D), r)))(x);
    for (const g of [...Object.values(grads), gx]) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    const numeric = (v: tf.Variable | tf.Tensor, assignable: boolean, index: number, h = 1e-2) => {
      const values = v.dataSync().slice();
      const at = (delta: number) => {
        const shifted = values.slice();
        shifted[index] += delta;
        const t = tf.tensor(shifted, v.shape);
        let value: number;
        if (assignable) {
          (v as tf.Variable).assign(t);
          value = tf.tidy(() => loss().dataSync()[0]);
        } else value = tf.tidy(() => tf.sum(tf.mul(conv.apply(t as tf.Tensor4D), r)).dataSync()[0]);
        t.dispose();
        return value;
      };
      const d = (at(h) - at(-h)) / (2 * h);
      if (assignable) tf.tidy(() => (v as tf.Variable).assign(tf.tensor(values, v.shape)));
      return d;
    };
    for (const i of [0, 5, 17, 35])
      expect(numeric(conv.kernel, true, i)).toBeCloseTo(grads[conv.kernel.name].dataSync()[i], 2);
    for (const i of [0, 1])
      expect(numeric(conv.bias, true, i)).toBeCloseTo(grads[conv.bias.name].dataSync()[i], 2);
    for (const i of [0, 13, 27, 49]) expect(numeric(x, false, i)).toBeCloseTo(gx.dataSync()[i], 2);
    tf.dispose([x, r, gx, ...Object.values(grads)]);
    conv.dispose();
  });

  it.each([
    {
      what: 'kernelSize 0',
      make: () => new Conv2d(1, 2, 0),
      message: "'kernelSize' must be an integer >= 1, got 0",
    },
    {
      what: 'stride 0',
      make: () => new Conv2d(1, 2, 3, { stride: 0 }),
      message: "'stride' must be an integer >= 1, got 0",
    },
    {
      what: 'an unknown padding',
      make: () => new Conv2d(1, 2, 3, { padding: 'full' as 'same' }),
      message: "Conv2d(1 -> 2, kernel 3): unknown padding 'full'; expected one of same, valid",
    },
  ])('refuses $what', ({ make, message }) => {
    expect(make).toThrow(ModuleArgumentError);
    expect(make).toThrow(message);
  });

  it('refuses inputs of the wrong rank, channels or size', () => {
    const conv = new Conv2d(2, 3, 3, { padding: 'valid', seed: 0 });
    const cases: [tf.Tensor, string][] = [
      [tf.zeros([4, 4, 2]), 'input has shape [4, 4, 2], expected NHWC [n, h, w, 2]'],
      [tf.zeros([1, 4, 4, 3]), 'input has shape [1, 4, 4, 3], expected NHWC [n, h, w, 2]'],
      [tf.zeros([1, 2, 4, 2]), "input 2x4 is smaller than the kernel with padding 'valid'"],
    ];
    for (const [x, message] of cases) expect(() => conv.apply(x as tf.Tensor4D)).toThrow(message);
    tf.dispose(cases.map(([x]) => x));
    conv.dispose();
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const conv = new Conv2d(1, 2, 3, { stride: 2, activation: 'relu', seed: 0 });
      tf.tidy(() => {
        conv.apply(tf.ones<tf.Rank.R4>([2, 6, 6, 1]));
        tf.variableGrads(() => tf.sum<tf.Scalar>(conv.apply(tf.ones<tf.Rank.R4>([2, 6, 6, 1]))));
      });
      conv.dispose();
    }, 'Conv2d');
  });
});
