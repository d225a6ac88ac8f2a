import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { assertNoLeaks } from '../../engine/memory.js';
import { hasAnalyticKL } from '../../distributions/kl.js';
import { elboTerms } from '../../inference/elbo.js';
import { iwaeBound } from '../../inference/iwae.js';
import { resolveVaeConfig, type VaeConfig, type VaeKind } from './config.js';
import { VAE } from './model.js';

// Tiny models: 4x4x1 images (D = 16), d = 2 latents, one hidden layer of 8 units.
const SHAPE: [number, number, number] = [4, 4, 1];
const D = 16;

function makeVae(kind: VaeKind = 'vae', options: Partial<VaeConfig> = {}): VAE {
  return new VAE(resolveVaeConfig(kind, { inputShape: SHAPE, latent: 2, hidden: [8], seed: 3, ...options }));
}

/** Six fixed binary images, so that the Bernoulli decoder's dynamic binarization changes nothing. */
const X: number[][] = Array.from({ length: 6 }, (_, i) =>
  Array.from({ length: D }, (_, j) => ((i * 7 + j * 3 + ((i * j) % 5)) % 4 < 2 ? 1 : 0)),
);
/** Grey levels in (0, 1) for the Gaussian decoders. */
const XG: number[][] = X.map((row, i) => row.map((v, j) => 0.1 + 0.8 * v + 0.05 * Math.sin(i + j)));

/**
 * Overwrite every parameter with known values: entry i of the k-th parameter (in sorted name order) is
 * 0.4 sin(0.7 i + 1.3 k + 0.5). The PyTorch reference below builds the same weights.
 */
