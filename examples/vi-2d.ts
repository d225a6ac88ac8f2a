/**
 * Variational inference in two dimensions, the idea under every VAE.
 *
 * We want a posterior p(z) = p~(z) / Z known only up to its normaliser Z. Variational inference picks the member
 * of a family q(z) that maximises the evidence lower bound
 *
 *   ELBO(q) = E_q[log p~(z) - log q(z)] = log Z - KL(q || p) <= log Z,
 *
 * so maximising the ELBO minimises KL(q || p), and the gap log Z - ELBO is exactly that KL. The expectation is
 * estimated with reparameterized draws z = loc + L eps (`rsample`), so its gradient flows to q's parameters.
 *
 * Both targets here have a known Z, so the gap can be measured:
 * - a correlated Gaussian: a full-covariance q matches it (gap 0); a mean-field (diagonal) q cannot, and its best
 *   gap is 0.5 (sum_i log Lambda_ii - log |Lambda|), reached by q's variances 1 / Lambda_ii: too small
 *   (variational inference under-estimates the posterior's spread).
 * - a banana, p~(z) = exp(-z1^2 / (2 s1^2) - (z2 - b z1^2)^2 / (2 s2^2)); the shear z2 -> z2 - b z1^2 preserves
 *   volume, so Z = 2 pi s1 s2. z1 and z2 are uncorrelated yet dependent, so a full covariance does not help.
 *
 * Run: `npm run example:vi -- --steps 2000 --out out/vi-2d`.
 *
 * References: D. M. Blei, A. Kucukelbir and J. D. McAuliffe, "Variational Inference: A Review for Statisticians",
 * 2017, https://arxiv.org/abs/1601.00670; D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014,
 * https://arxiv.org/abs/1312.6114; G. Roeder, Y. Wu and D. Duvenaud, "Sticking the Landing", 2017,
 * https://arxiv.org/abs/1703.09194
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import * as tf from '../src/engine/tf.js';
import { initEngine } from '../src/engine/backend.js';
import { Random } from '../src/engine/random.js';
import { Independent } from '../src/distributions/independent.js';
import { MultivariateNormalTriL } from '../src/distributions/multivariate-normal-tril.js';
import { Normal } from '../src/distributions/normal.js';
import { stopGradient } from '../src/distributions/special.js';
import type { Distribution } from '../src/distributions/distribution.js';
import { chartFigure } from '../src/plot/figure.js';
import { writeFigure } from '../src/plot/render.js';
import { fixed, viChartSpec } from './vi-2d-chart.js';

/** An unnormalised 2-D density with a known normaliser. */
export interface Target2D {
  /** Short key: `gaussian`, `banana`. */
  key: string;
  /** Name for titles. */
  title: string;
  /** log p~(z) for z of shape `[..., 2]`, of shape `[...]`. */
  logDensity(z: tf.Tensor): tf.Tensor;
  /** log Z = log of the integral of p~. */
  logZ: number;
  /** The plotting window, square: `[[z1min, z1max], [z2min, z2max]]`. */
  extent: [[number, number], [number, number]];
  /** The smallest KL(q || p) each Gaussian family can reach (closed forms). */
  bestGap: Record<GaussianFamily, number>;
}

/**
 * A Gaussian with mean `mean` and precision `precision` (Lambda), scaled by exp(`logScale`):
 * log p~(z) = logScale - (z - mean)^T Lambda (z - mean) / 2, so log Z = logScale + log(2 pi) - log|Lambda| / 2.
 */
export function correlatedGaussian(
  mean: [number, number] = [1, -0.5],
  precision: [[number, number], [number, number]] = [
    [1 / 0.56, -1.2 / 0.56],
    [-1.2 / 0.56, 2 / 0.56],
  ],
  logScale = -2,
): Target2D {
  const [[a, c], [c2, d]] = precision;
  const det = a * d - c * c2;
  if (c !== c2 || !(a > 0 && det > 0))
    throw new Error(`correlatedGaussian: argument 'precision' must be symmetric positive definite`);
  // Three standard deviations of the wider coordinate; Sigma_11 = Lambda_22 / |Lambda| and vice versa.
  const half = 3 * Math.sqrt(Math.max(a, d) / det);
  return {
    key: 'gaussian',
    title: 'Correlated Gaussian',
    logZ: logScale + Math.log(2 * Math.PI) - 0.5 * Math.log(det),
    // The best diagonal q has variances 1 / Lambda_ii: KL = (sum_i log Lambda_ii - log |Lambda|) / 2.
    bestGap: { full: 0, diagonal: 0.5 * (Math.log(a) + Math.log(d) - Math.log(det)) },
    extent: [
      [mean[0] - half, mean[0] + half],
      [mean[1] - half, mean[1] + half],
    ],
    logDensity: (z) =>
      tf.tidy(() => {
        const diff = tf.sub(z, mean);
        // (Lambda diff)_i = sum_j Lambda_ij diff_j, elementwise so any leading shape works.
        const lambdaDiff = tf.sum(tf.mul(tf.expandDims(diff, -2), tf.tensor2d(precision)), -1);
        return tf.sub(logScale, tf.mul(tf.sum(tf.mul(diff, lambdaDiff), -1), 0.5));
      }),
  };
}

