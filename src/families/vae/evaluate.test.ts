import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { assertNoLeaks } from '../../engine/memory.js';
import type { Dataset } from '../../data/dataset.js';
import { ACTIVE_UNIT_THRESHOLD, evaluateVae } from './evaluate.js';
import { resolveVaeConfig, type VaeConfig, type VaeKind } from './config.js';
import { VAE } from './model.js';

const D = 16;

function makeVae(kind: VaeKind = 'vae', options: Partial<VaeConfig> = {}): VAE {
  return new VAE(
    resolveVaeConfig(kind, { inputShape: [4, 4, 1], latent: 2, hidden: [8], seed: 5, ...options }),
  );
}

/** `n` 4x4 images, binary (so that binarization keeps them) or grey, with labels 0, 1, 2, 0, ... */
function dataset(n: number, grey = false, labelled = true): Dataset {
  const images = new Float32Array(n * D);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++) {
      const on = (i * 5 + j * 3 + ((i * j) % 7)) % 4 < 2 ? 1 : 0;
      images[i * D + j] = grey ? 0.1 + 0.8 * on + 0.05 * Math.sin(i + j) : on;
    }
  return {
    name: 'tiny',
    kind: 'image',
    shape: [4, 4, 1],
    values: images,
    labels: labelled ? Int32Array.from({ length: n }, (_, i) => i % 3) : null,
    n,
    numClasses: labelled ? 3 : 0,
  };
}

type Mat = number[][];

/** The encoder's loc and log-variance of every image, in float64 from the variables' values. */
function encode(model: VAE, data: Dataset): { loc: Mat; logvar: Mat } {
  const p = model.parameters();
  const get = (name: string) => p.get(name)!.arraySync() as Mat | number[];
  const affine = (x: Mat, prefix: string, relu = false): Mat => {
    const w = get(`${prefix}.kernel`) as Mat;
    const b = get(`${prefix}.bias`) as number[];
    return x.map((row) =>
      b.map((bj, j) => {
        const s = row.reduce((acc, xi, i) => acc + xi * w[i][j], bj);
        return relu ? Math.max(s, 0) : s;
      }),
    );
  };
  const x = Array.from({ length: data.n }, (_, i) => Array.from(data.values.subarray(i * D, (i + 1) * D)));
  const h = affine(x, 'encoder.hidden0', true);
  return { loc: affine(h, 'encoder.loc'), logvar: affine(h, 'encoder.logvar') };
}

/** Population variance of each column. */
function columnVariance(a: Mat): number[] {
  return a[0].map((_, u) => {
    const col = a.map((row) => row[u]);
    const m = col.reduce((s, v) => s + v, 0) / col.length;
    return col.reduce((s, v) => s + v * v, 0) / col.length - m * m;
  });
}

