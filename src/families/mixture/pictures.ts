/**
 * Pictures of a fitted Gaussian mixture: the data with each component's 1- and 2-sigma ellipses, the fit at a few
 * iterations side by side, and the lower bound per iteration. Data of more than two dimensions is shown on its
 * first two principal components, and each component by its projection: mean P (mu - c), covariance P Sigma P^T.
 */
import { join } from 'node:path';
import { curvesPng } from '../plot/curves.js';
import { writePng } from '../plot/chart.js';
import { mixturePng, mixtureStripPng } from '../plot/mixture.js';
import { principalComponents } from '../plot/pca.js';
import type { PointSet } from '../data/points.js';
import { BayesianGaussianMixture } from './bayesian-gmm.js';
import type { CovarianceType } from './gmm-covariance.js';
import type { Mixture } from './gmm-io.js';

/** A map from d-dimensional points to the plane: rows of `components` (2 x d) applied to x - `center`. */
export interface Projection {
  components: Float64Array;
  center: Float64Array;
  d: number;
  /** Axis titles: `x1`, `x2` for 2-D data, `PC1 (43%)`, `PC2 (12%)` otherwise. */
  axes: [string, string];
}

/** A component drawn in the plane. */
export interface PlaneComponent {
  weight: number;
  mean: Float64Array;
  cov: Float64Array;
}

/** The points the pictures show: every `step`-th row, at most `max` of them. */
export function thinRows(points: PointSet, max: number): PointSet {
  if (points.n <= max) return points;
  const step = Math.ceil(points.n / max);
  const n = Math.ceil(points.n / step);
  const data = new Float64Array(n * points.d);
  for (let i = 0; i < n; i++)
    data.set(points.data.subarray(i * step * points.d, (i * step + 1) * points.d), i * points.d);
  return { data, n, d: points.d };
}

/**
 * The identity for 2-D data; the first two principal components of the points otherwise, from at most 5000 of them
 * (2000 beyond 50 dimensions, where the covariance costs d^2 per point and two directions are already well
 * determined).
 */
export function planeProjection(points: PointSet): Projection {
  const { d } = points;
  if (d === 2)
    return { components: Float64Array.of(1, 0, 0, 1), center: new Float64Array(2), d, axes: ['x1', 'x2'] };
  const sample = thinRows(points, d > 50 ? 2000 : 5000);
  const pca = principalComponents(sample.data, sample.n, d, 2);
  const pct = (j: number) => `PC${j + 1} (${(100 * pca.explainedVarianceRatio[j]).toFixed(0)}% of variance)`;
  return { components: pca.components, center: pca.mean, d, axes: [pct(0), pct(1)] };
}

/** The rows of `points` in the plane (n x 2). */
export function projectPoints(p: Projection, points: PointSet): Float64Array {
  const out = new Float64Array(points.n * 2);
  for (let i = 0; i < points.n; i++)
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let a = 0; a < p.d; a++) s += p.components[c * p.d + a] * (points.data[i * p.d + a] - p.center[a]);
      out[i * 2 + c] = s;
    }
  return out;
}

/**
 * The dense d x d covariance of component j from the layout of `type` (k*d*d, d*d, k*d or k numbers): a view into
 * `covariances` for 'full' and 'tied' (read it, do not write it), a new array otherwise.
 */
export function denseCovariance(
  type: CovarianceType,
  covariances: Float64Array,
  j: number,
  d: number,
): Float64Array {
  if (type === 'full') return covariances.subarray(j * d * d, (j + 1) * d * d);
  if (type === 'tied') return covariances.subarray(0, d * d);
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) out[a * d + a] = type === 'diag' ? covariances[j * d + a] : covariances[j];
  return out;
}

/** Every component of `model` in the plane of `p`. */
export function projectComponents(model: Mixture, p: Projection): PlaneComponent[] {
  const { d } = p;
  return Array.from({ length: model.k }, (_, j) => {
    const sigma = denseCovariance(model.covarianceType, model.covariances, j, d);
    const mean = new Float64Array(2);
    for (let c = 0; c < 2; c++)
      for (let a = 0; a < d; a++) mean[c] += p.components[c * d + a] * (model.means[j * d + a] - p.center[a]);
    // P Sigma P^T, through the 2 x d product P Sigma.
    const ps = new Float64Array(2 * d);
    for (let c = 0; c < 2; c++)
      for (let a = 0; a < d; a++) {
        const pa = p.components[c * d + a];
        if (pa !== 0) for (let b = 0; b < d; b++) ps[c * d + b] += pa * sigma[a * d + b];
      }
    const cov = new Float64Array(4);
    for (let c = 0; c < 2; c++)
      for (let e = 0; e < 2; e++)
        for (let b = 0; b < d; b++) cov[c * 2 + e] += ps[c * d + b] * p.components[e * d + b];
    cov[1] = cov[2] = 0.5 * (cov[1] + cov[2]);
    return { weight: model.weights[j], mean, cov };
  });
}