/**
 * The banana p~(z) = exp(-z1^2 / (2 s1^2) - (z2 - b z1^2)^2 / (2 s2^2)), with log Z = log(2 pi s1 s2).
 *
 * The best Gaussian q (diagonal or full: by the symmetry z1 -> -z1 its correlation is 0) has mean (0, b u),
 * variances (u, s2^2) with (4 b^2 / s2^2) u^2 + u / s1^2 = 1, and KL = u / (2 s1^2) + b^2 u^2 / s2^2 - 1/2
 * - log(u) / 2 + log s1. (Checked for the defaults by minimising the KL over all five Gaussian parameters with
 * scipy's Nelder-Mead and 60 x 60 Gauss-Hermite quadrature: 0.5606594.)
 */
export function banana(s1 = 1, s2 = 0.4, b = 0.8): Target2D {
  const k = (4 * b * b) / (s2 * s2);
  const u = b === 0 ? s1 * s1 : (-1 / s1 ** 2 + Math.sqrt(1 / s1 ** 4 + 4 * k)) / (2 * k);
  const best = u / (2 * s1 * s1) + (b * b * u * u) / (s2 * s2) - 0.5 - 0.5 * Math.log(u) + Math.log(s1);
  const top = b * (2.6 * s1) ** 2 + 2 * s2;
  const half = (top + 4 * s2) / 2;
  return {
    key: 'banana',
    title: 'Banana',
    logZ: Math.log(2 * Math.PI * s1 * s2),
    bestGap: { diagonal: best, full: best },
    extent: [
      [-half, half],
      [-4 * s2, top],
    ],
    logDensity: (z) =>
      tf.tidy(() => {
        const [z1, z2] = tf.unstack(z, z.rank - 1);
        const bent = tf.sub(z2, tf.mul(tf.square(z1), b));
        return tf.neg(tf.add(tf.div(tf.square(z1), 2 * s1 * s1), tf.div(tf.square(bent), 2 * s2 * s2)));
      }),
  };
}

/** The variational family: `diagonal` (mean-field) or `full` covariance Gaussians. */
export type GaussianFamily = 'diagonal' | 'full';

/** Options of {@link fitGaussianVI}. */
export interface FitOptions {
  /** Adam steps. Default 1500. */
  steps?: number;
  /** Monte Carlo draws per step. Default 64. */
  samples?: number;
  /** Adam's learning rate. Default 0.03. */
  lr?: number;
  /** Seed of the draws. Default 0. */
  seed?: number;
  /** Draws of the final ELBO estimate. Default 100000. */
  evalSamples?: number;
  /**
   * `stl` (default) drops the score term E_q[d log q / d params] = 0 from the gradient ("sticking the landing"):
   * same expectation, and zero variance once q equals p. `total` differentiates log q through its parameters too.
   */
  estimator?: 'stl' | 'total';
  /** Called every `progressEvery` steps with the step and the running mean of the per-step ELBO estimates. */
  onProgress?: (step: number, steps: number, elbo: number) => void;
  progressEvery?: number;
}

/** What {@link fitGaussianVI} found. */
export interface FitResult {
  target: string;
  family: GaussianFamily;
  /** q's mean and covariance. */
  loc: number[];
  covariance: number[][];
  /** The Monte Carlo ELBO, its standard error, the true log Z and the gap log Z - ELBO = KL(q || p). */
  elbo: number;
  elboStdErr: number;
  logZ: number;
  gap: number;
  /** The per-step ELBO estimates (one per step, `samples` draws each). */
  history: number[];
  /** tf.memory().numTensors after each step from the second on (the optimizer makes its slots in the first). */
  numTensors: number[];
  seconds: number;
}

