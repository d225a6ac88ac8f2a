import { describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import { identity, inverse, luFactors, matmul, slogdet, transpose } from '../linalg/index.js';
import { ActNorm } from './actnorm.js';
import { Bijector, BijectorError } from './bijector.js';
import { Invertible1x1Conv } from './invertible-1x1-conv.js';
import { MultiScale } from './multiscale.js';
import { Squeeze } from './squeeze.js';
import { bijectorSuite } from './suite.js';

/** The `weight` parameter of a plain-form Invertible1x1Conv. */
const weightOf = (conv: Invertible1x1Conv) => conv.parameters().get('weight')!;

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** An ActNorm initialised on data of per-channel means 1 and scales 2 drawn with `seed` (so it is not the identity). */
function initializedActNorm(channels: number, eventNdims: 1 | 3, seed: number): ActNorm {
  const norm = new ActNorm(channels, { eventNdims });
  const shape = eventNdims === 1 ? [64, channels] : [16, 2, 2, channels];
  tf.tidy(() => norm.initialize(tf.add(tf.mul(normal(shape, seed), 2), 1)));
  return norm;
}

bijectorSuite(
  'ActNorm on vectors',
  (seed) => initializedActNorm(3, 1, seed),
  () => normal([5, 3], 11),
);
bijectorSuite(
  'ActNorm on images',
  (seed) => initializedActNorm(2, 3, seed),
  () => normal([2, 4, 4, 2], 12),
);
bijectorSuite(
  'Invertible1x1Conv, LU',
  (seed) => new Invertible1x1Conv(4, { seed }),
  () => normal([2, 2, 2, 4], 13),
);
bijectorSuite(
  'Invertible1x1Conv, plain',
  (seed) => new Invertible1x1Conv(4, { lu: false, seed }),
  () => normal([2, 2, 2, 4], 14),
);
bijectorSuite(
  'Invertible1x1Conv on vectors',
  (seed) => new Invertible1x1Conv(3, { seed, eventNdims: 1 }),
  () => normal([5, 3], 15),
);
/**
 * Squeeze, its output reshaped back to its input's shape: the suite asks for outputs of the input's shape, and a
 * reshape (a log-det of 0) leaves the round trips and the Jacobian's determinant as Squeeze has them.
 */
class SqueezeSameShape extends Bijector {
  readonly eventNdims = 3;
  private readonly squeeze = new Squeeze();
  forwardAndLogDet(z: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      const [x, logDet] = this.squeeze.forwardAndLogDet(z);
      return [tf.reshape(x, z.shape), logDet];
    });
  }
  override inverseAndLogDet(y: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [n, h, w, c] = y.shape;
    return tf.tidy(() => this.squeeze.inverseAndLogDet(tf.reshape(y, [n, 2 * h, 2 * w, c / 4])));
  }
}
bijectorSuite(
  'Squeeze',
  () => new SqueezeSameShape(),
  () => normal([2, 2, 2, 4], 16),
);
bijectorSuite(
  'MultiScale(ActNorm)',
  (seed) => new MultiScale(initializedActNorm(2, 3, seed)),
  () => normal([2, 2, 2, 4], 17),
);
bijectorSuite(
  'MultiScale(Invertible1x1Conv), 3 channels',
  (seed) => new MultiScale(new Invertible1x1Conv(2, { seed })),
  () => normal([2, 2, 2, 3], 18),
);

/** Per-channel mean and biased variance of `t` (channels last), in float64. */
function channelMoments(t: tf.Tensor): { mean: number[]; variance: number[] } {
  const c = t.shape[t.rank - 1];
  const v = t.dataSync();
  const n = v.length / c;
  const mean = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = k; i < v.length; i += c) s += v[i];
    return s / n;
  });
  const variance = mean.map((m, k) => {
    let s = 0;
    for (let i = k; i < v.length; i += c) s += (v[i] - m) ** 2;
    return s / n;
  });
  return { mean, variance };
}

