/**
 * Held-out metrics of a GAN: the discriminator's loss on test data against fresh samples, and the divergence it bounds
 * (see `divergenceBound`); on the 2-D mixtures of the mode-collapse literature, mode coverage as VEEGAN and PacGAN
 * score it; with a flow generator on a known density, the exact optimal discriminator D* and the JSD. For InfoGAN,
 * how well Q's categorical code classifies real examples (`q_accuracy`).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { toy2dLogDensity, toy2dModes } from '../../data/toy2d.js';
import { bestAssignment } from '../../metrics/assignment.js';
import { modeCoverage } from '../../metrics/mode-coverage.js';
import { optimalLogit, sigmoid, softplus } from '../../metrics/optimal-discriminator.js';
import type { Metrics } from '../family.js';
import { discriminatorLoss, divergenceBound } from './losses.js';
import type { GanModel } from './model.js';

/** The most test examples the discriminator's loss is averaged over. */
export const EVALUATION_EXAMPLES = 10000;

/** The discriminator's mean loss on (up to {@link EVALUATION_EXAMPLES}) test examples against as many samples. */
export function heldOutDiscriminatorLoss(
  gan: GanModel,
  data: Dataset,
  { seed, batchSize = 1000 }: { seed: number; batchSize?: number },
): { loss: number; n: number } {
  const n = Math.min(data.n, EVALUATION_EXAMPLES);
  const d = gan.dimension;
  let sum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const loss = tf.tidy(() => {
      const real = tf.tensor2d(Float32Array.from(data.values.subarray(start * d, (start + m) * d)), [m, d]);
      const fake = gan.generate(m, deriveSeed(seed, 'fake', start));
      return discriminatorLoss(gan.config.loss, gan.logits(real), gan.logits(fake));
    });
    sum += loss.dataSync()[0] * m;
    loss.dispose();
  }
  return { loss: sum / n, n };
}

/** How many samples mode coverage scores (VEEGAN's and PacGAN's 2,500). */
export const COVERAGE_SAMPLES = 2500;

/**
 * Mode coverage of {@link COVERAGE_SAMPLES} seeded samples when the training data came from one of the 2-D mixtures
 * (`ring8`, `grid25`, `8gaussians`, `25gaussians`; see `modeCoverage`), else null.
 */
export function ganModeCoverage(gan: GanModel, seed: number): Metrics | null {
  const modes = gan.config.density === null ? null : toy2dModes(gan.config.density);
  if (modes === null || gan.dimension !== 2) return null;
  const x = gan.generate(COVERAGE_SAMPLES, deriveSeed(seed, 'coverage'));
  const values = x.dataSync();
  x.dispose();
  const c = modeCoverage(values, modes);
  return {
    modes_covered: c.modesCovered,
    high_quality_frac: c.highQualityFraction,
    mode_kl: c.modeKl,
  };
}

/** What the discriminator reads as D(x) in [0, 1] from its output: the sigmoid, or (lsgan) the output clipped. */
function probability(gan: GanModel, output: number): number {
  if (gan.config.loss === 'lsgan') return Math.min(1, Math.max(0, output));
  return sigmoid(output);
}

/**
 * The optimal discriminator D* = p / (p + q) when both densities are exact: the data's (a toy 2-D density) and the
 * generator's (`--generator flow`). By Monte Carlo over the (up to {@link EVALUATION_EXAMPLES}) held-out examples
 * x_i ~ p and as many fresh samples y_j ~ q, with exact log-densities, so no grid limits it however narrow the
 * modes:
 *
 * - `jsd` = 1/2 E_p[log 2 D*(x)] + 1/2 E_q[log 2 (1 - D*(y))], the Jensen-Shannon divergence JSD(p || q);
 * - `value_optimal` = -log 4 + 2 jsd, the value V(G, D*) of the game at the optimal discriminator;
 * - `value` = E_p[log D(x)] + E_q[log(1 - D(y))], V(G, D) of the learned D (ns, minimax: D the sigmoid of its
 *   logit), at most `value_optimal`;
 * - `d_star_distance` = E_{(p + q)/2} |D - D*| = 1/2 E_p |D - D*| + 1/2 E_q |D - D*| (ns, minimax, lsgan, whose
 *   optimal discriminator is D*; a WGAN critic has none).
 *
 * Null when either density is unknown. The same quantities by quadrature on a grid are in
 * `metrics/optimal-discriminator.ts`.
 */
