import { describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import { Independent } from '../distributions/independent.js';
import { Normal } from '../distributions/normal.js';
import {
  AdditiveCoupling,
  AdditiveTransform,
  AffineCoupling,
  AffineTransform,
  BijectorError,
  Chain,
  Invert,
  Logit,
  MaskedCoupling,
  Permute,
  Reverse,
  Scale,
  Shift,
  TransformedDistribution,
  type CouplingTransform,
  alternatingMask,
  channelMask,
  checkerboardMask,
  dequantize,
  halfMask,
  niceScaling,
} from './index.js';
import { autodiffLogDet, bijectorSuite, perturbParameters } from './suite.js';

const normal =
  (shape: number[], seed: number, std = 1) =>
  () =>
    tf.randomNormal(shape, 0, std, 'float32', seed);
const oneHot = (n: number, k: number) => () =>
  tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        [...Array(n).keys()].map((i) => i % k),
        'int32',
      ),
      k,
    ),
  );
const small = { hidden: [8, 8] };

/**
 * A third coupling, defined here in a few lines to show that a new coupling is one transform: an elementwise affine
 * map with a positive scale, y = softplus(a) x + b, log|dy/dx| = log softplus(a). Unlike the built-in transforms it
 * is not the identity at a = b = 0 (softplus(0) = log 2), so the suite also checks that the coupling leaves the
 * kept coordinates alone.
 */
const softplusAffine: CouplingTransform = {
  paramsPerCoordinate: 2,
  forward: (x, [a, b]) => [tf.add(tf.mul(tf.softplus(a), x), b), tf.log(tf.softplus(a))],
  inverse: (y, [a, b]) => [tf.div(tf.sub(y, b), tf.softplus(a)), tf.neg(tf.log(tf.softplus(a)))],
};

