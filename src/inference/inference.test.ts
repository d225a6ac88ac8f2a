import { describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import { Independent } from '../distributions/independent.js';
import { Normal } from '../distributions/normal.js';
import { elboLoss, elboTerms } from './elbo.js';
import { importanceLogLikelihood } from './importance.js';
import { iwaeBound } from './iwae.js';
import type { LatentVariableModel } from './model.js';
import { constantBeta, cyclicalAnnealing, linearWarmup } from './annealing.js';

// A linear-Gaussian model, z ~ N(0, I_2), x | z ~ N(W z + b, s^2 I_3), whose evidence and posterior are known:
// p(x) = N(b, W W^T + s^2 I), and with W's columns orthogonal the posterior is a diagonal Gaussian.
const W = [
  [1, 0],
  [0, 2],
  [1, 0],
];
const b = [0.5, -1, 0.25];
const s = 0.7;
const X = [
  [1, 0.5, -0.5],
  [0, 0, 0],
  [2, -3, 1],
  [-1, 1, 0.5],
];
// /usr/bin/python3: from scipy.stats import multivariate_normal as mvn
// C = W @ W.T + s**2 * eye(3); mvn(b, C).logpdf(X); S = inv(eye(2) + W.T @ W / s**2); mu = (X - b) @ W / s**2 @ S
const LOG_PX = [-4.661234132616354, -3.8069305951174193, -4.847915588680143, -5.772020170271817];
const POST_VAR = [0.19678714859437746, 0.10913140311804007];
const POST_MU = [
  [-0.10040160642570281, 0.6681514476614698],
  [-0.3012048192771084, 0.44543429844098],
  [0.9036144578313251, -0.89086859688196],
  [-0.502008032128514, 0.89086859688196],
];

/** The linear-Gaussian model with q(z|x) = N(mu(x) + shift, scaleFactor^2 * posterior variance). */
function linearGaussian(shift = 0, scaleFactor = 1): LatentVariableModel {
  return {
    // Called inside the inference functions' tidy, which frees the intermediate tensors.
    posterior: (x) => {
      const m = x.shape[0];
      // Row i of the batch is X[i mod 4]: tests pass X itself (or repeats of it).
      const mu = tf.add(tf.tensor2d(Array.from({ length: m }, (_, i) => POST_MU[i % 4])), shift);
      const sd = tf.mul(tf.sqrt(tf.tensor1d(POST_VAR)), scaleFactor);
      return new Independent(new Normal(mu, tf.broadcastTo(sd, mu.shape)), 1);
    },
    prior: () => new Independent(new Normal(tf.zeros([2]), tf.ones([2])), 1),
    likelihood: (z) => {
      const mean = tf.add(tf.matMul(z, tf.tensor2d(W), false, true), tf.tensor1d(b));
      return new Independent(new Normal(mean, tf.fill(mean.shape, s)), 1);
    },
  };
}

/** KL between diagonal Gaussians, in float64, for the closed-form ELBO = log p(x) - KL(q || posterior). */
function klToPosterior(shift: number, scaleFactor: number): number {
  let kl = 0;
  for (const v of POST_VAR) {
    const qv = v * scaleFactor ** 2;
    kl += 0.5 * (Math.log(v / qv) + (qv + shift ** 2) / v - 1);
  }
  return kl;
}

describe('elboTerms', () => {
  it.each(['analytic-kl', 'monte-carlo'] as const)(
    'equals log p(x) when q is the true posterior (%s; A is exact for every draw, B on average)',
    (estimator) => {
      const x = tf.tensor2d(X);
      const samples = estimator === 'monte-carlo' ? 3 : 100000;
      const { elbo, reconstruction, kl } = elboTerms(linearGaussian(), x, { estimator, samples, seed: 1 });
      expect(elbo).toBeAllClose(LOG_PX, estimator === 'monte-carlo' ? { rtol: 1e-4 } : { atol: 0.01 });
      expect(tf.sub(reconstruction, kl)).toBeAllClose(elbo, { atol: 1e-5 });
      tf.dispose([x, elbo, reconstruction, kl]);
    },
  );

  it.each(['analytic-kl', 'monte-carlo'] as const)(
    'has expectation log p(x) - KL(q || posterior) when q is off (%s, L = 100000)',
    (estimator) => {
      const x = tf.tensor2d(X);
      const { elbo, kl } = elboTerms(linearGaussian(0.3, 1.5), x, { estimator, samples: 100000, seed: 2 });
      const expected = LOG_PX.map((l) => l - klToPosterior(0.3, 1.5));
      expect(elbo).toBeAllClose(expected, { atol: 0.02 });
      if (estimator === 'analytic-kl') {
        // KL(q || N(0, I)) for the first example, in closed form.
        const q0 = POST_MU[0].map((mu, j) => {
          const v = POST_VAR[j] * 2.25;
          return 0.5 * (v + (mu + 0.3) ** 2 - 1 - Math.log(v));
        });
        expect(kl.arraySync()[0]).toBeCloseTo(q0[0] + q0[1], 4);
      }
      tf.dispose([x, elbo, kl]);
    },
  );

  it.each([
    ['samples 0', { samples: 0 }, "argument 'samples' must be a positive integer, got 0"],
    ['samples 1.5', { samples: 1.5 }, "argument 'samples' must be a positive integer, got 1.5"],
    ['an unknown estimator', { estimator: 'C' as never }, "argument 'estimator' must be one of"],
  ])('rejects %s', (_name, options, message) => {
    const x = tf.tensor2d(X);
    expect(() => elboTerms(linearGaussian(), x, options)).toThrow(message);
    x.dispose();
  });
});

describe('elboLoss', () => {
  const terms = () => ({
    elbo: tf.tensor1d([-3, -5]),
    reconstruction: tf.tensor1d([-2, -3]),
    kl: tf.tensor1d([1, 2]),
  });

  it('is the negative mean ELBO, with beta weighting the KL and N/M scaling', () => {
    const t = terms();
    const plain = elboLoss(t);
    expect(plain.loss).toBeAllClose(4);
    expect(plain.elbo).toBeAllClose(-4);
    expect(plain.reconstruction).toBeAllClose(-2.5);
    expect(plain.kl).toBeAllClose(1.5);
    const beta = elboLoss(t, { beta: 4 });
    expect(beta.loss).toBeAllClose(2.5 + 4 * 1.5);
    expect(beta.elbo).toBeAllClose(-4); // the parts stay the ELBO's
    const scaled = elboLoss(t, { datasetSize: 1000 });
    expect(scaled.loss).toBeAllClose(4000); // (N / M) * sum = N * mean
    tf.dispose([
      ...Object.values(t),
      ...Object.values(plain),
      ...Object.values(beta),
      ...Object.values(scaled),
    ]);
  });

  it('rejects a negative beta', () => {
    const t = terms();
    expect(() => elboLoss(t, { beta: -1 })).toThrow("elboLoss: argument 'beta' must be >= 0, got -1");
    tf.dispose(Object.values(t));
  });
});

describe('iwaeBound and importanceLogLikelihood', () => {
  it('equal log p(x) when q is the true posterior, whatever K and the chunking', () => {
    const x = tf.tensor2d(X);
    const bound = iwaeBound(linearGaussian(), x, 7, 3);
    expect(bound).toBeAllClose(LOG_PX, { rtol: 1e-4 });
    expect(importanceLogLikelihood(linearGaussian(), x, { samples: 50, maxRows: 12, seed: 4 })).toBeAllClose(
      LOG_PX,
      {
        rtol: 1e-4,
      },
    );
    tf.dispose([x, bound]);
  });

  it('order ELBO <= IWAE(K) <= log p(x), and tighten towards log p(x) with K', () => {
    const x = tf.tensor2d(X);
    const model = linearGaussian(0.5, 1.3);
    const average = (t: tf.Tensor) => {
      const v = tf.mean(t).dataSync()[0];
      t.dispose();
      return v;
    };
    const elbo = average(elboTerms(model, x, { samples: 5000, seed: 5 }).elbo);
    const mean = (k: number) => {
      const runs = Array.from({ length: 400 }, (_, i) => average(iwaeBound(model, x, k, 1000 + i)));
      return runs.reduce((a, v) => a + v, 0) / runs.length;
    };
    const [iw5, iw50] = [mean(5), mean(50)];
    const logPx = LOG_PX.reduce((a, v) => a + v, 0) / 4;
    expect(elbo).toBeLessThan(iw5);
    expect(iw5).toBeLessThan(iw50);
    expect(iw50).toBeLessThan(logPx + 0.005);
    // With q close to the posterior, K = 5000 pins log p(x) down to a few hundredths.
    const ll = importanceLogLikelihood(linearGaussian(0.2, 1.2), x, { samples: 5000, seed: 6 });
    expect(ll).toBeAllClose(LOG_PX, { atol: 0.03 });
    x.dispose();
  });

  it('gives the same estimate whatever maxRows, holding fewer decoded rows when it is smaller', async () => {
    const x = tf.tensor2d(X);
    const model = linearGaussian(0.5, 1.3);
    const run = async (maxRows: number) => {
      let ll: Float64Array = new Float64Array(0);
      const { peakBytes } = await tf.profile(() => {
        ll = importanceLogLikelihood(model, x, { samples: 600, maxRows, seed: 8 });
      });
      return { ll, peakBytes };
    };
    const [small, large] = [await run(8), await run(100_000)];
    expect(small.ll).toBeAllClose(Array.from(large.ll), { rtol: 1e-6 });
    // The latent draws of a chunk stay whole (600 x 4 here); the decoded rows are what shrinks.
    expect(small.peakBytes).toBeLessThan(large.peakBytes / 2);
    x.dispose();
  });

  it('rejects bad sample counts', () => {
    const x = tf.tensor2d(X);
    expect(() => iwaeBound(linearGaussian(), x, 0)).toThrow(
      "iwaeBound: argument 'samples' must be a positive",
    );
    expect(() => importanceLogLikelihood(linearGaussian(), x, { samples: -3 })).toThrow(
      "importanceLogLikelihood: argument 'samples' must be a positive integer, got -3",
    );
    x.dispose();
  });
});

describe('KL annealing', () => {
  it('warms up linearly and cycles', () => {
    expect([0, 2.5, 5, 10, 20].map(linearWarmup(2, 10))).toEqual([0, 0.5, 1, 2, 2]);
    expect(linearWarmup(0.5, 0)(0)).toBe(0.5);
    expect([0, 1, 2, 3, 4, 5].map(cyclicalAnnealing(1, { period: 4, ratio: 0.5 }))).toEqual([
      0, 0.5, 1, 1, 0, 0.5,
    ]);
    expect(constantBeta(3)(100)).toBe(3);
    expect(() => linearWarmup(1, -1)).toThrow(
      "linearWarmup: argument 'warmup' must be a number >= 0, got -1",
    );
    expect(() => cyclicalAnnealing(1, { period: 0 })).toThrow("argument 'period' must be a number > 0");
  });
});

it('leaks no tensors', async () => {
  const x = tf.tensor2d(X);
  await assertNoLeaks(() => {
    const t = elboTerms(linearGaussian(0.1), x, { samples: 2, seed: 1 });
    const l = elboLoss(t, { beta: 0.5 });
    tf.dispose([t.elbo, t.reconstruction, t.kl, l.loss, l.elbo, l.reconstruction, l.kl]);
    tf.dispose(iwaeBound(linearGaussian(0.1), x, 3, 2));
    importanceLogLikelihood(linearGaussian(0.1), x, { samples: 10, maxRows: 8, seed: 3 });
  }, 'inference');
  x.dispose();
});
