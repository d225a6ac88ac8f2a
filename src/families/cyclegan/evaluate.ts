/**
 * Held-out metrics of a CycleGAN: how nearly the two translations undo each other (the cycle errors), and how well
 * each translation lands in its domain.
 *
 * - 2-D: the cycle errors are mean Euclidean distances, E ||F(G(a)) - a||_2 and E ||G(F(b)) - b||_2. Both densities
 *   are known, so each translation is scored by its mean log-density under its target domain against that of real
 *   draws of the domain: `logp_gap_ab` = E_B[log p_B(b)] - E_A[log p_B(G(a))], 0 when G(a) is as likely under p_B
 *   as B's own draws are (and `logp_gap_ba` the same for F(b) under p_A, where A is a toy density). Where the target
 *   is a mixture of Gaussians, mode coverage (VEEGAN's and PacGAN's score) of G(a) (`_ab`) and of F(b) (`_ba`).
 * - Images: the cycle errors are per-pixel mean absolute errors. With the sample metrics' feature classifier phi
 *   (trained on plain digits), `label_preserved_ab` is the accuracy of phi on T^-1(G(a)) against a's label (T^-1
 *   makes a B-domain image a plain digit again), `label_preserved_ba` that of phi on F(b) against the label of the
 *   digit b was made from; `frechet_a` is the Frechet distance between phi's features of F(b) and of the real A
 *   test digits, `frechet_b` between those of T^-1(G(a)) and of T^-1 of the real B test images (the plain odd
 *   digits): domain B is scored through phi(T^-1(.)). Without a classifier these four keys are absent.
 *
 * References: J.-Y. Zhu, T. Park, P. Isola and A. A. Efros, "Unpaired Image-to-Image Translation using
 * Cycle-Consistent Adversarial Networks", ICCV 2017, https://arxiv.org/abs/1703.10593; M. Heusel et al., "GANs
 * Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017,
 * https://arxiv.org/abs/1706.08500; A. Srivastava et al., "VEEGAN", NeurIPS 2017, https://arxiv.org/abs/1705.07761
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { exampleSize, type Dataset } from '../../data/dataset.js';
import { sampleToy2d, toy2dLogDensity, toy2dModes } from '../../data/toy2d.js';
import { classifierOutputs, type FeatureClassifier } from '../../metrics/classifier.js';
import { frechetDistance } from '../../metrics/frechet.js';
import { modeCoverage } from '../../metrics/mode-coverage.js';
import type { Metrics } from '../family.js';
import { splitDomains } from './domains.js';
import type { CycleGanModel } from './model.js';

/** The most held-out examples (of each domain) a 2-D evaluation scores, as many as mode coverage's 2,500. */
export const CYCLEGAN_EVALUATION_POINTS = 2500;

/** How to evaluate. */
export interface CycleGanEvaluationOptions {
  /** Fixes the draws of domain B on 2-D data. */
  seed: number;
  batchSize?: number;
  /** The feature classifier of plain images, for the label and Frechet metrics on images. */
  classifier?: FeatureClassifier;
}

/** `f` applied to `x` (`[n, D]` values) in batches, as one Float32Array. */
function mapInBatches(
  x: Float32Array,
  d: number,
  f: (batch: tf.Tensor2D) => tf.Tensor2D,
  batchSize: number,
): Float32Array {
  const n = x.length / d;
  const out = new Float32Array(x.length);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const y = tf.tidy(() => f(tf.tensor2d(x.subarray(start * d, (start + m) * d), [m, d])));
    out.set(y.dataSync(), start * d);
    y.dispose();
  }
  return out;
}

/** The mean over examples of the per-example L2 distance (`norm` 'l2') or the per-entry mean |x - y| ('l1'). */
export function meanDistance(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  d: number,
  norm: 'l1' | 'l2',
): number {
  const n = x.length / d;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * d; j < (i + 1) * d; j++) s += norm === 'l1' ? Math.abs(x[j] - y[j]) : (x[j] - y[j]) ** 2;
    total += norm === 'l1' ? s / d : Math.sqrt(s);
  }
  return total / n;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** Mode coverage of 2-D points against the modes of toy density `name` with keys suffixed `suffix`, or nothing. */
function coverage(points: Float32Array, name: string | null, suffix: string): Metrics {
  const modes = name === null ? null : toy2dModes(name);
  if (modes === null) return {};
  const c = modeCoverage(points, modes);
  return {
    [`modes_covered${suffix}`]: c.modesCovered,
    [`high_quality_frac${suffix}`]: c.highQualityFraction,
    [`mode_kl${suffix}`]: c.modeKl,
  };
}