describe('the bijector suite over every bijector', () => {
  bijectorSuite('Shift', (seed) => new Shift(3, { init: [seed, 0.5, -1] }), normal([5, 3], 1));
  bijectorSuite('Scale (vectors)', () => new Scale(4, { init: [0.1, -0.2, 0.3, 0] }), normal([5, 4], 2));
  bijectorSuite('Scale (images)', () => new Scale(2, { eventNdims: 3 }), normal([2, 3, 4, 2], 3));
  bijectorSuite('niceScaling', () => niceScaling(5), normal([4, 5], 4));
  bijectorSuite('Permute', () => new Permute([2, 0, 3, 1]), normal([5, 4], 5));
  bijectorSuite('Reverse', () => new Reverse(6), normal([3, 6], 6));
  bijectorSuite(
    'AdditiveCoupling (alternating, d = 2)',
    (seed) => new AdditiveCoupling(alternatingMask(2, 0), { ...small, seed }),
    normal([6, 2], 7),
  );
  bijectorSuite(
    'AdditiveCoupling (half, d = 5)',
    (seed) => new AdditiveCoupling(halfMask(5, 1), { ...small, seed, activation: 'tanh' }),
    normal([6, 5], 8),
  );
  bijectorSuite(
    'AdditiveCoupling (conditional)',
    (seed) => new AdditiveCoupling(alternatingMask(3, 1), { ...small, seed, contextSize: 2 }),
    normal([6, 3], 9),
    { context: oneHot(6, 2) },
  );
  bijectorSuite(
    'AffineCoupling (peer config, d = 2)',
    (seed) => new AffineCoupling(alternatingMask(2, 1), { hidden: [64, 64], seed, logScaleBound: 1 }),
    normal([6, 2], 10),
  );
  bijectorSuite(
    'AffineCoupling (half, d = 6)',
    (seed) => new AffineCoupling(halfMask(6, 0), { ...small, seed }),
    normal([5, 6], 11),
  );
  bijectorSuite(
    'AffineCoupling (conditional, d = 4)',
    (seed) => new AffineCoupling(alternatingMask(4, 0), { ...small, seed, contextSize: 3 }),
    normal([6, 4], 12),
    { context: oneHot(6, 3) },
  );
  bijectorSuite(
    'AffineCoupling (checkerboard image)',
    (seed) => new AffineCoupling(checkerboardMask(4, 4, 2, 0), { hidden: [4, 4], seed }),
    normal([2, 4, 4, 2], 13),
  );
  bijectorSuite(
    'AffineCoupling (channel image)',
    (seed) => new AffineCoupling(channelMask(4, 4, 2, 1), { hidden: [4], seed }),
    normal([2, 4, 4, 2], 14),
  );
  bijectorSuite(
    'AffineCoupling (conditional image)',
    (seed) => new AffineCoupling(checkerboardMask(3, 3, 2, 1), { hidden: [4], seed, contextSize: 2 }),
    normal([2, 3, 3, 2], 15),
    { context: oneHot(2, 2) },
  );
  bijectorSuite(
    'MaskedCoupling (a test-local softplus-affine transform, conditional, d = 4)',
    (seed) => new MaskedCoupling(alternatingMask(4, 1), softplusAffine, { ...small, seed, contextSize: 2 }),
    normal([6, 4], 21),
    { context: oneHot(6, 2) },
  );
  bijectorSuite(
    'MaskedCoupling (a test-local softplus-affine transform, checkerboard image)',
    (seed) => new MaskedCoupling(checkerboardMask(4, 4, 2, 1), softplusAffine, { hidden: [4], seed }),
    normal([2, 4, 4, 2], 22),
  );
  bijectorSuite(
    'MaskedCoupling (AffineTransform with a learnable scale, tanh)',
    (seed) =>
      new MaskedCoupling(halfMask(5, 0), new AffineTransform({ channels: 5 }), {
        ...small,
        seed,
        activation: 'tanh',
      }),
    normal([5, 5], 23),
  );
  bijectorSuite('Logit (images)', () => new Logit(), normal([2, 3, 3, 2], 16, 1.5));
  bijectorSuite(
    'Logit (vectors, alpha 0)',
    () => new Logit({ alpha: 0, eventNdims: 1 }),
    normal([4, 3], 17, 1.5),
  );
  bijectorSuite(
    'Invert(AffineCoupling)',
    (seed) => new Invert(new AffineCoupling(halfMask(3, 0), { ...small, seed })),
    normal([5, 3], 18),
  );
  bijectorSuite(
    'Chain (NICE-like, with a context)',
    (seed) =>
      new Chain([
        new AffineCoupling(alternatingMask(4, 0), { ...small, seed, contextSize: 2 }),
        new Reverse(4),
        new AdditiveCoupling(halfMask(4, 1), { ...small, seed: seed + 10, contextSize: 2 }),
        new Scale(4),
        new Shift(4),
      ]),
    normal([5, 4], 19),
    { context: oneHot(5, 2) },
  );
  bijectorSuite(
    'Chain (images, mixed event ranks)',
    (seed) =>
      new Chain([
        new AffineCoupling(checkerboardMask(4, 4, 2, 0), { hidden: [4], seed }),
        new Permute([1, 0]),
        new AffineCoupling(channelMask(4, 4, 2, 0), { hidden: [4], seed: seed + 1 }),
        new Logit(),
      ]),
    normal([2, 4, 4, 2], 20),
  );
});