/**
 * The most probable component of each plane point under the projected mixture (argmax of log w_j + log N(p | m_j,
 * C_j)): cheap at every iteration whatever d is, and what the picture shows.
 */
export function planeLabels(points2: Float64Array, components: PlaneComponent[]): Int32Array {
  const n = points2.length / 2;
  const labels = new Int32Array(n);
  const terms = components.map(({ weight, mean, cov }) => {
    const det = cov[0] * cov[3] - cov[1] * cov[2];
    return { weight, mean, cov, det, ok: weight > 0 && det > 0 };
  });
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    terms.forEach(({ weight, mean, cov, det, ok }, j) => {
      if (!ok) return;
      const dx = points2[2 * i] - mean[0];
      const dy = points2[2 * i + 1] - mean[1];
      const maha = (cov[3] * dx * dx - 2 * cov[1] * dx * dy + cov[0] * dy * dy) / det;
      const score = Math.log(weight) - 0.5 * Math.log(det) - 0.5 * maha;
      if (score > best) {
        best = score;
        labels[i] = j;
      }
    });
  }
  return labels;
}

/** One panel of the strip: the fit after `iteration` M-steps. */
export interface FitFrame {
  iteration: number;
  components: PlaneComponent[];
}

/** Up to `count` iterations out of 0..last, spread geometrically so the early, fast changes show: always 0 and last. */
export function frameIterations(last: number, count = 5): number[] {
  if (last <= count - 1) return Array.from({ length: last + 1 }, (_, i) => i);
  const picks = new Set([0, last]);
  for (let i = 1; picks.size < count && i < 4 * count; i++)
    picks.add(Math.min(last, Math.round(Math.pow(last, i / (count - 1)))));
  return [...picks].sort((a, b) => a - b).slice(0, count);
}

/** What {@link writeMixturePictures} needs. */
export interface MixturePictureInput {
  model: Mixture;
  points: PointSet;
  projection: Projection;
  /** The fit at every iteration of the kept run (from `fit`'s `onIteration`). */
  frames: FitFrame[];
  /** The bound per point at each iteration: EM's mean log-likelihood, or the variational bound over n. */
  lowerBounds: number[];
  title: string;
}

/**
 * Write `mixture.png` (the data coloured by most probable component, with 1- and 2-sigma ellipses), `fit.png`
 * (the fit at up to five iterations) and `lower-bound.png` into `outDir`; returns their paths.
 */
export async function writeMixturePictures(outDir: string, input: MixturePictureInput): Promise<string[]> {
  const { model, points, projection, frames, lowerBounds, title } = input;
  const [xTitle, yTitle] = projection.axes;
  const shown = thinRows(points, points.d > 50 ? 1000 : 5000);
  const plane = projectPoints(projection, shown);
  const components = projectComponents(model, projection);
  const written: string[] = [];
  const mixturePath = join(outDir, 'mixture.png');
  await writePng(
    mixturePath,
    await mixturePng(plane, model.predict(shown), components, { title, xTitle, yTitle }),
  );
  written.push(mixturePath);
  if (frames.length > 0) {
    const few = thinRows(points, 1500);
    const fewPlane = projectPoints(projection, few);
    const picked = frameIterations(frames.length - 1).map((i) => frames[i]);
    const stripPath = join(outDir, 'fit.png');
    await writePng(
      stripPath,
      await mixtureStripPng(
        picked.map((f) => ({
          title: f.iteration === 0 ? 'initial' : `iteration ${f.iteration}`,
          points: fewPlane,
          labels: planeLabels(fewPlane, f.components),
          components: f.components,
        })),
        {
          title: `${title}: the fit as ${model instanceof BayesianGaussianMixture ? 'variational Bayes' : 'EM'} goes`,
        },
      ),
    );
    written.push(stripPath);
  }
  if (lowerBounds.length > 1) {
    const boundPath = join(outDir, 'lower-bound.png');
    const bayesian = model instanceof BayesianGaussianMixture;
    const field = bayesian ? 'elbo' : 'mean_loglik';
    await writePng(
      boundPath,
      await curvesPng(
        lowerBounds.map((v, i) => ({ iteration: i + 1, [field]: v })),
        {
          x: 'iteration',
          series: [field],
          seriesTitles: {
            [field]: bayesian ? 'ELBO per point (up to a constant)' : 'mean log-likelihood (nats)',
          },
          title: 'Lower bound per iteration',
        },
      ),
    );
    written.push(boundPath);
  }
  return written;
}