/** The full-covariance or diagonal Gaussian with the given (trainable) parameters. */
function gaussian(family: GaussianFamily, loc: tf.Tensor, rawScale: tf.Tensor): Distribution {
  const options = { validateArgs: false };
  if (family === 'diagonal')
    return new Independent(new Normal(loc, tf.softplus(rawScale), options), 1, options);
  // L: the strict lower triangle of rawScale, and softplus of its diagonal (positive, as a Cholesky factor).
  const strictLower = tf.tensor2d([0, 0, 1, 0], [2, 2]);
  const L = tf.add(tf.mul(rawScale, strictLower), tf.mul(tf.eye(2), tf.softplus(rawScale)));
  return new MultivariateNormalTriL(loc, L, options);
}

/** softplus^{-1}(1): the raw value whose softplus is a unit scale. */
const UNIT_SCALE = Math.log(Math.E - 1);

/**
 * Fit a Gaussian q(z) to `target` by maximising the ELBO with Adam and reparameterized gradients, then estimate the
 * ELBO with `evalSamples` fresh draws. q starts at N(0, I).
 *
 * @example
 * const fit = fitGaussianVI(correlatedGaussian(), 'full', { steps: 500 });
 * fit.gap; // about 0: a full-covariance Gaussian matches a Gaussian target
 */
export function fitGaussianVI(target: Target2D, family: GaussianFamily, options: FitOptions = {}): FitResult {
  const {
    steps = 1500,
    samples = 64,
    lr = 0.03,
    seed = 0,
    evalSamples = 100_000,
    estimator = 'stl',
    onProgress,
    progressEvery = Math.max(1, Math.round(steps / 20)),
  } = options;
  for (const [name, v] of Object.entries({ steps, samples, evalSamples }))
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`fitGaussianVI: option '${name}' must be a positive integer, got ${v}`);
  if (!(lr > 0)) throw new Error(`fitGaussianVI: option 'lr' must be positive, got ${lr}`);
  const start = performance.now();
  const rng = new Random(seed);
  // tidy frees the initial values; the variables survive it.
  const [loc, rawScale] = tf.tidy(() => [
    tf.variable(tf.zeros([2])),
    tf.variable(family === 'diagonal' ? tf.fill([2], UNIT_SCALE) : tf.mul(tf.eye(2), UNIT_SCALE)),
  ]);
  const optimizer = tf.train.adam(lr);
  const history: number[] = [];
  const numTensors: number[] = [];
  let recent = 0;
  let recentCount = 0;
  try {
    for (let step = 1; step <= steps; step++) {
      const cost = optimizer.minimize(
        () => {
          const q = gaussian(family, loc, rawScale);
          const z = q.rsample([samples], rng.nextUint32() >>> 1);
          const logQ =
            estimator === 'stl'
              ? gaussian(family, stopGradient(loc), stopGradient(rawScale)).logProb(z)
              : q.logProb(z);
          return tf.neg(tf.mean(tf.sub(target.logDensity(z), logQ))) as tf.Scalar;
        },
        true,
        [loc, rawScale],
      );
      const elbo = -(cost as tf.Scalar).dataSync()[0];
      cost?.dispose();
      history.push(elbo);
      if (step > 1) numTensors.push(tf.memory().numTensors);
      recent += elbo;
      recentCount++;
      if (step % progressEvery === 0 || step === steps) {
        onProgress?.(step, steps, recent / recentCount);
        [recent, recentCount] = [0, 0];
      }
    }
    const { elbo, elboStdErr } = estimateElbo(
      target,
      () => gaussian(family, loc, rawScale),
      evalSamples,
      rng,
    );
    const [mean, covariance] = tf.tidy(() => {
      const q = gaussian(family, loc, rawScale);
      const cov = q instanceof MultivariateNormalTriL ? q.covariance() : tf.diag(q.variance());
      return [q.mean().arraySync() as number[], cov.arraySync() as number[][]];
    });
    return {
      target: target.key,
      family,
      loc: mean,
      covariance,
      elbo,
      elboStdErr,
      logZ: target.logZ,
      gap: target.logZ - elbo,
      history,
      numTensors,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    optimizer.dispose();
    loc.dispose();
    rawScale.dispose();
  }
}

/** The ELBO's Monte Carlo estimate and its standard error from `n` draws of q, 10,000 at a time. */
function estimateElbo(
  target: Target2D,
  makeQ: () => Distribution,
  n: number,
  rng: Random,
): { elbo: number; elboStdErr: number } {
  let sum = 0;
  let sumSq = 0;
  for (let done = 0; done < n; done += 10_000) {
    const w = tf.tidy(() => {
      const q = makeQ();
      const z = q.sample([Math.min(10_000, n - done)], rng.nextUint32() >>> 1);
      return tf.sub(target.logDensity(z), q.logProb(z));
    });
    for (const v of w.dataSync()) {
      sum += v;
      sumSq += v * v;
    }
    w.dispose();
  }
  const mean = sum / n;
  return { elbo: mean, elboStdErr: Math.sqrt(Math.max(0, sumSq / n - mean * mean) / n) };
}