function assignKnownWeights(model: VAE): void {
  const names = [...model.parameters().keys()].sort();
  names.forEach((name, k) => {
    const v = model.parameters().get(name)!;
    const values = Float32Array.from({ length: v.size }, (_, i) => 0.4 * Math.sin(0.7 * i + 1.3 * k + 0.5));
    tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
}

// ---- a float64 reference of the MLP networks, from the variables' values ----

type Mat = number[][];

function matrix(model: VAE, name: string): Mat {
  const v = model.parameters().get(name)!;
  return v.arraySync() as Mat;
}

function vector(model: VAE, name: string): number[] {
  return Array.from(model.parameters().get(name)!.dataSync());
}

function affine(x: Mat, w: Mat, b: number[], relu = false): Mat {
  return x.map((row) =>
    b.map((bj, j) => {
      const s = row.reduce((acc, xi, i) => acc + xi * w[i][j], bj);
      return relu ? Math.max(s, 0) : s;
    }),
  );
}

function layer(model: VAE, prefix: string, x: Mat, relu = false): Mat {
  return affine(x, matrix(model, `${prefix}.kernel`), vector(model, `${prefix}.bias`), relu);
}

function encode(model: VAE, x: Mat): { loc: Mat; logvar: Mat } {
  const h = layer(model, 'encoder.hidden0', x, true);
  return { loc: layer(model, 'encoder.loc', h), logvar: layer(model, 'encoder.logvar', h) };
}

function decode(model: VAE, z: Mat): Mat {
  return layer(model, 'decoder.net.output', layer(model, 'decoder.net.hidden0', z, true));
}

const LOG_2PI = Math.log(2 * Math.PI);
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** KL(N(loc, exp(logvar)) || N(0, I)) per row. */
function klStandardNormal(loc: Mat, logvar: Mat): number[] {
  return loc.map((mu, i) =>
    mu.reduce((acc, m, u) => acc + 0.5 * (Math.exp(logvar[i][u]) + m * m - 1 - logvar[i][u]), 0),
  );
}

function scalar(t: tf.Tensor): number {
  return t.dataSync()[0];
}

/** The loss parts as numbers, the tensors freed. */
function lossNumbers(model: VAE, x: Mat, options: Parameters<VAE['loss']>[1] = {}, labels?: number[]) {
  const xt = tf.tensor2d(x);
  const parts = model.loss({ x: xt, labels }, options);
  const out = {
    loss: scalar(parts.loss),
    elbo: scalar(parts.elbo),
    reconstruction: scalar(parts.reconstruction),
    kl: scalar(parts.kl),
  };
  tf.dispose([xt, parts.loss, parts.elbo, parts.reconstruction, parts.kl]);
  return out;
}

describe('VAE parameters', () => {
  it('has the documented names and shapes for an MLP with a Bernoulli decoder', () => {
    const vae = makeVae();
    const shapes = Object.fromEntries([...vae.parameters()].map(([name, v]) => [name, v.shape]));
    expect(Object.keys(shapes).sort()).toEqual([
      'decoder.net.hidden0.bias',
      'decoder.net.hidden0.kernel',
      'decoder.net.output.bias',
      'decoder.net.output.kernel',
      'encoder.hidden0.bias',
      'encoder.hidden0.kernel',
      'encoder.loc.bias',
      'encoder.loc.kernel',
      'encoder.logvar.bias',
      'encoder.logvar.kernel',
    ]);
    expect(shapes).toMatchObject({
      'encoder.hidden0.kernel': [16, 8],
      'encoder.loc.kernel': [8, 2],
      'encoder.logvar.bias': [2],
      'decoder.net.hidden0.kernel': [2, 8],
      'decoder.net.output.kernel': [8, 16],
    });
    vae.dispose();
  });

  it('doubles the decoder output for the learned-variance Gaussian and adds the priors parameters', () => {
    const gaussian = makeVae('vae', { likelihood: 'gaussian' });
    expect(gaussian.parameters().get('decoder.net.output.kernel')!.shape).toEqual([8, 32]);
    const mixture = makeVae('vae', { prior: 'mixture', priorComponents: 3 });
    const p = mixture.parameters();
    expect([p.get('prior.logits')!.shape, p.get('prior.loc')!.shape, p.get('prior.logScale')!.shape]).toEqual(
      [[3], [3, 2], [3, 2]],
    );
    const cvae = makeVae('cvae', { numClasses: 3 });
    const c = cvae.parameters();
    // The context joins the encoder's input and the decoder's code.
    expect(c.get('encoder.hidden0.kernel')!.shape).toEqual([19, 8]);
    expect(c.get('decoder.net.hidden0.kernel')!.shape).toEqual([5, 8]);
    expect(c.get('prior.loc.kernel')!.shape).toEqual([3, 2]);
    expect(c.get('prior.logvar.bias')!.shape).toEqual([2]);
    [gaussian, mixture, cvae].forEach((m) => m.dispose());
  });

  it('builds the same weights from the same seed, different ones from another', () => {
    const [a, b, c] = [makeVae(), makeVae(), makeVae('vae', { seed: 4 })];
    const kernel = (m: VAE) => m.parameters().get('encoder.hidden0.kernel')!;
    expect(kernel(a)).toBeAllClose(kernel(b), { rtol: 0, atol: 0 });
    expect(Array.from(kernel(a).dataSync())).not.toEqual(Array.from(kernel(c).dataSync()));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('VAE.loss against a float64 reference', () => {
  it('has the closed-form KL and a Monte Carlo reconstruction consistent with it', () => {
    const vae = makeVae();
    const { loc, logvar } = encode(vae, X);
    const parts = lossNumbers(vae, X, { seed: 11 });
    expect(parts.kl).toBeAllClose(mean(klStandardNormal(loc, logvar)), { rtol: 1e-4, atol: 1e-5 });
    expect(parts.elbo).toBeAllClose(parts.reconstruction - parts.kl, { rtol: 1e-5, atol: 1e-5 });
    expect(parts.loss).toBeAllClose(-parts.elbo, { rtol: 1e-5, atol: 1e-5 });
    vae.dispose();
  });

  it('matches PyTorch for known weights (KL and log p(x | posterior mean))', () => {
    const vae = makeVae();
    assignKnownWeights(vae);
    // /usr/bin/python3, torch 1.13, float64 (from torch.distributions import Normal, Bernoulli, kl_divergence):
    // for k, name in enumerate(sorted(shapes)):  # the parameters' names and shapes, as listed above
    //     i = np.arange(np.prod(shapes[name]))
    //     W[name] = torch.tensor(np.float32(0.4 * np.sin(0.7 * i + 1.3 * k + 0.5)).astype(np.float64).reshape(shapes[name]))
    // lin = lambda x, p: x @ W[p + '.kernel'] + W[p + '.bias']; h = torch.relu(lin(X, 'encoder.hidden0'))
    // loc, logvar = lin(h, 'encoder.loc'), lin(h, 'encoder.logvar')
    // kl_divergence(Normal(loc, torch.exp(logvar / 2)), Normal(0., 1.)).sum(-1)
    // logits = lin(torch.relu(lin(loc, 'decoder.net.hidden0')), 'decoder.net.output')
    // Bernoulli(logits=logits).log_prob(X).sum(-1)
    const KL = [
      0.365312397271934, 0.3164609193183503, 1.0309008364220007, 0.42488472289829426, 0.4721681952442801,
      0.18054699991651188,
    ];
    const LOG_P_X_AT_MEAN = [
      -11.394849176935125, -12.036877843962333, -14.08715541066028, -11.696047735979523, -11.627201477683947,
      -11.23877393736094,
    ];
    const x = tf.tensor2d(X);
    const terms = elboTerms(vae, x, { seed: 1 });
    expect(terms.kl).toBeAllClose(KL, { rtol: 1e-4 });
    const z = vae.transform(x);
    const logp = tf.tidy(() => vae.likelihood(z).logProb(x));
    expect(logp).toBeAllClose(LOG_P_X_AT_MEAN, { rtol: 1e-4 });
    tf.dispose([x, z, logp, terms.elbo, terms.kl, terms.reconstruction]);
    vae.dispose();
  });

  it('reconstructs with the sigmoid of the decoder logits at the posterior mean', () => {
    const vae = makeVae();
    const { loc } = encode(vae, X);
    const expected = decode(vae, loc).map((row) => row.map(sigmoid));
    const mu = vae.transform(X);
    expect(mu).toBeAllClose(loc, { rtol: 1e-4, atol: 1e-6 });
    const r = vae.reconstruct(X);
    expect(r).toBeAllClose(expected, { rtol: 1e-4, atol: 1e-6 });
    const g = vae.generate(loc);
    expect(g).toBeAllClose(expected, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([mu, r, g]);
    vae.dispose();
  });

  it('gives the closed-form Gaussian log-density with a learned variance', () => {
    const vae = makeVae('vae', { likelihood: 'gaussian' });
    const { loc } = encode(vae, XG);
    const out = decode(vae, loc); // [m, 2D]: mean, then log-variance
    const expected = XG.map((x, i) =>
      x.reduce((acc, xj, j) => {
        // The log-variance's soft floor, log s^2 = f + softplus(a - f) with f = 2 log(0.001) (see Decoder).
        const floor = 2 * Math.log(1e-3);
        const [m, lv] = [out[i][j], floor + Math.log1p(Math.exp(out[i][j + D] - floor))];
        return acc - 0.5 * LOG_2PI - 0.5 * lv - (0.5 * (xj - m) ** 2) / Math.exp(lv);
      }, 0),
    );
    const x = tf.tensor2d(XG);
    const z = tf.tensor2d(loc);
    const logp = tf.tidy(() => vae.likelihood(z).logProb(x));
    expect(logp).toBeAllClose(expected, { rtol: 1e-4 });
    const r = vae.reconstruct(XG);
    expect(r).toBeAllClose(
      out.map((row) => row.slice(0, D)),
      { rtol: 1e-4, atol: 1e-6 },
    );
    tf.dispose([x, z, logp, r]);
    vae.dispose();
  });

  it.each([1e-3, 0.1])(
    'bounds the learned standard deviation softly from below by decoderMinScale = %s',
    (minScale) => {
      const vae = makeVae('vae', { likelihood: 'gaussian', decoderMinScale: minScale });
      // The network's log-variance head outputs -60 for every input: a variance of 1e-26 without the floor.
      const kernel = vae.parameters().get('decoder.net.output.kernel')!;
      const bias = vae.parameters().get('decoder.net.output.bias')!;
      tf.tidy(() => {
        kernel.assign(tf.concat([tf.slice(kernel, [0, 0], [-1, D]), tf.zeros([kernel.shape[0], D])], 1));
        bias.assign(tf.concat([tf.slice(bias, [0], [D]), tf.fill([D], -60)]));
      });
      const z = tf.tensor2d([
        [0.3, -1],
        [2, 0.5],
      ]);
      const [mean, logvar] = vae.decoder.parameterize(z);
      // f + softplus(-60 - f) = f + exp(-60 - f) to float32 precision: the floor itself.
      expect(logvar).toBeAllClose(tf.fill([2, D], 2 * Math.log(minScale)), { rtol: 1e-6 });
      // At x = the mean, log p(x|z) is the bound's maximum, D (-log(2 pi) / 2 - log s_min): finite, not ~D * 29.
      const logp = tf.tidy(() => vae.likelihood(z).logProb(mean));
      expect(logp).toBeAllClose(tf.fill([2], D * (-0.5 * LOG_2PI - Math.log(minScale))), { rtol: 1e-5 });
      tf.dispose([z, mean, logvar, logp]);
      vae.dispose();
    },
  );

  it('gives the squared-error form with a fixed variance', () => {
    const s = 0.3;
    const vae = makeVae('vae', { likelihood: 'gaussian-fixed', decoderScale: s });
    const { loc } = encode(vae, XG);
    const out = decode(vae, loc);
    const expected = XG.map((x, i) =>
      x.reduce((acc, xj, j) => acc - 0.5 * LOG_2PI - Math.log(s) - (xj - out[i][j]) ** 2 / (2 * s * s), 0),
    );
    const x = tf.tensor2d(XG);
    const z = tf.tensor2d(loc);
    const logp = tf.tidy(() => vae.likelihood(z).logProb(x));
    expect(logp).toBeAllClose(expected, { rtol: 1e-4 });
    tf.dispose([x, z, logp]);
    vae.dispose();
  });

  it('scales only the KL with beta (the beta-VAE default is 4)', () => {
    const vae = makeVae();
    const one = lossNumbers(vae, X, { seed: 5 });
    const three = lossNumbers(vae, X, { seed: 5, beta: 3 });
    expect(three.reconstruction).toBe(one.reconstruction);
    expect(three.kl).toBe(one.kl);
    expect(three.elbo).toBeAllClose(one.elbo, { rtol: 1e-6 });
    expect(three.loss).toBeAllClose(3 * one.kl - one.reconstruction, { rtol: 1e-5 });
    const beta = makeVae('beta-vae');
    const four = lossNumbers(beta, X, { seed: 5 });
    expect(four.loss).toBeAllClose(4 * four.kl - four.reconstruction, { rtol: 1e-5 });
    [vae, beta].forEach((m) => m.dispose());
  });

  it('multiplies the loss by N with datasetScaling, and only then', () => {
    const scaled = makeVae('vae', { datasetScaling: true });
    const plain = makeVae();
    const a = lossNumbers(scaled, X, { seed: 2, datasetSize: 1000 });
    const b = lossNumbers(plain, X, { seed: 2, datasetSize: 1000 });
    expect(b.loss).toBeAllClose(-b.elbo, { rtol: 1e-6 });
    expect(a.loss).toBeAllClose(1000 * b.loss, { rtol: 1e-5 });
    expect(a.elbo).toBeAllClose(b.elbo, { rtol: 1e-6 });
    const iwae = makeVae('iwae', { datasetScaling: true });
    const c = lossNumbers(iwae, X, { seed: 2, datasetSize: 1000 });
    expect(c.loss).toBeAllClose(-1000 * c.elbo, { rtol: 1e-5 });
    [scaled, plain, iwae].forEach((m) => m.dispose());
  });
});

describe('ELBO estimators and the IWAE bound on a fixed model', () => {
  const L = 20000;

  it('monte-carlo and analytic-kl share the draws and agree in expectation', () => {
    const mc = makeVae('vae', { estimator: 'monte-carlo', samples: L });
    const ak = makeVae('vae', { estimator: 'analytic-kl', samples: L });
    const a = lossNumbers(mc, X, { seed: 9 });
    const b = lossNumbers(ak, X, { seed: 9 });
    expect(a.reconstruction).toBeAllClose(b.reconstruction, { rtol: 1e-6 });
    // The Monte Carlo KL over 20000 draws: standard error about 0.01 nats here.
    expect(a.kl).toBeAllClose(b.kl, { atol: 0.03, rtol: 0 });
    expect(a.elbo).toBeAllClose(b.elbo, { atol: 0.03, rtol: 0 });
    [mc, ak].forEach((m) => m.dispose());
  });

  it('the IWAE loss is at most the VAE loss for the same weights, on average', () => {
    const vae = makeVae();
    const iwae = makeVae('iwae', { iwSamples: 5 });
    const rows = Array.from({ length: 300 }, (_, i) => X[i % X.length]);
    let gap = 0;
    for (let s = 1; s <= 5; s++)
      gap += lossNumbers(vae, rows, { seed: s }).loss - lossNumbers(iwae, rows, { seed: s }).loss;
    expect(gap / 5).toBeGreaterThan(0.01);
    // The IWAE reports the ELBO's parts beside its bound, and the bound above the ELBO they make.
    const parts = lossNumbers(iwae, rows, { seed: 1 });
    expect(parts.elbo).toBeGreaterThan(parts.reconstruction - parts.kl);
    [vae, iwae].forEach((m) => m.dispose());
  });

  it('K = 1 IWAE bound is estimator A draw for draw, and the ELBO in expectation', () => {
    const vae = makeVae();
    const x = tf.tensor2d(X);
    const bound = iwaeBound(vae, x, 1, 4);
    const a = elboTerms(vae, x, { estimator: 'monte-carlo', seed: 4 });
    expect(bound).toBeAllClose(a.elbo, { rtol: 1e-5, atol: 1e-5 });
    const many = tf.tensor2d(Array.from({ length: L }, (_, i) => X[i % X.length]));
    const boundMean = tf.tidy(() => tf.mean(iwaeBound(vae, many, 1, 5)));
    const b = elboTerms(vae, x, { estimator: 'analytic-kl', samples: 1000, seed: 6 });
    const elboMean = tf.tidy(() => tf.mean(b.elbo));
    expect(boundMean).toBeAllClose(scalar(elboMean), { atol: 0.05, rtol: 0 });
    tf.dispose([x, many, bound, boundMean, elboMean, a.elbo, a.kl, a.reconstruction, b.elbo, b.kl]);
    tf.dispose(b.reconstruction);
    vae.dispose();
  });
});

describe('conditional VAE', () => {
  const labels = [0, 2, 1, 2, 0, 1];

  it('one-hot encodes its labels', () => {
    const cvae = makeVae('cvae', { numClasses: 3 });
    const c = cvae.context([0, 2, 1], 3)!;
    expect(c).toBeAllClose([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(c.dtype).toBe('float32');
    const t = tf.tensor1d([1, 1], 'int32');
    const ct = cvae.context(t, 2)!;
    expect(ct).toBeAllClose([
      [0, 1, 0],
      [0, 1, 0],
    ]);
    const vae = makeVae();
    expect(vae.context(null, 3)).toBeUndefined();
    tf.dispose([c, t, ct]);
    [cvae, vae].forEach((m) => m.dispose());
  });

  it.each([
    ['too few labels', [0, 1], /argument 'labels' must have 3 entries \(one per example\), got 2/],
    ['a label too large', [0, 3, 1], /argument 'labels' must be integers in \[0, 3\), got 3/],
    ['a negative label', [0, -1, 1], /argument 'labels' must be integers in \[0, 3\), got -1/],
  ])('rejects %s without leaking', async (_name, bad, message) => {
    const cvae = makeVae('cvae', { numClasses: 3 });
    await assertNoLeaks(() => {
      expect(() => cvae.context(bad, 3)).toThrow(message);
    }, 'context');
    await assertNoLeaks(() => {
      expect(() => cvae.transform(X.slice(0, 3), { labels: bad })).toThrow(message);
    }, 'transform');
    cvae.dispose();
  });

  it.each(['transform', 'reconstruct', 'cost', 'sample', 'generate'] as const)(
    '%s without labels says the labels are needed',
    (method) => {
      const cvae = makeVae('cvae', { numClasses: 3 });
      const call = {
        transform: () => cvae.transform(X),
        reconstruct: () => cvae.reconstruct(X),
        cost: () => cvae.cost(X),
        sample: () => cvae.sample(2, { seed: 1 }),
        generate: () => cvae.generate([[0, 0]]),
      }[method];
      expect(call).toThrow(/cvae: a conditional VAE needs labels/);
      cvae.dispose();
    },
  );

  it('learns a prior p(z|c) that differs by class: loc(c) = W[c] + b', () => {
    const cvae = makeVae('cvae', { numClasses: 3 });
    const context = cvae.context([0, 1, 2], 3)!;
    const loc = tf.tidy(() => cvae.prior(context).mean());
    const w = matrix(cvae, 'prior.loc.kernel');
    const b = vector(cvae, 'prior.loc.bias');
    expect(loc).toBeAllClose(
      w.map((row) => row.map((v, u) => v + b[u])),
      { rtol: 1e-5, atol: 1e-6 },
    );
    const rows = loc.arraySync() as Mat;
    expect(rows[0]).not.toEqual(rows[1]);
    expect(rows[1]).not.toEqual(rows[2]);
    tf.dispose([context, loc]);
    cvae.dispose();
  });

  it('trains, samples and generates per class', () => {
    const cvae = makeVae('cvae', { numClasses: 3, learningRate: 0.01 });
    const before = cvae.cost(X, { labels, seed: 1 });
    for (let step = 0; step < 30; step++) cvae.partialFit(X, { labels });
    expect(cvae.cost(X, { labels, seed: 1 })).toBeLessThan(before);
    const s = cvae.sample(4, { seed: 7, labels: [0, 1, 2, 0] });
    expect(s.shape).toEqual([4, D]);
    const s2 = cvae.sample(4, { seed: 7, labels: [0, 1, 2, 0] });
    expect(s2).toBeAllClose(s, { rtol: 0, atol: 0 });
    const g = cvae.generate(undefined, { labels: [2, 2, 1], seed: 3 });
    expect(g.shape).toEqual([3, D]);
    const gz = cvae.generate(
      [
        [0, 0],
        [0, 0],
      ],
      { labels: [0, 1] },
    );
    // The same z with different labels decodes differently.
    const rows = gz.arraySync();
    expect(rows[0]).not.toEqual(rows[1]);
    const labelTensor = tf.tensor1d([1, 0, 2], 'int32');
    const gt = cvae.generate(undefined, { labels: labelTensor, seed: 3 });
    expect(gt.shape).toEqual([3, D]);
    tf.dispose([s, s2, g, gz, labelTensor, gt]);
    cvae.dispose();
  });

  it('samples n codes from N(0, I) when the prior is not learned', () => {
    const cvae = makeVae('cvae', { numClasses: 3, conditionalPrior: false });
    expect(cvae.parameters().has('prior.loc.kernel')).toBe(false);
    const s = cvae.sample(3, { seed: 1, labels: [0, 1, 2] });
    expect(s.shape).toEqual([3, D]);
    const x = tf.tensor2d(X);
    const parts = lossNumbers(cvae, X, { seed: 1 }, labels);
    const { loc, logvar } = tf.tidy(() => {
      const [l, v] = cvae.encoder.parameterize(x, cvae.context(labels, 6));
      return { loc: l.arraySync(), logvar: v.arraySync() };
    });
    expect(parts.kl).toBeAllClose(mean(klStandardNormal(loc, logvar)), { rtol: 1e-4 });
    tf.dispose([s, x]);
    cvae.dispose();
  });
});

describe('mixture prior', () => {
  it('has the mixture log-density of its parameters', () => {
    const vae = makeVae('vae', { prior: 'mixture', priorComponents: 3 });
    const logits = [0.2, -0.5, 1.1];
    const loc = [
      [0, 1],
      [-1, 0.5],
      [2, -2],
    ];
    const logScale = [
      [0, -0.5],
      [0.3, 0.1],
      [-0.2, 0.4],
    ];
    const p = vae.parameters();
    tf.tidy(() => {
      p.get('prior.logits')!.assign(tf.tensor1d(logits));
      p.get('prior.loc')!.assign(tf.tensor2d(loc));
      p.get('prior.logScale')!.assign(tf.tensor2d(logScale));
    });
    const z = [
      [0.5, 0.5],
      [-1, 2],
      [3, -1],
    ];
    const logNorm = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0));
    const expected = z.map((zi) =>
      Math.log(
        logits.reduce((acc, l, k) => {
          const logDensity = zi.reduce(
            (s, v, u) =>
              s - 0.5 * LOG_2PI - logScale[k][u] - 0.5 * ((v - loc[k][u]) / Math.exp(logScale[k][u])) ** 2,
            0,
          );
          return acc + Math.exp(l - logNorm + logDensity);
        }, 0),
      ),
    );
    const zt = tf.tensor2d(z);
    const logp = tf.tidy(() => vae.prior().logProb(zt));
    expect(logp).toBeAllClose(expected, { rtol: 1e-5 });
    tf.dispose([zt, logp]);
    vae.dispose();
  });

  it('falls back to the Monte Carlo KL on the same draws, and trains its parameters', () => {
    const vae = makeVae('vae', { prior: 'mixture', priorComponents: 3, learningRate: 0.01 });
    const x = tf.tensor2d(X);
    const analytic = tf.tidy(() => {
      const q = vae.posterior(x);
      expect(hasAnalyticKL(q, vae.prior())).toBe(false);
      return elboTerms(vae, x, { estimator: 'analytic-kl', samples: 3, seed: 8 }).elbo;
    });
    const mc = tf.tidy(() => elboTerms(vae, x, { estimator: 'monte-carlo', samples: 3, seed: 8 }).elbo);
    expect(analytic).toBeAllClose(mc, { rtol: 1e-6, atol: 1e-6 });
    const before = Array.from(vae.parameters().get('prior.loc')!.dataSync());
    const first = vae.cost(X, { seed: 1 });
    for (let step = 0; step < 30; step++) expect(Number.isFinite(vae.partialFit(X))).toBe(true);
    expect(Array.from(vae.parameters().get('prior.loc')!.dataSync())).not.toEqual(before);
    expect(vae.cost(X, { seed: 1 })).toBeLessThan(first);
    const samples = vae.sample(3, { seed: 1 });
    expect(samples.shape).toEqual([3, D]);
    tf.dispose([x, analytic, mc, samples]);
    vae.dispose();
  });
});

describe('scikit-learn-like methods', () => {
  it('partialFit lowers the cost over 50 steps; cost changes no weight', () => {
    const vae = makeVae('vae', { learningRate: 0.01 });
    const snapshot = () => [...vae.parameters().values()].map((v) => Array.from(v.dataSync()));
    const weights = snapshot();
    const before = vae.cost(X, { seed: 1 });
    expect(vae.cost(X, { seed: 1 })).toBe(before);
    expect(snapshot()).toEqual(weights);
    const first = vae.partialFit(X);
    for (let step = 1; step < 50; step++) vae.partialFit(X);
    // partialFit returns the cost before its step: the untrained cost, up to the z draw.
    expect(first).toBeAllClose(before, { rtol: 0.05 });
    expect(vae.cost(X, { seed: 1 })).toBeLessThan(before - 1);
    expect(vae.optimizer.step).toBe(50);
    vae.dispose();
  });

  it('transform gives the posterior means [m, d]; generate and reconstruct give [n, D] probabilities', () => {
    const vae = makeVae();
    const z = vae.transform(X);
    expect(z.shape).toEqual([6, 2]);
    const g = vae.generate(tf.tidy(() => tf.mul<tf.Tensor2D>(z, 3)));
    expect(g.shape).toEqual([6, D]);
    const values = Array.from(g.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const one = vae.generate();
    expect(one.shape).toEqual([1, D]);
    const r = vae.reconstruct(tf.tensor2d(X));
    expect(r.shape).toEqual([6, D]);
    tf.dispose([z, g, one, r]);
    vae.dispose();
  });

  it('sample(n, seed) is deterministic and depends on the seed', () => {
    const vae = makeVae();
    const [a, b, c] = [vae.sample(5, { seed: 12 }), vae.sample(5, { seed: 12 }), vae.sample(5, { seed: 13 })];
    expect(a.shape).toEqual([5, D]);
    expect(b).toBeAllClose(a, { rtol: 0, atol: 0 });
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(() => vae.sample(0)).toThrow(/sample: argument 'n' must be a positive integer, got 0/);
    tf.dispose([a, b, c]);
    vae.dispose();
  });

  it.each(['partialFit', 'cost', 'transform', 'reconstruct'] as const)(
    '%s rejects a badly shaped x with an error naming it',
    async (method) => {
      const vae = makeVae();
      const bad = [[0, 1, 0]];
      await assertNoLeaks(() => {
        expect(() => vae[method](bad)).toThrow(`${method}: argument 'x' must have shape [m, 16], got [1, 3]`);
      }, method);
      const rank1 = tf.zeros([16]) as unknown as tf.Tensor2D;
      expect(() => vae[method](rank1)).toThrow(`argument 'x' must have shape [m, 16], got [16]`);
      rank1.dispose();
      vae.dispose();
    },
  );

  it('generate rejects codes of the wrong width, naming z', () => {
    const vae = makeVae();
    expect(() => vae.generate([[0, 0, 0]])).toThrow(
      `generate: argument 'z' must have shape [m, 2], got [1, 3]`,
    );
    vae.dispose();
  });
});

describe('convolutional architecture', () => {
  it.each(['bernoulli', 'gaussian'] as const)('builds and trains on 8x8 images (%s)', (likelihood) => {
    const vae = new VAE(
      resolveVaeConfig('vae', {
        inputShape: [8, 8, 1],
        latent: 2,
        hidden: [8],
        architecture: 'conv',
        likelihood,
        learningRate: 0.01,
        seed: 1,
      }),
    );
    const names = [...vae.parameters().keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'encoder.net.conv0.kernel',
        'encoder.net.conv1.kernel',
        'encoder.net.hidden.kernel',
        'encoder.loc.kernel',
        'encoder.logvar.bias',
        'decoder.net.project.kernel',
        'decoder.net.deconv1.bias',
      ]),
    );
    expect(vae.parameters().get('encoder.loc.kernel')!.shape).toEqual([8, 2]);
    const x = Array.from({ length: 4 }, (_, i) =>
      Array.from({ length: 64 }, (_, j) => ((i + j) % 3 === 0 ? 0.9 : 0.1)),
    );
    const data = likelihood === 'bernoulli' ? x.map((r) => r.map((v) => Math.round(v))) : x;
    const before = vae.cost(data, { seed: 1 });
    for (let step = 0; step < 15; step++) vae.partialFit(data);
    expect(vae.cost(data, { seed: 1 })).toBeLessThan(before);
    const r = vae.reconstruct(data);
    expect(r.shape).toEqual([4, 64]);
    expect(vae.transform(data).shape).toEqual([4, 2]);
    r.dispose();
    vae.dispose();
  });
});

describe('memory', () => {
  it.each(['vae', 'iwae', 'cvae'] as const)('trainStep leaks nothing after the first (%s)', (kind) => {
    const model = makeVae(kind, { numClasses: 3, prior: kind === 'vae' ? 'mixture' : 'normal' });
    const x = tf.tensor2d(X);
    const labels = kind === 'cvae' ? [0, 1, 2, 0, 1, 2] : undefined;
    model.trainStep({ x, labels }, { seed: 1 });
    const before = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) model.trainStep({ x, labels }, { seed: step + 2 });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('frees everything in cost, transform, generate, reconstruct, sample and dispose', async () => {
    const before = tf.memory().numTensors;
    const cvae = makeVae('cvae', { numClasses: 3 });
    const labels = [0, 1, 2, 0, 1, 2];
    const labelTensor = tf.tensor1d(labels, 'int32');
    await assertNoLeaks(() => cvae.cost(X, { labels, seed: 1 }), 'cost');
    await assertNoLeaks(() => cvae.transform(X, { labels: labelTensor }), 'transform');
    await assertNoLeaks(() => cvae.generate(undefined, { labels, seed: 1 }), 'generate');
    await assertNoLeaks(() => cvae.reconstruct(X, { labels }), 'reconstruct');
    await assertNoLeaks(() => cvae.sample(3, { seed: 1, labels: [0, 1, 2] }), 'sample');
    cvae.partialFit(X, { labels }); // creates Adam's moments
    await assertNoLeaks(() => cvae.partialFit(X, { labels }), 'partialFit (after the first)');
    labelTensor.dispose();
    cvae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