describe('ActNorm', () => {
  it.each([
    { name: 'vectors', shape: [4000, 3], eventNdims: 1 as const },
    { name: 'images', shape: [100, 4, 5, 3], eventNdims: 3 as const },
  ])(
    'data initialisation gives zero mean and unit variance per channel on $name',
    ({ shape, eventNdims }) => {
      const norm = new ActNorm(3, { eventNdims });
      tf.tidy(() => {
        const x = tf.add(tf.mul(normal(shape, 3), [0.5, 2, 3]), [1, -2, 0.25]);
        expect(norm.initialized).toBe(false);
        norm.initialize(x);
        expect(norm.initialized).toBe(true);
        // shift = m, logScale = log(sqrt(v) + 1e-6), with the batch's own moments.
        const { mean, variance } = channelMoments(x);
        expect(norm.shift).toBeAllClose(Float64Array.from(mean), { rtol: 1e-5, atol: 1e-5 });
        expect(norm.logScale).toBeAllClose(
          Float64Array.from(variance.map((v) => Math.log(Math.sqrt(v) + 1e-6))),
          {
            rtol: 1e-5,
            atol: 1e-5,
          },
        );
        const moments = channelMoments(norm.inverse(x));
        expect(Float64Array.from(moments.mean)).toBeAllClose(0, { atol: 1e-5 });
        expect(Float64Array.from(moments.variance)).toBeAllClose(1, { rtol: 1e-4 });
      });
      norm.dispose();
    },
  );

  it('is initialised once: a second batch, or a loaded model marked initialised, keeps the parameters', () => {
    const norm = new ActNorm(2);
    tf.tidy(() => {
      norm.initialize(tf.add(normal([8, 2, 2, 2], 4), 3));
      const before = [Float64Array.from(norm.shift.dataSync()), Float64Array.from(norm.logScale.dataSync())];
      norm.initialize(tf.mul(normal([8, 2, 2, 2], 5), 10));
      expect(norm.shift).toBeAllClose(before[0], { rtol: 0, atol: 0 });
      expect(norm.logScale).toBeAllClose(before[1], { rtol: 0, atol: 0 });

      const loaded = new ActNorm(2);
      loaded.loadParameters(norm.parameters());
      loaded.markInitialized();
      expect(loaded.initialized).toBe(true);
      loaded.initialize(tf.mul(normal([8, 2, 2, 2], 6), 10));
      expect(loaded.shift).toBeAllClose(before[0], { rtol: 0, atol: 0 });
      expect(loaded.logScale).toBeAllClose(before[1], { rtol: 0, atol: 0 });
      loaded.dispose();
    });
    norm.dispose();
  });

  it('has the log-det h * w * sum(logScale) per image', () => {
    const norm = new ActNorm(2);
    tf.tidy(() => {
      norm.logScale.assign(tf.tensor1d([0.25, -0.75]));
      const [, logDet] = norm.forwardAndLogDet(tf.zeros([3, 4, 5, 2]));
      expect(logDet).toBeAllClose([-10, -10, -10]);
      expect(norm.inverseLogDet(tf.zeros([3, 4, 5, 2]))).toBeAllClose([10, 10, 10]);
    });
    norm.dispose();
  });
});

// z = ((np.arange(12) - 5.5) / 4).reshape(1, 2, 2, 3), the input of the two reference cases below.
const Z = () =>
  tf.tensor4d(
    Array.from({ length: 12 }, (_, i) => (i - 5.5) / 4),
    [1, 2, 2, 3],
  );