/** Options of {@link runViExample}: the fit options, plus where the picture and the printed lines go. */
export interface ExampleOptions extends Omit<FitOptions, 'onProgress'> {
  /** Output folder. Default `out/vi-2d`. */
  out?: string;
  /** Prints the results. Default: `console.log`. */
  log?: (line: string) => void;
  /** Shows a progress line. Default: `log`. */
  progress?: (line: string) => void;
}

const FAMILY_LABELS: Record<GaussianFamily, string> = { diagonal: 'diagonal', full: 'full covariance' };

/** Fit both families to both targets, print the gaps, and write `vi-2d.png` into `out`; returns the fits. */
export async function runViExample(
  options: ExampleOptions = {},
): Promise<{ fits: FitResult[]; picture: string; targets: Target2D[] }> {
  const { out = 'out/vi-2d', log = console.log, progress = log, ...fitOptions } = options;
  const targets: Target2D[] = [correlatedGaussian(), banana()];
  const fits: FitResult[] = [];
  for (const target of targets) {
    for (const family of ['diagonal', 'full'] as const) {
      const label = `${target.title}, ${FAMILY_LABELS[family]} q`;
      const fit = fitGaussianVI(target, family, {
        ...fitOptions,
        onProgress: (step, steps, elbo) =>
          progress(`${label}: step ${step}/${steps}, recent ELBO estimates ~ ${elbo.toFixed(3)}`),
      });
      fits.push(fit);
      log(`${label}: done in ${fit.seconds.toFixed(1)} s`);
    }
  }
  log('');
  log(
    `ELBO estimated from ${fitOptions.evalSamples ?? 100_000} draws of q (+- one standard error); gap = log Z - ELBO = KL(q || p), in nats.`,
  );
  log(
    `${'target'.padEnd(20)} ${'q'.padEnd(16)} ${'ELBO'.padStart(17)} ${'log Z'.padStart(8)} ` +
      `${'gap'.padStart(8)} ${'best gap'.padStart(9)}`,
  );
  for (const fit of fits) {
    const target = targets.find((t) => t.key === fit.target) as Target2D;
    log(
      `${target.title.padEnd(20)} ${FAMILY_LABELS[fit.family].padEnd(16)} ` +
        `${`${fixed(fit.elbo, 4)} +- ${fixed(fit.elboStdErr, 4)}`.padStart(17)} ${fixed(fit.logZ, 4).padStart(8)} ` +
        `${fixed(fit.gap, 4).padStart(8)} ${fixed(target.bestGap[fit.family], 4).padStart(9)}`,
    );
  }
  log('best gap: the smallest KL(q || p) of the family, in closed form.');
  await mkdir(out, { recursive: true });
  const picture = join(out, 'vi-2d.png');
  await writeFigure(picture, chartFigure(viChartSpec(targets, fits)));
  return { fits, picture, targets };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('vi-2d')
    .description('Fit Gaussian q(z) to 2-D unnormalised densities by maximising the ELBO, and plot the fits.')
    .option('--steps <n>', 'Adam steps per fit', positiveInt, 1500)
    .option('--samples <n>', 'Monte Carlo draws per step', positiveInt, 64)
    .option('--lr <x>', 'Adam learning rate', positiveNumber, 0.03)
    .option('--seed <n>', 'random seed', integer, 0)
    .option('--out <dir>', 'output folder', 'out/vi-2d')
    .parse(argv);
  const options = program.opts<{ steps: number; samples: number; lr: number; seed: number; out: string }>();
  const engine = await initEngine();
  console.log(`Variational inference in 2-D (TensorFlow.js backend: ${engine.backend})`);
  // On a terminal the progress line rewrites itself; in a log file it appears four times per fit.
  const tty = process.stdout.isTTY;
  const { picture } = await runViExample({
    ...options,
    progressEvery: tty
      ? Math.max(1, Math.round(options.steps / 100))
      : Math.max(1, Math.round(options.steps / 4)),
    progress: tty ? (line) => process.stdout.write(`\r\x1b[K${line}`) : console.log,
    log: tty ? (line) => console.log(`\r\x1b[K${line}`) : console.log,
  });
  console.log(resolve(picture));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).catch((e: unknown) => {
    console.error(`vi-2d: ${(e as Error).message}`);
    process.exit(1);
  });
}
