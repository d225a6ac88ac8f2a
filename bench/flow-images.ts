/**
 * Benchmark `flow-images`: a small Glow trained on Fashion-MNIST by maximum likelihood, end to end as a user would
 * train it (`loadDataset`, `glow`, `trainSteps` with `flowFamily.trainStep`, `evaluateFlow`), then the test negative
 * log-likelihood in bits per dimension BESIDE a diagonal-Gaussian baseline fitted to the same dequantized training
 * images. There is no PyTorch peer: the table's `latentlab` column is latentlab's seconds per epoch, its `peer` and
 * `ratio` columns are `-`, and the extra columns hold the two bits/dim figures.
 *
 * The flow ({@link FLOW_IMAGES_OPTIONS}): Glow, 2 levels of 4 steps (ActNorm, invertible 1x1 convolution, affine
 * coupling with 32-channel conv networks), after the logit of the dequantized images; Adam 1e-3, batches of
 * {@link BATCH}. Glow rather than RealNVP because it trains about 3x faster per step on the wasm backend at this
 * size (RealNVP's checkerboard couplings run at the full 28x28 resolution): measured on 64 images, 2-core machine,
 * levels 2, hidden 32: Glow 0.21 s/step (2 steps per level) and 0.50 s/step (4), RealNVP 0.59 and 1.5 s/step.
 *
 * Sizes, chosen so that the benchmark ends in well under 15 minutes on a 2-core machine:
 * - the first `LATENTLAB_BENCH_FLOW_TRAIN` training images (default {@link DEFAULT_TRAIN}; at most 60,000), as
 *   `latentlab train flow --limit` takes them; all 10,000 test images;
 * - `LATENTLAB_BENCH_EPOCHS` epochs (default 3, shared with `vae-epoch`); seconds per epoch is the median of the
 *   epochs after the first (the first also compiles the wasm kernels and initialises ActNorm).
 *
 * The baseline: every pixel an independent normal whose mean and variance (maximum likelihood, divided by n) are
 * those of the dequantized training values v = (255 x + u) / 256, u ~ U(0, 1) drawn with seed
 * {@link BASELINE_TRAIN_SEED}; its test log-likelihood is that of the test images dequantized with seed
 * {@link BASELINE_TEST_SEED} (float64 throughout). Both negative log-likelihoods go through the same
 * `bitsPerDim(nll, 784)`. The uniform density on [0, 1]^784 would score exactly 8 bits/dim. Target: the flow's
 * bits/dim below the baseline's.
 *
 * References: D. P. Kingma and P. Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions", 2018,
 * https://arxiv.org/abs/1807.03039; L. Theis, A. van den Oord and M. Bethge, "A note on the evaluation of generative
 * models", 2016, https://arxiv.org/abs/1511.01844
 */
import * as tf from '../src/engine/tf.js';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import { Random } from '../src/engine/random.js';
import { exampleSize, head, type Dataset } from '../src/data/dataset.js';
import type { FlowConfig } from '../src/families/flow/config.js';
import { evaluateFlow } from '../src/families/flow/evaluate.js';
import { flowFamily } from '../src/families/flow/index.js';
import { bitsPerDim, glow, type FlowModel } from '../src/families/flow/model.js';
import { trainSteps } from '../src/train/trainer.js';
import { UsageError, type Benchmark, type Target } from './harness.js';
import { benchEpochs, fashionMnistSplit, secondsPerEpoch } from './vae-epoch.js';

export const ARCH = 'glow';
export const DEFAULT_TRAIN = 10_000;
/** Fashion-MNIST's training images: the most `LATENTLAB_BENCH_FLOW_TRAIN` may ask for. */
export const MAX_TRAIN = 60_000;
export const BATCH = 64;
/** The seed of the test images' dequantization and the evaluation's batch: `evaluateFlow`'s defaults, written out. */
export const EVAL_SEED = 1;
export const EVAL_BATCH = 1000;
/** The seed of the baseline's training noise u, and of its test noise. */
export const BASELINE_TRAIN_SEED = 11;
export const BASELINE_TEST_SEED = 12;

/** The benchmark's flow, written out so that a change of latentlab's defaults shows. */
export const FLOW_IMAGES_OPTIONS = {
  inputShape: [28, 28, 1],
  levels: 2,
  layers: 4,
  hidden: [32],
  activation: 'relu',
  learningRate: 1e-3,
  seed: 0,
} satisfies Partial<FlowConfig> & { inputShape: number[] };