describe('Invertible1x1Conv', () => {
  it('matches numpy for a given W (plain form): x = z W^T, log-det = h w slogdet(W)', () => {
    const conv = new Invertible1x1Conv(3, { lu: false, seed: 1 });
    tf.tidy(() => {
      const G = [1.0, 0.5, -0.3, 0.2, -1.5, 0.4, 0.7, 0.1, 2.0];
      conv.loadParameters(new Map([['weight', tf.tensor2d(G, [3, 3])]]));
      const [x, logDet] = conv.forwardAndLogDet(Z());
      // G = np.array([[1.0, 0.5, -0.3], [0.2, -1.5, 0.4], [0.7, 0.1, 2.0]]); (z @ G.T).ravel()
      expect(tf.reshape(x, [-1])).toBeAllClose(
        [
          -1.675, 1.0625, -2.825, -0.775, 0.3875, -0.725, 0.125, -0.2875, 1.375, 1.025, -0.9624999999999999,
          3.475,
        ],
        { rtol: 1e-4, atol: 1e-6 },
      );
      // 4 * np.linalg.slogdet(G)[1] (the sign is -1)
      expect(logDet).toBeAllClose([4.919731623981871], { rtol: 1e-5 });
      expect(conv.inverse(x)).toBeAllClose(Z(), { rtol: 1e-5, atol: 1e-6 });
    });
    conv.dispose();
  });

  it('matches numpy for given LU factors: W = L (U + diag(exp(logAbsS)))', () => {
    const conv = new Invertible1x1Conv(3, { seed: 1 });
    tf.tidy(() => {
      conv.loadParameters(
        new Map<string, tf.Tensor>([
          ['lower', tf.tensor2d([9, 9, 9, 0.3, 9, 9, -0.2, 0.5, 9], [3, 3])], // 9s: masked off
          ['upper', tf.tensor2d([9, 0.4, -0.1, 9, 9, 0.6, 9, 9, 9], [3, 3])],
          ['logAbsS', tf.tensor1d([0.1, -0.2, 0.3])],
        ]),
      );
      // L = np.eye(3) + [[0, 0, 0], [0.3, 0, 0], [-0.2, 0.5, 0]]
      // U = [[0, 0.4, -0.1], [0, 0, 0.6], [0, 0, 0]] + np.diag(np.exp([0.1, -0.2, 0.3])); W = L @ U; W.ravel()
      expect(conv.weightMatrix()).toBeAllClose(
        [
          [1.1051709180756477, 0.4, -0.1],
          [0.3315512754226943, 0.9387307530779818, 0.57],
          [-0.22103418361512955, 0.3293653765389909, 1.6698588075760032],
        ],
        { rtol: 1e-5 },
      );
      const [x, logDet] = conv.forwardAndLogDet(Z());
      // (z @ W.T).ravel()
      expect(tf.reshape(x, [-1])).toBeAllClose(
        [
          -1.8821100123540158, -2.0107051009189343, -1.5277405027645645, -0.8282318237972799,
          -0.6304935795434272, -0.194098002389666, 0.225646364759456, 0.74971794183208, 1.1395444979852325,
          1.2795245533161919, 2.129929463207587, 2.4731869983601307,
        ],
        { rtol: 1e-4, atol: 1e-6 },
      );
      // 4 * np.linalg.slogdet(W)[1]
      expect(logDet).toBeAllClose([0.8000000000000003], { rtol: 1e-5 });
    });
    conv.dispose();
  });

  it.each([
    { name: 'LU', lu: true },
    { name: 'plain', lu: false },
  ])('starts from a random rotation of its seed ($name)', ({ lu }) => {
    const c = 5;
    const convs = [1, 1, 2].map((seed) => new Invertible1x1Conv(c, { lu, seed }));
    const [w, same, other] = convs.map((conv) => tf.tidy(() => conv.weightMatrix().dataSync()));
    expect(matmul(w, transpose(w, c), c)).toBeAllClose(identity(c), { rtol: 1e-5, atol: 1e-5 });
    expect(slogdet(w, c).logAbsDet).toBeAllClose(0, { atol: 1e-5 });
    expect(same).toEqual(w);
    expect(other).not.toEqual(w);
    convs.forEach((conv) => conv.dispose());
  });

  it('has parameters that are the LU factors of W, with no permutation and a positive diagonal', () => {
    const c = 6;
    const conv = new Invertible1x1Conv(c, { seed: 3 });
    const params = Object.fromEntries([...conv.parameters()].map(([name, v]) => [name, v.dataSync()]));
    expect(Object.keys(params)).toEqual(['lower', 'upper', 'logAbsS']);
    const w = tf.tidy(() => conv.weightMatrix().dataSync());
    const { P, L, U } = luFactors(w, c);
    expect(P).toEqual(identity(c));
    const tolerance = { rtol: 1e-5, atol: 1e-6 };
    for (let i = 0; i < c; i++)
      for (let j = 0; j < c; j++) {
        if (j < i) expect(L[i * c + j]).toBeAllClose(params.lower[i * c + j], tolerance);
        if (j > i) expect(U[i * c + j]).toBeAllClose(params.upper[i * c + j], tolerance);
      }
    for (let i = 0; i < c; i++) expect(U[i * c + i]).toBeAllClose(Math.exp(params.logAbsS[i]), tolerance);
    conv.dispose();
  });

  it('differentiates log|det W| as W^{-T} (plain form), against finite differences of slogdet', () => {
    const c = 4;
    const conv = new Invertible1x1Conv(c, { lu: false, seed: 5 });
    tf.tidy(() => weightOf(conv).assign(tf.add(weightOf(conv), normal([c, c], 6))));
    const { grads, value } = tf.variableGrads(() => conv.logAbsDetWeight() as tf.Scalar);
    const w = Float64Array.from(weightOf(conv).dataSync());
    const step = 1e-6;
    const numeric = w.map((_, k) => {
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[k] += step;
      minus[k] -= step;
      return (slogdet(plus, c).logAbsDet - slogdet(minus, c).logAbsDet) / (2 * step);
    });
    expect(grads[weightOf(conv).name]).toBeAllClose(numeric, { rtol: 1e-4, atol: 1e-5 });
    expect(value).toBeAllClose(slogdet(w, c).logAbsDet, { rtol: 1e-6 });
    tf.dispose([value, ...Object.values(grads)]);
    conv.dispose();
  });

  it('differentiates the inverse (the density direction) as float64 finite differences do', () => {
    const c = 3;
    const x = tf.tensor2d([0.5, -1, 2, 1.5, 0.25, -0.75], [2, c]);
    const conv1 = new Invertible1x1Conv(c, { lu: false, seed: 7, eventNdims: 1 });
    // loss(W) = sum of the squares of W^{-1} x over the rows of x.
    const { grads, value } = tf.variableGrads(() => tf.sum<tf.Scalar>(tf.square(conv1.inverse(x))));
    const rows = x.dataSync();
    const loss = (m: Float64Array) => {
      const inv = inverse(m, c);
      let s = 0;
      for (let r = 0; r < 2; r++)
        for (let i = 0; i < c; i++) {
          let v = 0;
          for (let j = 0; j < c; j++) v += inv[i * c + j] * rows[r * c + j];
          s += v * v;
        }
      return s;
    };
    const w = Float64Array.from(weightOf(conv1).dataSync());
    const step = 1e-6;
    const numeric = w.map((_, k) => {
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[k] += step;
      minus[k] -= step;
      return (loss(plus) - loss(minus)) / (2 * step);
    });
    expect(value).toBeAllClose(loss(w), { rtol: 1e-5 });
    expect(grads[weightOf(conv1).name]).toBeAllClose(numeric, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, value, ...Object.values(grads)]);
    conv1.dispose();
  });

  const SINGULAR =
    'Invertible1x1Conv: the weight matrix is singular (log|det W| = -Infinity); it cannot be inverted';
  it.each([
    { name: 'forwardAndLogDet', call: (b: Bijector, x: tf.Tensor) => b.forwardAndLogDet(x) },
    { name: 'inverseAndLogDet', call: (b: Bijector, x: tf.Tensor) => b.inverseAndLogDet(x) },
    { name: 'inverse', call: (b: Bijector, x: tf.Tensor) => b.inverse(x) },
  ])('refuses a singular weight in $name, leaking nothing', async ({ call }) => {
    const conv = new Invertible1x1Conv(2, { lu: false, seed: 1 });
    tf.tidy(() => weightOf(conv).assign(tf.tensor2d([1, 2, 2, 4], [2, 2])));
    const x = tf.ones([1, 2, 2, 2]);
    await assertNoLeaks(() => {
      expect(() => call(conv, x)).toThrow(new BijectorError(SINGULAR));
    }, 'singular');
    x.dispose();
    conv.dispose();
  });
});