describe('AffineCoupling against the PyTorch peer', () => {
  // The peer's Coupling with hidden=4 and deterministic weights; see /work/shared/peers/flow2d_torch.py:
  //   w(layer, shape, k)[i][j] = 0.6 sin(1.3 i + 0.7 j + k + 0.37 layer), our kernel[in][out] (torch's weight.T)
  //   m = RealNVP(k=2); layer li's Linear k gets weight w(li, (in, out), k).T, bias w(li, (1, out), k + 10)[0]
  //   x = [[0.3, -1.2], [1.5, 0.4], [-0.7, 2.1]]; m.layers[0].inverse(x); m.log_prob(x)   (torch 1.13, float64)
  const w = (layer: number, rows: number, cols: number, k: number) =>
    tf.tensor2d(
      Array.from({ length: rows }, (_, i) =>
        Array.from({ length: cols }, (_, j) => 0.6 * Math.sin(1.3 * i + 0.7 * j + k + 0.37 * layer)),
      ),
    );
  function peerLayer(layer: number): AffineCoupling {
    const b = new AffineCoupling(alternatingMask(2, layer % 2 === 0 ? 0 : 1), {
      hidden: [4, 4],
      logScaleBound: 1,
      seed: 3,
    });
    const shapes: [string, number, number][] = [
      ['hidden0', 2, 4],
      ['hidden1', 4, 4],
      ['output', 4, 4],
    ];
    const values = new Map<string, tf.Tensor>();
    shapes.forEach(([name, rows, cols], k) => {
      values.set(`net.${name}.kernel`, w(layer, rows, cols, k));
      values.set(`net.${name}.bias`, tf.reshape(w(layer, 1, cols, k + 10), [cols]));
    });
    b.loadParameters(values);
    tf.dispose([...values.values()]);
    return b;
  }
  const x = [
    [0.3, -1.2],
    [1.5, 0.4],
    [-0.7, 2.1],
  ];

  it("inverseAndLogDet is the peer's Coupling.inverse", () => {
    const b = peerLayer(0);
    const [z, logDet] = b.inverseAndLogDet(tf.tensor2d(x));
    expect(z).toBeAllClose(
      [
        [0.3, -1.7286496100254056],
        [1.5, -0.37086599497614364],
        [-0.7, 1.1513348066025348],
      ],
      { rtol: 1e-4, atol: 1e-6 },
    );
    expect(logDet).toBeAllClose([-0.13613758523229513, -0.15184015124766623, -0.13613758523229513], {
      rtol: 1e-4,
    });
    expect(b.forward(z)).toBeAllClose(x, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([z, logDet]);
    b.dispose();
  });

  it("a two-layer flow's logProb is the peer's RealNVP.log_prob (peer layers listed in reverse: ours run forward)", () => {
    // The peer applies layers[0].inverse first, on the data; our Chain's inverse starts at its last layer.
    const flow = new Chain([peerLayer(1), peerLayer(0)]);
    const base = new Independent(new Normal([0, 0], [1, 1]), 1);
    const dist = new TransformedDistribution(base, flow);
    expect(dist.logProb(x)).toBeAllClose([-3.648712432009099, -2.1569558849651465, -4.201104792079332], {
      rtol: 1e-4,
    });
    dist.dispose();
    flow.dispose();
  });
});

describe('Chain', () => {
  it('applies its bijectors in the order given (normflows), the reverse of TFP', () => {
    const chain = new Chain([new Shift(1, { init: 1 }), new Scale(1, { init: Math.log(2) })]);
    expect(chain.forward(tf.tensor2d([[1]]))).toBeAllClose([[4]]); // (1 + 1) * 2; TFP's order would give 3
    expect(chain.inverse(tf.tensor2d([[4]]))).toBeAllClose([[1]]);
    expect(chain.forwardLogDet(tf.tensor2d([[1]]))).toBeAllClose([Math.log(2)]);
    chain.dispose();
  });

  it('names parameters layer<i>.<child name> and sums log-dets of lower-rank children over the event', () => {
    const chain = new Chain([
      new Scale(2),
      new AffineCoupling(checkerboardMask(2, 2, 2, 0), { hidden: [3], seed: 0 }),
      new Scale(2, { eventNdims: 3 }),
    ]);
    expect([...chain.parameters().keys()]).toEqual([
      'layer0.logScale',
      'layer1.net.hidden0.kernel',
      'layer1.net.hidden0.bias',
      'layer1.net.output.kernel',
      'layer1.net.output.bias',
      'layer1.transform.scale',
      'layer2.logScale',
    ]);
    expect(chain.eventNdims).toBe(3);
    const logScale = chain.parameters().get('layer0.logScale')!;
    logScale.assign(tf.tensor1d([0.5, 0.25]));
    // Scale with eventNdims 1 on [1, 2, 2, 2]: log-det 0.75 per pixel, 4 pixels; the coupling starts at the identity.
    expect(chain.forwardLogDet(tf.ones([1, 2, 2, 2]))).toBeAllClose([3], { rtol: 1e-6 });
    chain.dispose();
  });

  it('forwardStages lists z, each intermediate value and x', () => {
    const chain = new Chain([new Shift(2, { init: 1 }), new Scale(2, { init: Math.log(3) })]);
    const stages = chain.forwardStages(tf.tensor2d([[0, 1]]));
    expect(stages).toHaveLength(3);
    expect(stages[0]).toBeAllClose([[0, 1]]);
    expect(stages[1]).toBeAllClose([[1, 2]]);
    expect(stages[2]).toBeAllClose([[3, 6]], { rtol: 1e-6 });
    tf.dispose(stages);
    chain.dispose();
  });

  it('initialize runs on data in the inverse direction, last bijector first', () => {
    const seen: number[][] = [];
    class Recorder extends Shift {
      override initialize(x: tf.Tensor): void {
        seen.push(Array.from(x.dataSync()));
      }
    }
    const chain = new Chain([new Recorder(1, { init: 10 }), new Recorder(1, { init: 1 })]);
    chain.initialize(tf.tensor2d([[5]]));
    expect(seen).toEqual([[5], [4]]); // layer1 sees the data, layer0 sees layer1.inverse(data) = 5 - 1
    chain.dispose();
  });

  it('rejects an empty list', () => {
    expect(() => new Chain([])).toThrow(/Chain: 'bijectors' must hold at least one bijector/);
  });
});

describe('Scale, Shift, Invert, Logit, masks', () => {
  it('Scale on images: the log-det is sum(logScale) times h w', () => {
    const b = new Scale(2, { init: [0.5, -0.2], eventNdims: 3 });
    expect(b.forwardLogDet(tf.ones([3, 4, 5, 2]))).toBeAllClose([6, 6, 6], { rtol: 1e-5 }); // 20 pixels * 0.3
    b.dispose();
  });

  it('non-learnable Shift and Scale have no parameters', () => {
    const s = new Shift(2, { learnable: false, init: 1 });
    const c = new Scale(2, { learnable: false });
    expect(s.numParameters() + c.numParameters()).toBe(0);
    s.dispose();
    c.dispose();
  });

  it('Invert swaps the directions of its child', () => {
    const b = new Invert(new Scale(1, { init: Math.log(2) }));
    expect(b.forward(tf.tensor2d([[4]]))).toBeAllClose([[2]]);
    expect(b.forwardLogDet(tf.tensor2d([[4]]))).toBeAllClose([-Math.log(2)], { rtol: 1e-6 });
    expect([...b.parameters().keys()]).toEqual(['bijector.logScale']);
    b.dispose();
  });

  it('Logit matches scipy', () => {
    const b = new Logit({ alpha: 0.05, eventNdims: 1 });
    // scipy.special.logit(0.05 + 0.9 x); sum(log(0.9) - log(p) - log1p(-p)) for x = [0, 0.2, 0.5, 0.97, 1]
    const [z, ld] = b.inverseAndLogDet(tf.tensor2d([[0, 0.2, 0.5, 0.97, 1]]));
    expect(z).toBeAllClose(
      [[-2.9444389791664403, -1.208311205924534, 0, 2.483823812649169, 2.944438979166442]],
      { rtol: 1e-4, atol: 1e-6 },
    );
    expect(ld).toBeAllClose([11.328659554514932], { rtol: 1e-4 });
    // (scipy.special.expit(z) - 0.05) / 0.9; sum(log(s) + log1p(-s) - log(0.9)) for z = [-3, -0.5, 0, 1.2, 8]
    const [x, ld2] = b.forwardAndLogDet(tf.tensor2d([[-3, -0.5, 0, 1.2, 8]]));
    expect(x).toBeAllClose(
      [[-0.0028601409138146907, 0.3639340764423838, 0.5, 0.7983608705544638, 1.0551829442994818]],
      { rtol: 1e-4, atol: 1e-6 },
    );
    expect(ld2).toBeAllClose([-15.132056201760626], { rtol: 1e-4 });
    tf.dispose([z, ld, x, ld2]);
  });

  it('dequantize spreads k/255 uniformly over [k/256, (k+1)/256)', () => {
    const k = tf.tidy(() => tf.floor(tf.randomUniform([100000], 0, 256, 'float32', 3)));
    const v = tf.tidy(() => dequantize(tf.div(k, 255), 7));
    const u = Array.from(tf.tidy(() => tf.sub(tf.mul(v, 256), k)).dataSync()); // 256 v - k = u ~ U(0, 1)
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1e-4);
    expect(Math.max(...u)).toBeLessThan(1 + 1e-4);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / u.length;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
    tf.dispose([k, v]);
  });

  it('masks', () => {
    expect(alternatingMask(5, 0)).toEqual([1, 0, 1, 0, 1]);
    expect(alternatingMask(4, 1)).toEqual([0, 1, 0, 1]);
    expect(halfMask(5, 0)).toEqual([1, 1, 0, 0, 0]);
    expect(halfMask(4, 1)).toEqual([0, 0, 1, 1]);
    expect(checkerboardMask(2, 3, 1, 0)).toEqual([
      [[1], [0], [1]],
      [[0], [1], [0]],
    ]);
    expect(checkerboardMask(1, 2, 2, 1)).toEqual([
      [
        [0, 0],
        [1, 1],
      ],
    ]);
    expect(channelMask(1, 2, 4, 0)).toEqual([
      [
        [1, 1, 0, 0],
        [1, 1, 0, 0],
      ],
    ]);
    expect(channelMask(1, 1, 3, 1)).toEqual([[[0, 1, 1]]]);
  });

  it('a new coupling layer is the identity (zero-initialised output layer)', () => {
    const x = tf.randomNormal([4, 4, 4, 2], 0, 1, 'float32', 1);
    for (const b of [
      new AffineCoupling(checkerboardMask(4, 4, 2, 0), { hidden: [4], seed: 1 }),
      new AdditiveCoupling(channelMask(4, 4, 2, 0), { hidden: [4], seed: 1 }),
    ]) {
      const [y, ld] = b.forwardAndLogDet(x);
      expect(y).toBeAllClose(x, { atol: 0, rtol: 0 });
      expect(ld).toBeAllClose([0, 0, 0, 0], { atol: 0 });
      tf.dispose([y, ld]);
      b.dispose();
    }
    x.dispose();
  });

  it('the autodiff log-det catches a wrong log-det', () => {
    class WrongScale extends Scale {
      override forwardAndLogDet(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
        const [y, ld] = super.forwardAndLogDet(x);
        return [y, tf.tidy(() => tf.mul(ld, 2))];
      }
    }
    const b = new WrongScale(3, { init: [0.1, 0.2, 0.4] });
    const x = tf.ones([2, 3]);
    expect(autodiffLogDet(b, x)).toBeCloseTo(0.7, 5);
    expect(b.forwardLogDet(x)).toBeAllClose([1.4, 1.4], { rtol: 1e-6 });
    x.dispose();
    b.dispose();
  });
});