describe('evaluateVae', () => {
  it('is deterministic for a fixed seed and reads ELBO = reconstruction - KL', () => {
    const vae = makeVae();
    const data = dataset(10, true);
    const a = evaluateVae(vae, data, { batchSize: 4, iwSamples: 5, seed: 3 });
    const b = evaluateVae(vae, data, { batchSize: 4, iwSamples: 5, seed: 3 });
    const c = evaluateVae(vae, data, { batchSize: 4, iwSamples: 5, seed: 4 });
    expect(b).toEqual(a);
    expect(c.elbo).not.toBe(a.elbo);
    expect(a.n).toBe(10);
    expect(a.iwSamples).toBe(5);
    expect(a.elbo).toBeAllClose(a.reconstruction - a.kl, { rtol: 1e-5 });
    expect(evaluateVae(vae, data, { batchSize: 4 }).iwLogLikelihood).toBeUndefined();
    vae.dispose();
  });

  it('has the closed-form KL, split per dimension, and the unit activities of the posterior means', () => {
    const vae = makeVae();
    const data = dataset(11);
    const { loc, logvar } = encode(vae, data);
    const klDims = [0, 1].map(
      (u) =>
        loc.reduce((s, mu, i) => s + 0.5 * (Math.exp(logvar[i][u]) + mu[u] ** 2 - 1 - logvar[i][u]), 0) / 11,
    );
    const result = evaluateVae(vae, data, { batchSize: 4 });
    expect(result.klPerDimension).toBeAllClose(klDims, { rtol: 1e-4, atol: 1e-6 });
    expect(result.kl).toBeAllClose(klDims[0] + klDims[1], { rtol: 1e-4 });
    expect(result.unitActivity).toBeAllClose(columnVariance(loc), { rtol: 1e-3, atol: 1e-6 });
    vae.dispose();
  });

  it('gives the same KL and activities whatever the batch size (Gaussian decoder: no binarization)', () => {
    const vae = makeVae('vae', { likelihood: 'gaussian' });
    const data = dataset(10, true);
    const a = evaluateVae(vae, data, { batchSize: 3 });
    const b = evaluateVae(vae, data, { batchSize: 10 });
    expect(a.kl).toBeAllClose(b.kl, { rtol: 1e-5 });
    expect(a.unitActivity).toBeAllClose(b.unitActivity, { rtol: 1e-4, atol: 1e-7 });
    vae.dispose();
  });

  it('counts a unit whose posterior mean is constant as inactive', () => {
    const vae = makeVae();
    const p = vae.parameters();
    // Unit 0 gets a large spread across the data, unit 1 none at all.
    tf.tidy(() => {
      const kernel = p.get('encoder.loc.kernel')!;
      const scale = tf.tensor2d([[10, 0]]);
      kernel.assign(tf.mul(kernel, scale));
      p.get('encoder.loc.bias')!.assign(tf.tensor1d([0.3, 0]));
    });
    const result = evaluateVae(vae, dataset(12), { batchSize: 5 });
    expect(result.unitActivity[0]).toBeGreaterThan(ACTIVE_UNIT_THRESHOLD);
    expect(result.unitActivity[1]).toBeAllClose(0, { atol: 1e-12 });
    expect(result.activeUnits).toBe(1);
    vae.dispose();
  });

  it('puts the importance-sampled log-likelihood above the ELBO', () => {
    const vae = makeVae();
    const data = dataset(30);
    const result = evaluateVae(vae, data, { batchSize: 16, iwSamples: 200, seed: 2 });
    expect(result.iwLogLikelihood!).toBeGreaterThan(result.elbo);
    vae.dispose();
  });

  it('evaluates a conditional VAE with its labels, and a mixture prior without per-dimension KL', () => {
    const cvae = makeVae('cvae', { numClasses: 3 });
    const r = evaluateVae(cvae, dataset(7), { batchSize: 4, iwSamples: 3 });
    expect(r.klPerDimension).toHaveLength(2);
    expect(r.kl).toBeAllClose(r.klPerDimension![0] + r.klPerDimension![1], { rtol: 1e-4 });
    expect(() => evaluateVae(cvae, dataset(7, false, false))).toThrow(/a conditional VAE needs labels/);
    const mixture = makeVae('vae', { prior: 'mixture', priorComponents: 3 });
    const m = evaluateVae(mixture, dataset(7), { batchSize: 4 });
    expect(m.klPerDimension).toBeNull();
    expect(Number.isFinite(m.kl)).toBe(true);
    [cvae, mixture].forEach((model) => model.dispose());
  });

  it('reports progress after each batch', () => {
    const vae = makeVae();
    const calls: Array<[number, number]> = [];
    evaluateVae(vae, dataset(10), { batchSize: 4, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    vae.dispose();
  });

  it.each([-1, 2.5])('rejects iwSamples = %s naming the argument', (iwSamples) => {
    const vae = makeVae();
    expect(() => evaluateVae(vae, dataset(4), { iwSamples })).toThrow(
      `evaluate: argument 'iwSamples' must be an integer >= 0, got ${iwSamples}`,
    );
    vae.dispose();
  });

  it('leaks no tensor', async () => {
    const vae = makeVae();
    const cvae = makeVae('cvae', { numClasses: 3 });
    const gaussian = makeVae('vae', { likelihood: 'gaussian', prior: 'mixture', priorComponents: 2 });
    await assertNoLeaks(() => evaluateVae(vae, dataset(9), { batchSize: 4, iwSamples: 3 }), 'vae');
    await assertNoLeaks(() => evaluateVae(cvae, dataset(9), { batchSize: 4, iwSamples: 3 }), 'cvae');
    await assertNoLeaks(
      () => evaluateVae(gaussian, dataset(9, true), { batchSize: 4, iwSamples: 3 }),
      'mixture',
    );
    await assertNoLeaks(() => {
      expect(() => evaluateVae(cvae, dataset(5, false, false))).toThrow(/needs labels/);
    }, 'unlabelled');
    [vae, cvae, gaussian].forEach((model) => model.dispose());
  });
});

describe('evaluateVae: the MMD of the aggregate posterior to the prior', () => {
  it('is the MMD^2 of N(mu, sigma^2 I) to N(0, I) when q(z|x) is one Gaussian for every x', () => {
    const vae = makeVae();
    // Zero kernels: q(z|x) = N((1, -0.5), 0.5^2 I) whatever x, so q(z) is that Gaussian.
    const p = vae.parameters();
    tf.tidy(() => {
      for (const name of ['encoder.loc.kernel', 'encoder.logvar.kernel'])
        p.get(name)!.assign(tf.zerosLike(p.get(name)!));
      p.get('encoder.loc.bias')!.assign(tf.tensor1d([1, -0.5]));
      p.get('encoder.logvar.bias')!.assign(tf.fill([2], Math.log(0.25)));
    });
    // The closed form with the kernels of mmdSquared (bandwidths 0.5, 1, 2, 4), E exp(-|a - b|^2 / (2 s^2)) for
    // a - b ~ N(m, v I) being (s^2 / (s^2 + v))^(d/2) exp(-|m|^2 / (2 (s^2 + v))):
    // /usr/bin/python3 -c "import numpy as np; mu=np.array([1.0,-0.5]); v=0.25; d=2
    //   E=lambda var,m2,s: (s*s/(s*s+var))**(d/2)*np.exp(-m2/(2*(s*s+var)))
    //   print(np.mean([E(2*v,0,s)+E(2,0,s)-2*E(v+1,mu@mu,s) for s in [0.5,1,2,4]]))"
    const expected = 0.2059220851574573;
    const e = evaluateVae(vae, dataset(2000), { seed: 3, batchSize: 500 });
    expect(Math.abs(e.priorMmd! - expected)).toBeLessThan(0.015);
    // q(z) = p(z): the estimate is 0 up to its noise.
    tf.tidy(() => {
      p.get('encoder.loc.bias')!.assign(tf.zeros([2]));
      p.get('encoder.logvar.bias')!.assign(tf.zeros([2]));
    });
    const same = evaluateVae(vae, dataset(2000), { seed: 3, batchSize: 500 });
    expect(Math.abs(same.priorMmd!)).toBeLessThan(0.005);
    vae.dispose();
  });

  it('is null for the learned conditional prior p(z|c), and measured against the mixture prior', () => {
    const cvae = makeVae('cvae', { numClasses: 3 });
    expect(evaluateVae(cvae, dataset(30)).priorMmd).toBeNull();
    const mixture = makeVae('vae', { prior: 'mixture', priorComponents: 2 });
    expect(Number.isFinite(evaluateVae(mixture, dataset(30)).priorMmd)).toBe(true);
    [cvae, mixture].forEach((model) => model.dispose());
  });
});
