/**
 * Mode coverage of samples from a mixture of isotropic Gaussians, the score of the mode-collapse literature on the
 * 2-D ring and grid (`ring8`, `grid25`): how many modes a generator reaches, how many of its samples land on a mode,
 * and how evenly they spread over the modes.
 *
 * References: A. Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning",
 * NeurIPS 2017, https://arxiv.org/abs/1705.07761 (Table 1); Z. Lin et al., "PacGAN: The power of two samples in
 * generative adversarial networks", NeurIPS 2018, https://arxiv.org/abs/1712.04086 (Table 1). The definitions
 * follow the peer `gan2d_torch.py`'s `evaluate` line for line.
 */
import { checkIntegerOption, checkPoints, MetricArgumentError } from './errors.js';

/** The modes of an equal-weight mixture of isotropic Gaussians, as `toy2dModes` returns them. */
export interface Modes {
  /** The centres, K * 2 values (x, y of each mode), K >= 1. */
  centres: ArrayLike<number>;
  /** The standard deviation of every coordinate of every component, > 0. */
  std: number;
}

/** Options of {@link modeCoverage}. */
export interface ModeCoverageOptions {
  /**
   * The number of high-quality samples a mode needs to count as covered. Default 1, whatever the number of samples:
   * VEEGAN and PacGAN count a mode with a single such sample (the peer's `--min-count 1`).
   */
  minCount?: number;
  /** A sample is high quality within `threshold * std` (Euclidean) of its nearest centre. Default 3. */
  threshold?: number;
}

/** The result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** The number of modes with at least `minCount` high-quality samples. */
  modesCovered: number;
  /** The fraction of all `n` samples that are high quality; NaN when n = 0 (the peer's mean of nothing). */
  highQualityFraction: number;
  /**
   * KL(h || uniform) in nats, h the histogram of the high-quality samples over their nearest modes: sum over the
   * modes with h_k > 0 of h_k log(K h_k). 0 when they spread evenly, log K when all sit on one mode; null without
   * high-quality samples.
   */
  modeKl: number | null;
  /** The number of high-quality samples whose nearest centre is each mode, K entries in the order of the centres. */
  counts: number[];
  /** The number of samples scored. */
  n: number;
}

/**
 * Scores `samples` (n * 2 values, x and y of each point) against the modes of a mixture of isotropic Gaussians,
 * as VEEGAN and PacGAN do (the peer `gan2d_torch.py`'s `evaluate`):
 *
 * - each sample's nearest centre by Euclidean distance d (the first of equally near ones);
 * - the sample is high quality when d <= threshold * std (3 std by default);
 * - counts_k = the number of high-quality samples nearest to centre k; mode k is covered when
 *   counts_k >= minCount (1 by default);
 * - modeKl = sum_{k: counts_k > 0} h_k log(K h_k) with h = counts / sum(counts), KL(h || uniform over the K modes)
 *   in nats, or null when no sample is high quality.
 *
 * A sample with a NaN or infinite coordinate (a diverged generator) is never high quality but counts in n.
 *
 * Throws a {@link MetricArgumentError} for an odd number of coordinates, no centres, a std that is not positive and
 * finite, a non-finite centre, a `minCount` that is not an integer >= 0 or a negative `threshold`.
 *
 * @example
 * const modes = toy2dModes('ring8')!;
 * modeCoverage(sampleToy2d('ring8', 2500, 0), modes);
 * // { modesCovered: 8, highQualityFraction: 0.99 (about 1 - e^-4.5), modeKl: 0.00 (about), counts: [...], n: 2500 }
 * modeCoverage([2, 0, 2, 0], modes); // { modesCovered: 1, highQualityFraction: 1, modeKl: log 8, ... }
 */
export function modeCoverage(
  samples: ArrayLike<number>,
  modes: Modes,
  { minCount = 1, threshold = 3 }: ModeCoverageOptions = {},
): ModeCoverage {
  const fn = 'modeCoverage';
  checkPoints(samples, 'samples', fn);
  const { centres, std } = modes;
  checkPoints(centres, 'modes.centres', fn);
  if (centres.length === 0)
    throw new MetricArgumentError(`${fn}: argument 'modes.centres' must hold at least one centre`);
  for (let i = 0; i < centres.length; i++)
    if (!Number.isFinite(centres[i]))
      throw new MetricArgumentError(
        `${fn}: argument 'modes.centres' must be finite, got ${centres[i]} at index ${i}`,
      );
  if (!(std > 0 && Number.isFinite(std)))
    throw new MetricArgumentError(`${fn}: argument 'modes.std' must be positive and finite, got ${std}`);
  checkIntegerOption(minCount, 'minCount', fn, 0);
  if (!(threshold >= 0 && Number.isFinite(threshold)))
    throw new MetricArgumentError(`${fn}: option 'threshold' must be finite and >= 0, got ${threshold}`);

  const n = samples.length / 2;
  const m = centres.length / 2;
  const radius = threshold * std;
  const counts = new Array<number>(m).fill(0);
  let highQuality = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i];
    const y = samples[2 * i + 1];
    let best = Infinity;
    let nearest = -1;
    for (let k = 0; k < m; k++) {
      const d2 = (x - centres[2 * k]) ** 2 + (y - centres[2 * k + 1]) ** 2;
      if (d2 < best) [best, nearest] = [d2, k];
    }
    // The peer compares the distance itself (torch.cdist), not its square, with 3 std.
    if (nearest >= 0 && Math.sqrt(best) <= radius) {
      counts[nearest]++;
      highQuality++;
    }
  }
  let modeKl: number | null = null;
  if (highQuality > 0) {
    modeKl = 0;
    for (const c of counts)
      if (c > 0) {
        const h = c / highQuality;
        modeKl += h * Math.log(h * m);
      }
  }
  return {
    modesCovered: counts.filter((c) => c >= minCount).length,
    highQualityFraction: highQuality / n,
    modeKl,
    counts,
    n,
  };
}