export function ganOptimalDiscriminator(gan: GanModel, data: Dataset, seed: number): Metrics | null {
  const logP = gan.config.density === null ? null : toy2dLogDensity(gan.config.density);
  const logQ = gan.generator.logProb?.bind(gan.generator);
  if (logP === null || logQ === undefined || gan.dimension !== 2) return null;
  const n = Math.min(data.n, EVALUATION_EXAMPLES);
  const real = tf.tensor2d(Float32Array.from(data.values.subarray(0, 2 * n)), [n, 2]);
  const fake = gan.generate(n, deriveSeed(seed, 'optimal-discriminator'));
  const read = (t: tf.Tensor) => {
    const v = Float64Array.from(t.dataSync());
    t.dispose();
    return v;
  };
  const sides = [real, fake].map((x) => ({
    logP: logP(Float64Array.from(x.dataSync())),
    logQ: read(tf.tidy(() => logQ(x))),
    d: read(tf.tidy(() => gan.logits(x))),
  }));
  tf.dispose([real, fake]);
  const withD = gan.config.loss !== 'wgan-gp';
  let [jsd, value, distance] = [0, 0, 0];
  sides.forEach(({ logP: lp, logQ: lq, d }, side) => {
    for (let i = 0; i < n; i++) {
      const s = optimalLogit(lp[i], lq[i]);
      // log 2 D* on p's side, log 2 (1 - D*) on q's.
      jsd += (Math.LN2 - softplus(side === 0 ? -s : s)) / (2 * n);
      if (!withD) continue;
      const dStar = sigmoid(s);
      distance += Math.abs(probability(gan, d[i]) - dStar) / (2 * n);
      if (gan.config.loss !== 'lsgan') value -= softplus(side === 0 ? -d[i] : d[i]) / n;
    }
  });
  return {
    jsd,
    value_optimal: -Math.log(4) + 2 * jsd,
    ...(withD && gan.config.loss !== 'lsgan' ? { value } : {}),
    ...(withD ? { d_star_distance: distance } : {}),
  };
}

/**
 * Q's categorical code of each of (up to {@link EVALUATION_EXAMPLES}) examples of `data`: argmax_c Q(c | x), the
 * code InfoGAN's Q head reads off a real example.
 */
export function predictedCodes(gan: GanModel, data: Dataset, { batchSize = 1000 } = {}): Int32Array {
  const q = gan.discriminator.q;
  if (q === null) throw new Error(`predictedCodes: this ${gan.config.kind} model has no Q head`);
  const n = Math.min(data.n, EVALUATION_EXAMPLES);
  const d = gan.dimension;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const codes = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(data.values.subarray(start * d, (start + m) * d)), [m, d]);
      return tf.argMax(q.apply(gan.discriminator.features(x)).categorical.logits, -1);
    });
    out.set(codes.dataSync(), start);
    codes.dispose();
  }
  return out;
}

/**
 * The accuracy of codes (0..numCodes-1) as a classifier of labels (0..numClasses-1) under the best one-to-one
 * assignment of codes to classes (`bestAssignment` on their confusion matrix): 1 when the codes are the classes
 * under some relabelling.
 *
 * @example
 * assignedAccuracy([2, 2, 0, 1], [0, 0, 1, 2], 3, 3); // 1: code 2 is class 0, code 0 class 1, code 1 class 2
 */
export function assignedAccuracy(
  codes: ArrayLike<number>,
  labels: ArrayLike<number>,
  numCodes: number,
  numClasses: number,
): number {
  if (codes.length !== labels.length || codes.length === 0)
    throw new RangeError(
      `assignedAccuracy: 'codes' and 'labels' must be non-empty and of one length, got ${codes.length} and ${labels.length}`,
    );
  const confusion = Array.from({ length: numCodes }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < codes.length; i++) confusion[codes[i]][labels[i]] += 1;
  return bestAssignment(confusion).matched / codes.length;
}

/**
 * InfoGAN's `q_accuracy`: Q's categorical predictions on `data` against its true labels, under the best one-to-one
 * assignment of codes to classes. Null when the data have no labels or their number of classes is not the number
 * of categories (no one-to-one assignment then).
 */
export function ganQAccuracy(gan: GanModel, data: Dataset): number | null {
  if (data.labels === null || data.numClasses !== gan.config.categories) return null;
  const codes = predictedCodes(gan, data);
  return assignedAccuracy(
    codes,
    data.labels.subarray(0, codes.length),
    gan.config.categories,
    data.numClasses,
  );
}

/** Every held-out metric that applies to `gan` on `data`. */
export function evaluateGan(gan: GanModel, data: Dataset, { seed }: { seed: number }): Metrics {
  const { loss, n } = heldOutDiscriminatorLoss(gan, data, { seed });
  return {
    d_loss: loss,
    divergence: divergenceBound(gan.config.loss, loss),
    n,
    ...ganModeCoverage(gan, seed),
    ...ganOptimalDiscriminator(gan, data, seed),
    ...(gan.hasCodes ? { q_accuracy: ganQAccuracy(gan, data) } : {}),
  };
}