describe('Squeeze', () => {
  it('puts the 2 x 2 patch of channel k into channels 4k + 2i + j', () => {
    tf.tidy(() => {
      // x[0, i, j, k] = 10 * (2i + j) + k: the pixel's index in the patch, then the channel.
      const x = tf.tensor4d([0, 1, 10, 11, 20, 21, 30, 31], [1, 2, 2, 2]);
      const [z, logDet] = new Squeeze().inverseAndLogDet(x);
      expect(z.shape).toEqual([1, 1, 1, 8]);
      expect(tf.reshape(z, [-1])).toBeAllClose([0, 10, 20, 30, 1, 11, 21, 31], { rtol: 0, atol: 0 });
      expect(logDet).toBeAllClose([0]);
    });
  });

  it("matches torch's pixel_unshuffle on NCHW", () => {
    tf.tidy(() => {
      const x = tf.reshape(tf.range(0, 48), [1, 4, 4, 3]);
      const z = new Squeeze().inverse(x);
      // x = torch.arange(48.).reshape(1, 4, 4, 3)
      // F.pixel_unshuffle(x.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1).ravel()
      const expected = [
        0, 3, 12, 15, 1, 4, 13, 16, 2, 5, 14, 17, 6, 9, 18, 21, 7, 10, 19, 22, 8, 11, 20, 23, 24, 27, 36, 39,
        25, 28, 37, 40, 26, 29, 38, 41, 30, 33, 42, 45, 31, 34, 43, 46, 32, 35, 44, 47,
      ];
      expect(z.shape).toEqual([1, 2, 2, 12]);
      expect(tf.reshape(z, [-1])).toBeAllClose(expected, { rtol: 0, atol: 0 });
      expect(new Squeeze().forward(z)).toBeAllClose(x, { rtol: 0, atol: 0 });
    });
  });

  it('keeps extra batch dimensions', () => {
    tf.tidy(() => {
      const x = normal([2, 3, 4, 2, 1], 8);
      const [z, logDet] = new Squeeze().inverseAndLogDet(x);
      expect(z.shape).toEqual([2, 3, 2, 1, 4]);
      expect(logDet.shape).toEqual([2, 3]);
      expect(new Squeeze().forward(z)).toBeAllClose(x, { rtol: 0, atol: 0 });
    });
  });
});