/** The 2-D metrics on (up to {@link CYCLEGAN_EVALUATION_POINTS}) held-out points of A and as many fresh draws of B. */
function evaluate2d(model: CycleGanModel, data: Dataset, seed: number, batchSize: number): Metrics {
  const { source, target } = model.config;
  const n = Math.min(data.n, CYCLEGAN_EVALUATION_POINTS);
  const a = Float32Array.from(data.values.subarray(0, 2 * n));
  const b = sampleToy2d(target!, n, deriveSeed(seed, 'target'));
  const G = (x: tf.Tensor2D) => model.translate('ab', x);
  const F = (x: tf.Tensor2D) => model.translate('ba', x);
  const ga = mapInBatches(a, 2, G, batchSize);
  const fb = mapInBatches(b, 2, F, batchSize);
  const logB = toy2dLogDensity(target!)!;
  const logpAb = mean(logB(Float64Array.from(ga)));
  const logpB = mean(logB(Float64Array.from(b)));
  const logA = source === null ? null : toy2dLogDensity(source);
  const densityA =
    logA === null
      ? {}
      : (() => {
          const logpBa = mean(logA(Float64Array.from(fb)));
          const logpA = mean(logA(Float64Array.from(a)));
          return { logp_ba: logpBa, logp_a: logpA, logp_gap_ba: logpA - logpBa };
        })();
  return {
    cycle_error_a: meanDistance(mapInBatches(ga, 2, F, batchSize), a, 2, 'l2'),
    cycle_error_b: meanDistance(mapInBatches(fb, 2, G, batchSize), b, 2, 'l2'),
    logp_ab: logpAb,
    logp_b: logpB,
    logp_gap_ab: logpB - logpAb,
    ...densityA,
    ...coverage(ga, target, '_ab'),
    ...coverage(fb, source, '_ba'),
    n,
  };
}

/** The fraction of `predicted` equal to `labels`. */
function accuracy(predicted: Int32Array, labels: Int32Array): number {
  let right = 0;
  predicted.forEach((p, i) => (right += p === labels[i] ? 1 : 0));
  return right / predicted.length;
}

/** The image metrics on the held-out examples split into the two domains by index. */
function evaluateImages(
  model: CycleGanModel,
  data: Dataset,
  batchSize: number,
  classifier: FeatureClassifier | undefined,
): Metrics {
  const t = model.transform!;
  const d = exampleSize(data);
  const { a, b, bSource } = splitDomains(data, t);
  if (a.n === 0 || b.n === 0)
    throw new RangeError(
      `evaluate: ${data.name} needs at least 2 examples, one of each domain; it has ${data.n}`,
    );
  const G = (x: tf.Tensor2D) => model.translate('ab', x);
  const F = (x: tf.Tensor2D) => model.translate('ba', x);
  const ga = mapInBatches(Float32Array.from(a.values), d, G, batchSize);
  const fb = mapInBatches(b.values as Float32Array, d, F, batchSize);
  const metrics: Metrics = {
    cycle_error_a: meanDistance(mapInBatches(ga, d, F, batchSize), a.values, d, 'l1'),
    cycle_error_b: meanDistance(mapInBatches(fb, d, G, batchSize), b.values, d, 'l1'),
  };
  if (classifier !== undefined && a.n >= 2 && b.n >= 2) {
    const images = (values: Float32Array, like: Dataset): Dataset => ({ ...like, values });
    const outputs = (x: Dataset) => classifierOutputs(classifier, x, { batchSize, name: x.name });
    const features = (o: ReturnType<typeof outputs>) => ({ values: o.features, n: o.n, d: o.d });
    // phi(T^-1(G(a))): domain B read by the classifier of plain digits.
    const back = outputs(
      images(
        mapInBatches(ga, d, (x) => t.inverse(x), batchSize),
        a,
      ),
    );
    const translated = outputs(images(fb, b));
    Object.assign(metrics, {
      ...(a.labels === null ? {} : { label_preserved_ab: accuracy(back.predicted, a.labels) }),
      ...(b.labels === null ? {} : { label_preserved_ba: accuracy(translated.predicted, b.labels) }),
      frechet_a: frechetDistance(features(translated), features(outputs(a))),
      frechet_b: frechetDistance(features(back), features(outputs(bSource))),
    });
  }
  return { ...metrics, n: a.n + b.n };
}

/**
 * Every held-out metric of `model` on `data` (domain A's test points on 2-D data; test images, split into the two
 * domains by index, on images); see the module's documentation for each.
 *
 * @example
 * evaluateCycleGan(model, split.test, { seed: 0 }); // { cycle_error_a, cycle_error_b, logp_gap_ab, ... }
 */
export function evaluateCycleGan(
  model: CycleGanModel,
  data: Dataset,
  { seed, batchSize = 500, classifier }: CycleGanEvaluationOptions,
): Metrics {
  if (exampleSize(data) !== model.dimension)
    throw new RangeError(
      `evaluate: examples of ${data.name} have shape [${data.shape.join(', ')}], the model's [${model.config.inputShape.join(', ')}]`,
    );
  return model.isImage
    ? evaluateImages(model, data, batchSize, classifier)
    : evaluate2d(model, data, seed, batchSize);
}