/** The benchmark's flow: `glow(FLOW_IMAGES_OPTIONS)`. */
export function createFlowImages(): FlowModel {
  const o = FLOW_IMAGES_OPTIONS;
  return glow({ ...o, inputShape: [...o.inputShape], hidden: [...o.hidden] });
}

/** The training images: `LATENTLAB_BENCH_FLOW_TRAIN` (an integer in 1..60,000), else {@link DEFAULT_TRAIN}. */
export function benchFlowTrain(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LATENTLAB_BENCH_FLOW_TRAIN;
  if (text === undefined || text === '') return DEFAULT_TRAIN;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_TRAIN)
    throw new UsageError(
      `LATENTLAB_BENCH_FLOW_TRAIN: expected an integer from 1 to ${MAX_TRAIN}, got '${text}'`,
    );
  return n;
}

/** Per-pixel means and variances of an independent (diagonal) Gaussian. */
export interface DiagonalGaussian {
  mean: Float64Array;
  variance: Float64Array;
}

/** A U(0, 1) source seeded with `seed` (latentlab's `Random`), for {@link fitDiagonalGaussian}'s noise. */
export function seededUniform(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/**
 * The maximum-likelihood diagonal Gaussian of the dequantized images v = (255 x + u) / 256, u drawn from `uniform`
 * in row-major order: per pixel the mean and the variance (divided by n), in float64 (Welford's updates).
 *
 * @example
 * const g = fitDiagonalGaussian(train, seededUniform(11));
 */
export function fitDiagonalGaussian(data: Dataset, uniform: () => number): DiagonalGaussian {
  const d = exampleSize(data);
  if (data.n < 2) throw new RangeError(`fitDiagonalGaussian: 'data' needs at least 2 images, got ${data.n}`);
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++) {
      const v = (255 * data.values[i * d + j] + uniform()) / 256;
      const delta = v - mean[j];
      mean[j] += delta / (i + 1);
      m2[j] += delta * (v - mean[j]);
    }
  const variance = m2.map((s) => s / data.n);
  const flat = variance.findIndex((s) => !(s > 0));
  if (flat >= 0)
    throw new RangeError(
      `fitDiagonalGaussian: pixel ${flat} has variance ${variance[flat]}; it must be positive`,
    );
  return { mean, variance };
}

/**
 * The mean log-density (nats per image) of the dequantized images v = (255 x + u) / 256 under `g`, u drawn from
 * `uniform` in row-major order: mean over images of sum_j log N(v_j; mean_j, variance_j).
 *
 * @example
 * const loglik = diagonalGaussianLogLik(g, test, seededUniform(12)); // bitsPerDim(-loglik, 784)
 */
export function diagonalGaussianLogLik(g: DiagonalGaussian, data: Dataset, uniform: () => number): number {
  const d = exampleSize(data);
  if (g.mean.length !== d)
    throw new RangeError(`diagonalGaussianLogLik: 'g' has ${g.mean.length} pixels, the images ${d}`);
  let constant = 0;
  for (let j = 0; j < d; j++) constant -= 0.5 * Math.log(2 * Math.PI * g.variance[j]);
  let sum = 0;
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++) {
      const r = (255 * data.values[i * d + j] + uniform()) / 256 - g.mean[j];
      sum -= (0.5 * r * r) / g.variance[j];
    }
  return constant + sum / data.n;
}

/** Whether the flow's bits/dim is below the baseline's, as a {@link Target}. */
export function bitsTarget(flow: number, baseline: number): Target {
  return {
    description:
      `test bits/dim below the diagonal-Gaussian baseline's ` +
      `(${flow.toFixed(3)} vs ${baseline.toFixed(3)}, ${(flow - baseline).toFixed(3)})`,
    met: flow < baseline,
  };
}

