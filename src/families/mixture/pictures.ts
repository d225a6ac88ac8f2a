/**
 * Pictures of a fitted Gaussian mixture: the data with each component's 1- and 2-sigma ellipses, the fit at a few
 * iterations side by side, and the lower bound per iteration. Data of more than two dimensions is shown on its
 * first two principal components, and each component by its projection: mean P (mu - c), covariance P Sigma P^T.
 */
import { chartFigure, type Figure } from '../../plot/figure.js';
import { curvesSpec } from '../../plot/curves.js';
import { mixtureSpec, mixtureStripSpec } from '../../plot/mixture.js';
import { principalComponents } from '../../plot/pca.js';
import type { Picture, PictureContext } from '../family.js';
import { BayesianGaussianMixture } from './bayesian-gmm.js';
import type { CovarianceType } from './covariance.js';
import type { Mixture, MixtureModel } from './model.js';

/** n rows of d float64 values, row-major. */
export interface PointSet {
  data: Float64Array;
  n: number;
  d: number;
}

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

/** The points of a data set as float64 rows. */
function pointsOf(data: { values: Float32Array | Float64Array; n: number; shape: number[] }): PointSet {
  const d = data.shape.reduce((x, y) => x * y, 1);
  return {
    data: data.values instanceof Float64Array ? data.values : Float64Array.from(data.values),
    n: data.n,
    d,
  };
}

/** The title of a mixture's pictures: `8-component full mixture, 8gaussians`. */
function titleOf(model: MixtureModel, data: string): string {
  const { kind, k, covarianceType } = model.config;
  return `${kind === 'bayesian-gmm' ? 'Bayesian ' : ''}${k}-component ${covarianceType} mixture, ${data}`;
}

/** The data coloured by most probable component, with each component's 1- and 2-sigma ellipses. */
function mixtureFigure(mixture: Mixture, points: PointSet, projection: Projection, title: string): Figure {
  const [xTitle, yTitle] = projection.axes;
  const shown = thinRows(points, points.d > 50 ? 1000 : 5000);
  const plane = projectPoints(projection, shown);
  const components = projectComponents(mixture, projection);
  return chartFigure(mixtureSpec(plane, mixture.predict(shown), components, { title, xTitle, yTitle }));
}

/**
 * What the picture of a fit's progress needs, recorded as EM goes: the components in the plane at every iteration
 * of each run. `pictures` then draws `fit.png`, the fit at up to five iterations of the run that was kept.
 */
export function fitPictures(model: MixtureModel, points: PointSet) {
  const projection = points.d >= 2 ? planeProjection(points) : null;
  const framesByRun: FitFrame[][] = [];
  const lastBoundByRun: number[] = [];
  return {
    record(run: number, iteration: number, lowerBound: number): void {
      lastBoundByRun[run] = lowerBound;
      if (projection !== null)
        (framesByRun[run] ??= []).push({
          iteration,
          components: projectComponents(model.mixture, projection),
        });
    },
    pictures(data: string): Picture[] {
      const m = model.mixture;
      // The kept run is the one whose bounds the model reports (fit keeps the best of nInit runs).
      const kept = lastBoundByRun.findIndex(
        (bound, run) => bound === m.lowerBounds.at(-1) && framesByRun[run]?.length === m.nIter + 1,
      );
      const frames = framesByRun[Math.max(0, kept)] ?? [];
      if (projection === null || frames.length === 0) return [];
      const few = thinRows(points, 1500);
      const fewPlane = projectPoints(projection, few);
      const picked = frameIterations(frames.length - 1).map((i) => frames[i]);
      const how = m instanceof BayesianGaussianMixture ? 'variational Bayes' : 'EM';
      const spec = mixtureStripSpec(
        picked.map((f) => ({
          title: f.iteration === 0 ? 'initial' : `iteration ${f.iteration}`,
          points: fewPlane,
          labels: planeLabels(fewPlane, f.components),
          components: f.components,
        })),
        { title: `${titleOf(model, data)}: the fit as ${how} goes` },
      );
      return [{ name: 'fit', figure: chartFigure(spec) }];
    },
  };
}

/**
 * The pictures of a fitted mixture: `mixture` (the training data with the components' ellipses, on the first two
 * principal components beyond 2-D) and `lower-bound` (the bound per point at each iteration: EM's mean
 * log-likelihood, or the variational bound over n).
 */
export async function mixturePictures(model: MixtureModel, context: PictureContext): Promise<Picture[]> {
  const points = pointsOf(context.train);
  if (points.d < 2) return [];
  const m = model.mixture;
  const projection = planeProjection(points);
  const pictures: Picture[] = [
    { name: 'mixture', figure: mixtureFigure(m, points, projection, titleOf(model, context.data)) },
  ];
  const bayesian = m instanceof BayesianGaussianMixture;
  const bounds = m.lowerBounds.map((v) => (bayesian ? v / points.n : v));
  if (bounds.length > 1) {
    const field = bayesian ? 'elbo' : 'mean_loglik';
    const spec = curvesSpec(
      bounds.map((v, i) => ({ iteration: i + 1, [field]: v })),
      {
        x: 'iteration',
        series: [field],
        seriesTitles: {
          [field]: bayesian ? 'ELBO per point (up to a constant)' : 'mean log-likelihood (nats)',
        },
        title: 'Lower bound per iteration',
      },
    );
    pictures.push({ name: 'lower-bound', figure: chartFigure(spec) });
  }
  return Promise.resolve(pictures);
}

/** Samples of a mixture with its ellipses, on the samples' own plane. */
export function mixtureSamplesFigure(
  model: MixtureModel,
  samples: { values: Float32Array | Float64Array; n: number; shape: number[]; labels: Int32Array | null },
): Figure {
  const points = pointsOf(samples);
  if (points.d < 2) throw new RangeError('a picture of samples needs points of 2 or more values');
  const projection = planeProjection(points);
  const [xTitle, yTitle] = projection.axes;
  return chartFigure(
    mixtureSpec(
      projectPoints(projection, points),
      samples.labels ?? new Int32Array(points.n),
      projectComponents(model.mixture, projection),
      {
        title: `${samples.n} samples`,
        xTitle,
        yTitle,
      },
    ),
  );
}
