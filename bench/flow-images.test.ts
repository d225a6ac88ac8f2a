// The flow-images benchmark without its training: the sizes from the environment, the flow it builds, the
// diagonal-Gaussian baseline against SciPy, the target, its registration.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/data/dataset.js';
import { assertNoLeaks } from '../src/engine/memory.js';
import { evaluateFlow } from '../src/families/flow/evaluate.js';
import { flowFamily } from '../src/families/flow/index.js';
import { bitsPerDim } from '../src/families/flow/model.js';
import { trainSteps } from '../src/train/trainer.js';
import { UsageError } from './harness.js';
import { BENCHMARKS } from './registry.js';
import {
  benchFlowTrain,
  bitsTarget,
  createFlowImages,
  DEFAULT_TRAIN,
  diagonalGaussianLogLik,
  fitDiagonalGaussian,
  flowImages,
  seededUniform,
} from './flow-images.js';

/** `rows` of 8-bit values as a `Dataset` of 1 x width x 1 images holding k / 255. */
function images(rows: number[][]): Dataset {
  return {
    name: 'test',
    kind: 'image',
    shape: [1, rows[0].length, 1],
    values: Float32Array.from(rows.flat(), (k) => k / 255),
    labels: null,
    n: rows.length,
    numClasses: 0,
  };
}

/** A U(0, 1) stand-in that repeats `values`. */
function cycle(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

const NOISE = [0.1, 0.7, 0.3, 0.9, 0.5, 0.2];
const TRAIN = images([
  [0, 128, 255],
  [3, 64, 200],
  [10, 0, 255],
  [7, 255, 100],
]);
const TEST = images([
  [1, 100, 250],
  [20, 30, 40],
]);

describe('benchFlowTrain', () => {
  it('defaults to 10,000 and reads LATENTLAB_BENCH_FLOW_TRAIN', () => {
    expect(DEFAULT_TRAIN).toBe(10_000);
    expect(benchFlowTrain({})).toBe(10_000);
    expect(benchFlowTrain({ LATENTLAB_BENCH_FLOW_TRAIN: '' })).toBe(10_000);
    expect(benchFlowTrain({ LATENTLAB_BENCH_FLOW_TRAIN: '640' })).toBe(640);
    expect(benchFlowTrain({ LATENTLAB_BENCH_FLOW_TRAIN: '60000' })).toBe(60_000);
  });

  it.each([
    ['zero', '0'],
    ['a fraction', '2.5'],
    ['a word', 'many'],
    ['a negative number', '-1'],
    ['more than the training set', '60001'],
  ])('rejects %s, naming the variable', (_, value) => {
    expect(() => benchFlowTrain({ LATENTLAB_BENCH_FLOW_TRAIN: value })).toThrow(UsageError);
    expect(() => benchFlowTrain({ LATENTLAB_BENCH_FLOW_TRAIN: value })).toThrow(
      `LATENTLAB_BENCH_FLOW_TRAIN: expected an integer from 1 to 60000, got '${value}'`,
    );
  });
});

describe('the diagonal-Gaussian baseline', () => {
  // k = [[0,128,255],[3,64,200],[10,0,255],[7,255,100]]; x = (k.astype(float32) / float32(255)).astype(float64)
  // u = array([0.1,0.7,0.3,0.9,0.5,0.2] * 2).reshape(4, 3); v = (255 * x + u) / 256; v.mean(0), v.var(0)
  it('fits the per-pixel mean and variance (divided by n) of the dequantized images, as NumPy', () => {
    const g = fitDiagonalGaussian(TRAIN, cycle(NOISE));
    expect(Array.from(g.mean)).toBeAllClose([0.021484375459294824, 0.4388671985885594, 0.791992192302132], {
      rtol: 1e-12,
    });
    expect(Array.from(g.variance)).toBeAllClose(
      [0.00022369386041759783, 0.1354774089253148, 0.06121066912496875],
      { rtol: 1e-10 },
    );
  });

  // kt = [[1,100,250],[20,30,40]]; w = (255 * xt + [[0.1,0.7,0.3],[0.9,0.5,0.2]]) / 256
  // scipy.stats.norm.logpdf(w, v.mean(0), sqrt(v.var(0))).sum(1).mean() -> -2.5125348284433544 (9.2082738... bits)
  it('gives the mean test log-density of SciPy, and its bits/dim', () => {
    const g = fitDiagonalGaussian(TRAIN, cycle(NOISE));
    const loglik = diagonalGaussianLogLik(g, TEST, cycle(NOISE));
    expect(loglik).toBeAllClose(-2.5125348284433544, { rtol: 1e-10 });
    expect(bitsPerDim(-loglik, 3)).toBeAllClose(9.208273845685342, { rtol: 1e-10 });
  });

  it('draws the same noise for the same seed, and different noise for another', () => {
    const a = fitDiagonalGaussian(TRAIN, seededUniform(11));
    const b = fitDiagonalGaussian(TRAIN, seededUniform(11));
    const c = fitDiagonalGaussian(TRAIN, seededUniform(12));
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.mean)).not.toEqual(Array.from(c.mean));
    // The noise only moves each value within its bin [k / 256, (k + 1) / 256), so the means stay in theirs.
    for (let j = 0; j < 3; j++) {
      let low = 0;
      for (let i = 0; i < 4; i++) low += (255 * TRAIN.values[i * 3 + j]) / 4 / 256;
      expect(a.mean[j]).toBeGreaterThan(low - 1e-9);
      expect(a.mean[j]).toBeLessThan(low + 1 / 256);
    }
  });

  it('rejects a single image, a constant pixel and a shape mismatch, naming the argument', () => {
    expect(() => fitDiagonalGaussian(images([[1, 2]]), cycle(NOISE))).toThrow(
      "fitDiagonalGaussian: 'data' needs at least 2 images, got 1",
    );
    const constant = images([
      [5, 1],
      [5, 2],
    ]);
    expect(() => fitDiagonalGaussian(constant, cycle([0.5]))).toThrow(
      'fitDiagonalGaussian: pixel 0 has variance 0; it must be positive',
    );
    const g = fitDiagonalGaussian(TRAIN, cycle(NOISE));
    expect(() => diagonalGaussianLogLik(g, constant, cycle(NOISE))).toThrow(
      "diagonalGaussianLogLik: 'g' has 3 pixels, the images 2",
    );
  });
});

