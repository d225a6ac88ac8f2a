/**
 * k-means for initialising a Gaussian mixture, as scikit-learn's `KMeans(n_init=1)`: greedy k-means++ seeding, then
 * Lloyd iterations until the labels stop changing or the centres move less than 1e-4 times the mean variance.
 *
 * Distances come from dot products, as scikit-learn computes them: ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2, with
 * every x.c of a step in one blocked product (`rowDots`).
 */
import type { Random } from '../../engine/random.js';
import { rowDots } from '../../linalg/row-dots.js';

/** ||row||^2 for each of the n rows of `x`. */
function rowSquaredNorms(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = i * d; a < (i + 1) * d; a++) s += x[a] * x[a];
    out[i] = s;
  }
  return out;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007, with sklearn's 2 + floor(ln k) local trials): each new centre is
 * the best of a few points drawn with probability proportional to their squared distance to the chosen centres.
 * Returns k x d centres.
 */
export function kmeansPlusPlus(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  random: Random,
): Float64Array {
  const centres = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const norms = rowSquaredNorms(x, n, d);
  /** Squared distances of every point to each of the `points` (a row per point): `[n, points.length]`. */
  const distancesTo = (points: number[]): Float64Array => {
    const rows = new Float64Array(points.length * d);
    points.forEach((p, t) => rows.set(x.subarray(p * d, (p + 1) * d), t * d));
    const out = rowDots(x, n, rows, points.length, d);
    for (let i = 0; i < n; i++)
      for (let t = 0; t < points.length; t++) {
        const o = i * points.length + t;
        // Rounding can leave a point's distance to itself slightly below 0.
        out[o] = Math.max(0, norms[i] - 2 * out[o] + norms[points[t]]);
      }
    return out;
  };
  let first = random.int(n);
  centres.set(x.subarray(first * d, (first + 1) * d), 0);
  let closest = distancesTo([first]);
  for (let c = 1; c < k; c++) {
    const potential = closest.reduce((s, v) => s + v, 0);
    // Inverse-CDF draws from the squared distances; a zero potential (all points on centres) draws uniformly.
    const candidates: number[] = [];
    for (let t = 0; t < trials; t++) {
      let target = random.next() * potential;
      let candidate = potential > 0 ? 0 : random.int(n);
      if (potential > 0) {
        while (candidate < n - 1 && target >= closest[candidate]) target -= closest[candidate++];
      }
      candidates.push(candidate);
    }
    const distances = distancesTo(candidates);
    let best = -1;
    let bestPotential = Infinity;
    let bestClosest = closest;
    candidates.forEach((candidate, t) => {
      const next = closest.map((v, i) => Math.min(v, distances[i * trials + t]));
      const p = next.reduce((s, v) => s + v, 0);
      if (p < bestPotential) [best, bestPotential, bestClosest] = [candidate, p, next];
    });
    first = best;
    centres.set(x.subarray(first * d, (first + 1) * d), c * d);
    closest = bestClosest;
  }
  return centres;
}

/** Index of the nearest centre for every point (the first of equally near ones): argmin_j ||c_j||^2 - 2 x.c_j. */
export function nearestCentre(x: Float64Array, n: number, d: number, centres: Float64Array): Int32Array {
  const k = centres.length / d;
  const dots = rowDots(x, n, centres, k, d);
  const norms = rowSquaredNorms(centres, k, d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      const s = norms[j] - 2 * dots[i * k + j];
      if (s < best) [best, labels[i]] = [s, j];
    }
  }
  return labels;
}

/** k-means++ seeding then Lloyd iterations (at most `maxIter`); returns the final labels. */
export function kmeansLabels(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  random: Random,
  maxIter = 300,
): Int32Array {
  let centres = kmeansPlusPlus(x, n, d, k, random);
  let labels = nearestCentre(x, n, d, centres);
  const tol = 1e-4 * meanVariance(x, n, d);
  for (let iter = 0; iter < maxIter; iter++) {
    const next = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const to = labels[i] * d;
      const from = i * d;
      counts[labels[i]] += 1;
      for (let a = 0; a < d; a++) next[to + a] += x[from + a];
    }
    let shift = 0;
    for (let j = 0; j < k; j++)
      for (let a = 0; a < d; a++) {
        // An empty cluster keeps its centre.
        const v = counts[j] > 0 ? next[j * d + a] / counts[j] : centres[j * d + a];
        shift += (v - centres[j * d + a]) ** 2;
        next[j * d + a] = v;
      }
    centres = next;
    const relabelled = nearestCentre(x, n, d, centres);
    const unchanged = relabelled.every((v, i) => v === labels[i]);
    labels = relabelled;
    if (unchanged || shift <= tol) break;
  }
  return labels;
}

function meanVariance(x: Float64Array, n: number, d: number): number {
  // Row by row, as the data lies in memory: the column means, then the squared deviations from them.
  const means = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) means[a] += x[i * d + a];
  for (let a = 0; a < d; a++) means[a] /= n;
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const t = x[i * d + a] - means[a];
      total += (t * t) / n;
    }
  return total / d;
}