export const flowImages: Benchmark = {
  name: 'flow-images',
  description:
    `a Glow (2 levels of 4 steps, hidden 32, Adam, batch ${BATCH}) trained on LATENTLAB_BENCH_FLOW_TRAIN ` +
    `Fashion-MNIST images (default ${DEFAULT_TRAIN}) for LATENTLAB_BENCH_EPOCHS epochs (default 3); test bits/dim ` +
    'beside a diagonal-Gaussian baseline; no peer',
  async run({ log }) {
    const epochs = benchEpochs();
    const trainN = benchFlowTrain();
    await initEngine();
    const loadStart = performance.now();
    const split = fashionMnistSplit();
    const train = head(split.train, trainN);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const d = exampleSize(train);

    const baselineStart = performance.now();
    const gaussian = fitDiagonalGaussian(train, seededUniform(BASELINE_TRAIN_SEED));
    const baselineFitSeconds = (performance.now() - baselineStart) / 1000;
    const baselineLoglik = diagonalGaussianLogLik(gaussian, split.test, seededUniform(BASELINE_TEST_SEED));
    const baselineBits = bitsPerDim(-baselineLoglik, d);
    log(
      `flow-images: diagonal-Gaussian baseline: ${baselineBits.toFixed(3)} bits/dim ` +
        `(fitted in ${baselineFitSeconds.toFixed(2)} s)`,
    );

    const flow = createFlowImages();
    try {
      const parameters = flow.numParameters();
      log(
        `flow-images: latentlab (${engineInfo().backend}), ${ARCH} with ${parameters} parameters, ${epochs} ` +
          `epochs of ${train.n} images`,
      );
      const started = performance.now();
      const { history, steps } = await trainSteps(
        train,
        (batch, ctx) => flowFamily.trainStep(flow, batch, ctx),
        {
          epochs,
          batchSize: BATCH,
          seed: FLOW_IMAGES_OPTIONS.seed,
          callbacks: [
            {
              onEpochEnd: (r) =>
                log(
                  `flow-images: epoch ${r.epoch}/${epochs}: ${r.seconds.toFixed(1)} s, ` +
                    `training ${r.bits_per_dim.toFixed(3)} bits/dim`,
                ),
            },
          ],
        },
      );
      const trainSeconds = (performance.now() - started) / 1000;
      const evalStart = performance.now();
      const evaluation = evaluateFlow(flow, split.test, { seed: EVAL_SEED, batchSize: EVAL_BATCH });
      const evalSeconds = (performance.now() - evalStart) / 1000;
      const flowBits = evaluation.bitsPerDim;
      if (flowBits === undefined) throw new Error('flow-images: evaluateFlow gave no bits/dim');
      const ourSeconds = secondsPerEpoch(history.map((r) => r.seconds));
      log(
        `flow-images: ${ourSeconds.toFixed(1)} s per epoch, test ${flowBits.toFixed(3)} bits/dim ` +
          `(evaluation ${evalSeconds.toFixed(0)} s)`,
      );
      return {
        unit: 's',
        latentlab: ourSeconds,
        peerName: 'none (the test bits/dim is compared with a diagonal-Gaussian baseline instead)',
        columns: [
          { label: 'test NLL', value: flowBits, unit: 'bits/dim' },
          { label: 'baseline NLL', value: baselineBits, unit: 'bits/dim' },
        ],
        targets: [bitsTarget(flowBits, baselineBits)],
        raw: {
          arch: ARCH,
          config: flow.config,
          parameters,
          trainImages: train.n,
          testImages: split.test.n,
          epochs,
          steps,
          batchSize: BATCH,
          backend: engineInfo().backend,
          latentlab: {
            secondsPerEpoch: ourSeconds,
            epochSeconds: history.map((r) => r.seconds),
            trainingBitsPerDim: history.map((r) => r.bits_per_dim),
            testLoglik: evaluation.loglik,
            testBitsPerDim: flowBits,
            trainSeconds,
            evaluationSeconds: evalSeconds,
            loadSeconds,
            liveTensorsAfter: tf.memory().numTensors,
          },
          baseline: {
            model: 'diagonal Gaussian on (255 x + u) / 256, maximum likelihood',
            noiseSeeds: { train: BASELINE_TRAIN_SEED, test: BASELINE_TEST_SEED },
            testLoglik: baselineLoglik,
            testBitsPerDim: baselineBits,
            fitSeconds: baselineFitSeconds,
            minVariance: Math.min(...gaussian.variance),
          },
          uniformBitsPerDim: bitsPerDim(0, d),
        },
      };
    } finally {
      flow.dispose();
    }
  },
};