describe('bitsTarget', () => {
  it('is met below the baseline and names both numbers', () => {
    expect(bitsTarget(4.5, 7.9)).toEqual({
      description: "test bits/dim below the diagonal-Gaussian baseline's (4.500 vs 7.900, -3.400)",
      met: true,
    });
    expect(bitsTarget(8, 7.9).met).toBe(false);
    expect(bitsTarget(NaN, 7.9).met).toBe(false);
  });
});

describe('the flow', () => {
  it('is a 2-level Glow of 4 steps with 32 hidden channels on 28x28x1 images', () => {
    const flow = createFlowImages();
    try {
      expect(flow.config).toMatchObject({
        arch: 'glow',
        inputShape: [28, 28, 1],
        levels: 2,
        layers: 4,
        hidden: [32],
      });
      expect(flow.isImage).toBe(true);
      expect(flow.numParameters()).toBe(42656);
    } finally {
      flow.dispose();
    }
  });
});

it('is registered, and its description names the variables', () => {
  expect(BENCHMARKS.map((b) => b.name)).toContain('flow-images');
  expect(flowImages.description).toMatch(/LATENTLAB_BENCH_FLOW_TRAIN/);
  expect(flowImages.description).toMatch(/LATENTLAB_BENCH_EPOCHS/);
});

it('trains and evaluates the flow without leaking tensors', async () => {
  const data = images([Array.from({ length: 784 }, (_, j) => (j * 37) % 256)]);
  const four: Dataset = {
    ...data,
    shape: [28, 28, 1],
    values: new Float32Array(4 * 784).map((_, i) => data.values[i % 784]),
    n: 4,
  };
  await assertNoLeaks(async () => {
    const flow = createFlowImages();
    try {
      // Two epochs of one batch, stepped as the benchmark steps: trainSteps with flowFamily.trainStep.
      const { history, steps } = await trainSteps(
        four,
        (batch, ctx) => flowFamily.trainStep(flow, batch, ctx),
        { epochs: 2, batchSize: 4, seed: 0 },
      );
      expect(steps).toBe(2);
      for (const r of history) {
        expect(Number.isFinite(r.loss)).toBe(true);
        expect(r.bits_per_dim).toBeAllClose(bitsPerDim(r.loss, 784), { rtol: 1e-5 });
      }
      expect(evaluateFlow(flow, four, { batchSize: 2 }).bitsPerDim).toBeGreaterThan(0);
    } finally {
      flow.dispose();
    }
  }, 'flow-images');
});