describe('MaskedCoupling', () => {
  it('a Module transform is the child `transform`: its parameters are listed, loaded and disposed with the layer', async () => {
    await assertNoLeaks(() => {
      const layer = new MaskedCoupling(channelMask(2, 2, 4, 0), new AffineTransform({ channels: 4 }), {
        hidden: [3],
        seed: 0,
      });
      expect([...layer.parameters().keys()]).toEqual([
        'net.hidden0.kernel',
        'net.hidden0.bias',
        'net.output.kernel',
        'net.output.bias',
        'transform.scale',
      ]);
      expect(layer.transform.scale).toBe(layer.parameters().get('transform.scale'));
      const plain = new MaskedCoupling([1, 0], new AdditiveTransform(), { hidden: [3], seed: 0 });
      expect([...plain.parameters().keys()]).toEqual([
        'net.hidden0.kernel',
        'net.hidden0.bias',
        'net.output.kernel',
        'net.output.bias',
      ]);
      layer.dispose();
      plain.dispose();
    }, 'MaskedCoupling');
  });

  it('AffineCoupling and AdditiveCoupling are MaskedCouplings with the built-in transforms', () => {
    const affine = new AffineCoupling(alternatingMask(3, 0), { ...small, seed: 4 });
    const direct = new MaskedCoupling(alternatingMask(3, 0), new AffineTransform({ channels: 3 }), {
      ...small,
      seed: 4,
    });
    const additive = new AdditiveCoupling(alternatingMask(3, 0), small);
    expect(affine).toBeInstanceOf(MaskedCoupling);
    expect(additive).toBeInstanceOf(MaskedCoupling);
    expect(additive.transform).toBeInstanceOf(AdditiveTransform);
    expect(affine.scale).toBe(affine.transform.scale);
    expect(new AffineCoupling([1, 0], { logScaleBound: 1 }).scale).toBeNull();
    perturbParameters(affine, 5, 0.5);
    direct.loadParameters(affine.parameters());
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 6);
      const [y, ld] = affine.forwardAndLogDet(x);
      const [y2, ld2] = direct.forwardAndLogDet(x);
      expect(y2).toBeAllClose(y, { rtol: 0, atol: 0 });
      expect(ld2).toBeAllClose(ld, { rtol: 0, atol: 0 });
    });
    affine.dispose();
    direct.dispose();
    additive.dispose();
  });

  it('the affine transform by hand: y = x exp(s) + t with s = scale tanh(raw), log-det s', () => {
    const transform = new AffineTransform({ channels: 2 });
    transform
      .parameters()
      .get('scale')!
      .assign(tf.tensor1d([2, 0.5]));
    tf.tidy(() => {
      const x = tf.tensor2d([[1, -2]]);
      const raw = tf.tensor2d([[0.3, -1]]);
      const t = tf.tensor2d([[0.5, 0.25]]);
      const s = [2 * Math.tanh(0.3), 0.5 * Math.tanh(-1)];
      const [y, ld] = transform.forward(x, [raw, t]);
      expect(y).toBeAllClose([[Math.exp(s[0]) + 0.5, -2 * Math.exp(s[1]) + 0.25]], { rtol: 1e-6 });
      expect(ld).toBeAllClose([s], { rtol: 1e-6 });
      const [x2, ld2] = transform.inverse(y, [raw, t]);
      expect(x2).toBeAllClose(x, { rtol: 1e-6 });
      expect(ld2).toBeAllClose([s.map((v) => -v)], { rtol: 1e-6 });
    });
    transform.dispose();
  });

  it('a constructor that throws disposes the mask copy and a Module transform it was given', async () => {
    await assertNoLeaks(() => {
      expect(() => new MaskedCoupling([1, 0.5], new AffineTransform({ channels: 2 }))).toThrow(
        /MaskedCoupling: 'mask' must hold only 0 and 1/,
      );
      expect(() => new MaskedCoupling([1, 0], new AffineTransform({ channels: 2 }), { hidden: [0] })).toThrow(
        /MaskedCoupling: 'hidden\[0\]' must be an integer >= 1, got 0/,
      );
      expect(() => new AffineCoupling([[1, 0]] as unknown as number[], { contextSize: -1 })).toThrow(
        /AffineCoupling: 'mask' must have shape \[d\] \(vectors\) or \[h, w, c\] \(images\), got \[1, 2\]/,
      );
    }, 'MaskedCoupling constructor');
  });
});