describe('MultiScale', () => {
  it('transforms the first ceil(c / 2) channels with inner and passes the rest through', () => {
    const inner = new Invertible1x1Conv(2, { seed: 9 });
    const level = new MultiScale(inner);
    expect([...level.parameters().keys()]).toEqual(['inner.lower', 'inner.upper', 'inner.logAbsS']);
    tf.tidy(() => {
      const x = normal([2, 2, 2, 3], 10);
      const [z, logDet] = level.inverseAndLogDet(x);
      const [kept, factored] = tf.split(x, [2, 1], -1);
      const [zKept, innerLogDet] = inner.inverseAndLogDet(kept);
      expect(z).toBeAllClose(tf.concat([zKept, factored], -1), { rtol: 0, atol: 0 });
      expect(logDet).toBeAllClose(innerLogDet, { rtol: 0, atol: 0 });
      expect(level.forward(z)).toBeAllClose(x, { rtol: 1e-5, atol: 1e-5 });
    });
    level.dispose();
  });

  it('initialises inner on the channels it sees', () => {
    const level = new MultiScale(new ActNorm(2));
    tf.tidy(() => {
      const x = tf.add(tf.mul(normal([50, 2, 2, 4], 11), 3), 2);
      level.initialize(x);
      const z = level.inverse(x);
      const moments = channelMoments(z);
      expect(Float64Array.from(moments.mean.slice(0, 2))).toBeAllClose(0, { atol: 1e-5 });
      expect(Float64Array.from(moments.variance.slice(0, 2))).toBeAllClose(1, { rtol: 1e-4 });
      expect(tf.slice(z, [0, 0, 0, 2], [-1, -1, -1, 2])).toBeAllClose(
        tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]),
        {
          rtol: 0,
          atol: 0,
        },
      );
    });
    level.dispose();
  });
});