describe('errors name the argument', () => {
  const x3 = () => tf.zeros([2, 3]);
  it.each([
    [
      'a mask of the wrong size',
      () => new AdditiveCoupling(alternatingMask(4, 0), { hidden: [2] }).forward(x3()),
      /AdditiveCoupling.forwardAndLogDet: 'mask' has 4 entries but x has 3 coordinates/,
    ],
    [
      'an image mask of the wrong shape',
      () => new AffineCoupling(checkerboardMask(2, 2, 2, 0), { hidden: [2] }).inverse(tf.zeros([1, 2, 3, 2])),
      /'mask' has shape \[2, 2, 2\] but x has shape \[1, 2, 3, 2\]/,
    ],
    [
      'a mask that is not 0/1',
      () => new AffineCoupling([1, 0.5]),
      /'mask' must hold only 0 and 1, got 0.5 at flat index 1/,
    ],
    [
      'a missing context',
      () => new AffineCoupling([1, 0, 1], { hidden: [2], contextSize: 2 }).forward(x3()),
      /'context' of shape \[2, 2\] is required/,
    ],
    [
      'a context of the wrong size',
      () => new AffineCoupling([1, 0, 1], { hidden: [2], contextSize: 2 }).forward(x3(), tf.zeros([2, 3])),
      /'context' has shape \[2, 3\], expected \[2, 2\]/,
    ],
    [
      'a bad logScaleBound',
      () => new AffineCoupling([1, 0], { logScaleBound: 0 }),
      /'logScaleBound' must be a positive number, got 0/,
    ],
    [
      'data outside the Logit domain',
      () => new Logit().inverse(tf.tensor4d([0.5, 255], [1, 1, 1, 2])),
      /Logit.inverse: argument 'x' must be data in \[0, 1\].*got 255 at flat index 1/,
    ],
    [
      'a transform with 0 parameters per coordinate',
      () => new MaskedCoupling([1, 0], { ...softplusAffine, paramsPerCoordinate: 0 }),
      /MaskedCoupling: 'transform.paramsPerCoordinate' must be an integer >= 1, got 0/,
    ],
    [
      'a transform whose log-det is not elementwise',
      () =>
        new MaskedCoupling([1, 0, 1], {
          ...softplusAffine,
          forward: (x: tf.Tensor, [a, b]: tf.Tensor[]) => [tf.add(x, tf.mul(a, b)), tf.sum(a, -1)],
        }).forward(x3()),
      /MaskedCoupling.forwardAndLogDet: the transform's forward returned values of shape \[2, 3\] and log-dets of shape \[2\], expected both elementwise, \[2, 3\]/,
    ],
    [
      'a learnable AffineTransform without channels',
      () => new AffineTransform(),
      /AffineTransform: 'channels' \(the event's last axis\) must be an integer >= 1 for a learnable scale, got undefined; or give 'logScaleBound'/,
    ],
    [
      'an AffineTransform sized for another mask',
      () =>
        new MaskedCoupling([1, 0, 1], new AffineTransform({ channels: 2 }), { hidden: [2] }).forward(x3()),
      /AffineTransform: the learnable scale has 2 channels but the parameters have 3 on their last axis/,
    ],
    ['a Logit alpha of 0.5', () => new Logit({ alpha: 0.5 }), /'alpha' must be in \[0, 0.5\), got 0.5/],
    [
      'a repeated index',
      () => new Permute([0, 0, 1]),
      /Permute: 'permutation' must hold each of 0..2 once, got \[0, 0, 1\]/,
    ],
    ['an index out of range', () => new Permute([0, 2]), /'permutation' must hold each of 0..1 once/],
    [
      'a permutation of the wrong size',
      () => new Permute([1, 0]).forward(x3()),
      /'x' has 3 coordinates on its last axis, the permutation 2/,
    ],
    ['a parity of 2', () => alternatingMask(4, 2 as 0), /alternatingMask\(4, 2\): 'parity' must be 0 or 1/],
    ['a one-channel channel mask', () => channelMask(2, 2, 1, 0), /'c' must be an integer >= 2, got 1/],
    [
      'a vector of the wrong rank',
      () => new Shift(2).forward(tf.scalar(1)),
      /argument 'x' must have at least 1 dimensions/,
    ],
  ])('rejects %s', (_, run, message) => {
    expect(run).toThrow(message);
  });

  it('Logit with validate off accepts anything', () => {
    expect(new Logit({ validate: false, eventNdims: 1 }).inverse(tf.tensor2d([[2]]))).toBeAllClose([[NaN]]);
  });
});

describe('TransformedDistribution', () => {
  const loc = [0.5, -1];
  const scale = [2, 0.3];
  const standard = () => new Independent(new Normal([0, 0], [1, 1]), 1);
  const affine = () => new Chain([new Scale(2, { init: scale.map(Math.log) }), new Shift(2, { init: loc })]);

  it('a Shift and Scale of a standard normal is the Normal(loc, scale)', () => {
    const flow = affine();
    const dist = new TransformedDistribution(standard(), flow);
    const normal = new Independent(new Normal(loc, scale), 1);
    const x = tf.randomNormal([50, 2], 0, 2, 'float32', 4);
    expect(dist.batchShape).toEqual([]);
    expect(dist.eventShape).toEqual([2]);
    expect(dist.logProb(x)).toBeAllClose(normal.logProb(x), { rtol: 1e-5, atol: 1e-5 });
    const samples = dist.sample([100000], 5);
    const mean = tf.mean(samples, 0);
    const std = tf.sqrt(tf.moments(samples, 0).variance);
    expect(mean).toBeAllClose(loc, { atol: 0.02 });
    expect(std).toBeAllClose(scale, { rtol: 0.01 });
    tf.dispose([x, samples, mean, std]);
    dist.dispose();
    normal.dispose();
    flow.dispose();
  });

  it("a random two-layer affine coupling flow's density integrates to 1 on a 2-D grid", () => {
    const flow = new Chain([
      new AffineCoupling(alternatingMask(2, 0), { hidden: [16, 16], seed: 1 }),
      new AffineCoupling(alternatingMask(2, 1), { hidden: [16, 16], seed: 2 }),
    ]);
    perturbParameters(flow, 3, 0.3);
    const dist = new TransformedDistribution(standard(), flow);
    // About 1.2% of this density's mass lies outside [-9, 9]^2 (its samples say so), so integrate over [-20, 20]^2.
    const n = 401;
    const [lo, hi] = [-20, 20];
    const step = (hi - lo) / (n - 1);
    const mass = tf.tidy(() => {
      const axis = tf.linspace(lo, hi, n);
      const [gx, gy] = tf.meshgrid(axis, axis);
      const points = tf.stack([tf.reshape(gx, [-1]), tf.reshape(gy, [-1])], 1);
      return tf.sum(tf.exp(dist.logProb(points))).dataSync()[0] * step * step;
    });
    expect(mass).toBeGreaterThan(0.99);
    expect(mass).toBeLessThan(1.01);
    dist.dispose();
    flow.dispose();
  });

  it('a conditional flow binds its context: logProb is log p_base(f^-1(x; c)) + log-det at that c', () => {
    const flow = new AffineCoupling(alternatingMask(2, 0), { hidden: [8], seed: 1, contextSize: 2 });
    perturbParameters(flow, 1, 0.5);
    const x = tf.tensor2d([
      [0.3, 0.4],
      [0.3, 0.4],
      [-1.2, 2],
    ]);
    const c = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const other = tf.tensor2d([
      [0, 1],
      [1, 0],
      [0, 1],
    ]);
    const base = standard();
    const dist = new TransformedDistribution(standard(), flow, { context: c });
    const distOther = new TransformedDistribution(standard(), flow, { context: other });
    tf.tidy(() => {
      const [z, logDet] = flow.inverseAndLogDet(x, c);
      const lp = dist.logProb(x);
      expect(lp).toBeAllClose(tf.add(base.logProb(z), logDet), { rtol: 1e-6, atol: 1e-6 });
      const gaps = Array.from(tf.abs(tf.sub(lp, distOther.logProb(x))).dataSync());
      for (const gap of gaps) expect(gap).toBeGreaterThan(1e-3);
      // The same base draws (seed 7), pushed forward with the bound context.
      const draws = dist.sample([3], 7);
      expect(draws).toBeAllClose(flow.forward(base.sample([3], 7), c), { rtol: 1e-6, atol: 1e-6 });
      expect(dist.rsample([3], 7)).toBeAllClose(draws, { rtol: 1e-6, atol: 1e-6 });
      expect(tf.max(tf.abs(tf.sub(distOther.sample([3], 7), draws))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    // The bound context's batch is the values' batch: 5 draws do not match 3 labels.
    expect(() => dist.sample([5], 1)).toThrow(/'context' has shape \[3, 2\], expected \[5, 2\]/);
    dist.dispose();
    distOther.dispose();
    expect(c.isDisposed).toBe(false); // the caller's
    tf.dispose([x, c, other]);
    base.dispose();
    flow.dispose();
  });

  it.each([
    [
      'a Normal with a batch of scalars under a vector bijector',
      () => new Normal([0, 0], [1, 1]),
      () => new Shift(2),
      /the base Normal has event rank 0 \(eventShape \[\], batchShape \[2\]\) but the bijector Shift acts on events of rank 1.*new Independent\(base, 1\)/,
    ],
    [
      'an image base of event rank 1 under an image bijector',
      () => new Independent(new Normal(tf.zeros([4, 4, 2]), tf.ones([4, 4, 2])), 1),
      () => new Scale(2, { eventNdims: 3 }),
      /event rank 1 .* acts on events of rank 3.*new Independent\(base, 2\)/,
    ],
    [
      'a base of higher event rank than the bijector',
      () => new Independent(new Normal(tf.zeros([3, 2]), tf.ones([3, 2])), 2),
      () => new Shift(2),
      /event rank 2 .* acts on events of rank 1 \(eventNdims\); the base needs event rank 1/,
    ],
  ])('rejects %s, pointing to Independent', (_, makeBase, makeBijector, message) => {
    const base = makeBase();
    const bijector = makeBijector();
    expect(() => new TransformedDistribution(base, bijector)).toThrow(BijectorError);
    expect(() => new TransformedDistribution(base, bijector)).toThrow(message);
    base.dispose();
    bijector.dispose();
  });

  it('dispose frees the base but not the bijector; nothing leaks', async () => {
    await assertNoLeaks(() => {
      const flow = affine();
      const dist = new TransformedDistribution(standard(), flow);
      tf.dispose([
        dist.logProb([[0.1, 0.2]]),
        dist.sample([3], 1),
        dist.rsample([2], 2),
        dist.prob([[0, 0]]),
      ]);
      dist.dispose();
      tf.tidy(() => {
        expect(flow.forward(tf.tensor2d([[0, 0]]))).toBeAllClose([loc]);
      });
      flow.dispose();
      const chain = new Chain([new Shift(1)]);
      const z = tf.tensor2d([[1]]);
      tf.dispose(chain.forwardStages(z));
      chain.initialize(z);
      tf.dispose(z);
      chain.dispose();
    }, 'TransformedDistribution');
  });
});