describe('argument errors', () => {
  it.each([
    {
      name: 'ActNorm with the wrong channel count',
      run: () => new ActNorm(3).forward(tf.zeros([1, 2, 2, 4])),
      message:
        "ActNorm.forwardAndLogDet: argument 'z' must have at least 3 dimensions and 3 channels on its last axis, " +
        'got shape [1, 2, 2, 4]',
    },
    {
      name: 'ActNorm with 0 channels',
      run: () => new ActNorm(0),
      message: "ActNorm: argument 'channels' must be a positive integer, got 0",
    },
    {
      name: 'Invertible1x1Conv on a vector of the wrong size',
      run: () => new Invertible1x1Conv(3, { seed: 1, eventNdims: 1 }).inverse(tf.zeros([2, 4])),
      message:
        "Invertible1x1Conv.inverseAndLogDet: argument 'x' must have at least 1 dimensions and 3 channels on its " +
        'last axis, got shape [2, 4]',
    },
    {
      name: 'Squeeze of an odd height',
      run: () => new Squeeze().inverse(tf.zeros([1, 3, 4, 1])),
      message:
        "Squeeze.inverseAndLogDet: argument 'x' must have an even height and width, got shape [1, 3, 4, 1]",
    },
    {
      name: 'Squeeze forward of 3 channels',
      run: () => new Squeeze().forward(tf.zeros([1, 2, 2, 3])),
      message:
        "Squeeze.forwardAndLogDet: argument 'z' must have a number of channels divisible by 4, got shape [1, 2, 2, 3]",
    },
    {
      name: 'MultiScale of 1 channel',
      run: () => new MultiScale(new ActNorm(1)).inverse(tf.zeros([1, 2, 2, 1])),
      message:
        "MultiScale.inverseAndLogDet: argument 'x' must have at least 3 dimensions and at least 2 channels on its " +
        'last axis, got shape [1, 2, 2, 1]',
    },
  ])('$name', ({ run, message }) => {
    tf.tidy(() => {
      expect(run).toThrow(new BijectorError(message));
    });
  });
});

describe('memory', () => {
  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const flow = new MultiScale(new Invertible1x1Conv(2, { lu: false, seed: 1 }));
      const norm = new ActNorm(4);
      const x = normal([2, 4, 4, 1], 12);
      const squeeze = new Squeeze();
      const [z, squeezeLogDet] = squeeze.inverseAndLogDet(x);
      norm.initialize(z);
      flow.initialize(z);
      tf.dispose([
        z,
        squeezeLogDet,
        x,
        ...flow.inverseAndLogDet(z),
        ...norm.forwardAndLogDet(z),
        ...squeeze.forwardAndLogDet(z),
      ]);
      flow.dispose();
      norm.dispose();
    }, 'image bijectors');
  });
});
