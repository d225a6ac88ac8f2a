import { describe, expect, it } from 'vitest';
import { sampleToy2d, toy2dModes } from '../data/toy2d.js';
import { MetricArgumentError } from './errors.js';
import { modeCoverage } from './mode-coverage.js';

const ring8 = toy2dModes('ring8')!;
const grid25 = toy2dModes('grid25')!;

/** Each centre of `modes` repeated `times` times, as n * 2 values. */
function atCentres({ centres }: { centres: Float64Array }, times: number): Float64Array {
  const out = new Float64Array(centres.length * times);
  for (let t = 0; t < times; t++) out.set(centres, t * centres.length);
  return out;
}

/**
 * The fixed sample set of the peer cross-check: point i = centre[i^power mod K] + unit * ((a i mod b) - (b - 1) / 2,
 * (c i mod d) - (d - 1) / 2). No distance lies within 2e-4 (relative) of 3 std or of a tie, so the peer's float32
 * ring centres cannot change a decision.
 */
function fixedSamples(
  { centres }: { centres: Float64Array },
  n: number,
  [unit, a, b, c, d, power]: number[],
): Float64Array {
  const m = centres.length / 2;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const k = i ** power % m;
    out[2 * i] = centres[2 * k] + (((i * a) % b) - (b - 1) / 2) * unit;
    out[2 * i + 1] = centres[2 * k + 1] + (((i * c) % d) - (d - 1) / 2) * unit;
  }
  return out;
}

describe('modeCoverage', () => {
  it.each([
    ['ring8', ring8],
    ['grid25', grid25],
  ])('%s: samples on every centre cover every mode, all high quality, KL 0', (_, modes) => {
    const got = modeCoverage(atCentres(modes, 3), modes);
    const m = modes.centres.length / 2;
    expect(got).toEqual({
      modesCovered: m,
      highQualityFraction: 1,
      modeKl: 0,
      counts: new Array<number>(m).fill(3),
      n: 3 * m,
    });
  });

  it('ring8: samples all near one centre cover one mode with KL log 8', () => {
    // Centre 2 is (0, 2); the points lie within 3 std = 0.06 of it.
    const got = modeCoverage([0, 2, 0.05, 2, 0, 1.95, -0.03, 2.03], ring8);
    expect(got.modesCovered).toBe(1);
    expect(got.highQualityFraction).toBe(1);
    expect(got.counts).toEqual([0, 0, 4, 0, 0, 0, 0, 0]);
    expect(got.modeKl).toBeAllClose(Math.log(8), { rtol: 1e-14, atol: 0 });
  });

  it('scores samples far from every mode as none covered, none high quality, KL null', () => {
    expect(modeCoverage([1, 1, -1, 0.5, 0, 0, 3, -3], ring8)).toEqual({
      modesCovered: 0,
      highQualityFraction: 0,
      modeKl: null,
      counts: new Array<number>(8).fill(0),
      n: 4,
    });
  });

  it('counts a sample at exactly threshold * std as high quality and one just beyond as not', () => {
    // grid25's centre 12 is (0, 0), so the distances are exact: 3 * 0.05, and that times 1 + 1e-9.
    const r = 3 * grid25.std;
    const got = modeCoverage([r, 0, 0, -r, r * (1 + 1e-9), 0, 0, -r * (1 + 1e-9)], grid25);
    expect(got.counts[12]).toBe(2);
    expect(got.highQualityFraction).toBe(0.5);
    // A tighter threshold leaves both out; a looser one takes all four.
    expect(modeCoverage([r, 0, 0, -r], grid25, { threshold: 2.99 }).modeKl).toBeNull();
    expect(modeCoverage([r * (1 + 1e-9), 0], grid25, { threshold: 3.01 }).modesCovered).toBe(1);
  });

  it('covers a mode only with at least minCount high-quality samples (default 1, whatever n)', () => {
    const samples = [2, 0, 2, 0, 2, 0, 0, 2, 0, 2, -2, 0];
    expect(modeCoverage(samples, ring8).modesCovered).toBe(3);
    expect(modeCoverage(samples, ring8, { minCount: 2 }).modesCovered).toBe(2);
    expect(modeCoverage(samples, ring8, { minCount: 3 }).modesCovered).toBe(1);
    expect(modeCoverage(samples, ring8, { minCount: 0 }).modesCovered).toBe(8);
  });

  it.each([
    ['ring8', ring8],
    ['grid25', grid25],
  ])('%s: 20k draws from the mixture cover every mode, 1 - e^-4.5 of them high quality', (name, modes) => {
    const n = 20_000;
    const got = modeCoverage(sampleToy2d(name, n, 3), modes);
    const m = modes.centres.length / 2;
    expect(got.modesCovered).toBe(m);
    expect(got.n).toBe(n);
    // |x - c|^2 / std^2 ~ chi^2_2 for a draw from component c: P(d <= 3 std) = 1 - exp(-9/2). 4 binomial sds.
    const p = 1 - Math.exp(-4.5);
    expect(Math.abs(got.highQualityFraction - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(got.counts.reduce((s, c) => s + c, 0)).toBe(Math.round(got.highQualityFraction * n));
    // A multinomial histogram of N draws has KL to uniform about chi^2_{m-1} / (2N): mean (m-1)/(2N),
    // sd sqrt(2(m-1))/(2N). Five sds above the mean.
    const hq = got.highQualityFraction * n;
    expect(got.modeKl).toBeGreaterThanOrEqual(0);
    expect(got.modeKl!).toBeLessThan((m - 1 + 5 * Math.sqrt(2 * (m - 1))) / (2 * hq));
  });

  // The peer's own `evaluate` on the same fixed points (/usr/bin/python3, torch 1.13):
  //   from gan2d_torch import mixture, evaluate   # /work/shared/peers
  //   centres, std = mixture(name); K = len(centres)
  //   x = torch.tensor([[float(centres[i**p % K, 0]) + ((i*a % b) - (b-1)//2) * unit,
  //                      float(centres[i**p % K, 1]) + ((i*c % d) - (d-1)//2) * unit] for i in range(n)], dtype=torch.float64)
  //   evaluate(x, centres, std, min_count)
  // with (n, unit, a, b, c, d, p) = (300, 0.004, 37, 101, 53, 103, 2) for grid25, (200, 0.0026, 29, 61, 31, 67, 3)
  // for ring8.
  const GRID25_COUNTS = [24, 12, 0, 0, 11, 0, 10, 0, 0, 9, 0, 10, 0, 0, 13, 0, 7, 0, 0, 10, 0, 9, 0, 0, 11];
  const RING8_COUNTS = [36, 10, 0, 12, 0, 11, 0, 12];
  it.each([
    ['grid25', grid25, 300, [0.004, 37, 101, 53, 103, 2], 1, 11, 0.42, 0.8781429306122094, GRID25_COUNTS],
    ['grid25', grid25, 300, [0.004, 37, 101, 53, 103, 2], 10, 8, 0.42, 0.8781429306122094, GRID25_COUNTS],
    ['grid25', grid25, 300, [0.004, 37, 101, 53, 103, 2], 12, 3, 0.42, 0.8781429306122094, GRID25_COUNTS],
    ['ring8', ring8, 200, [0.0026, 29, 61, 31, 67, 3], 1, 5, 0.405, 0.623845971082144, RING8_COUNTS],
    ['ring8', ring8, 200, [0.0026, 29, 61, 31, 67, 3], 12, 3, 0.405, 0.623845971082144, RING8_COUNTS],
  ] as const)(
    '%s matches the peer gan2d_torch.py evaluate (n %i, minCount %i)',
    (_, modes, n, params, minCount, covered, hq, kl, counts) => {
      const got = modeCoverage(fixedSamples(modes, n, [...params]), modes, { minCount });
      expect(got.modesCovered).toBe(covered);
      expect(got.highQualityFraction).toBeAllClose(hq, { rtol: 1e-15, atol: 0 });
      expect(got.modeKl).toBeAllClose(kl, { rtol: 1e-12, atol: 0 });
      expect(got.counts).toEqual(counts);
      expect(got.n).toBe(n);
    },
  );

  it('takes any array-like of numbers, Float32Array included', () => {
    const samples = Float32Array.from([2, 0, 0, 2]);
    expect(modeCoverage(samples, ring8)).toEqual(modeCoverage([2, 0, 0, 2], ring8));
  });

  it('never counts a NaN or infinite sample as high quality, but counts it in n', () => {
    const got = modeCoverage([NaN, 0, 2, 0, Infinity, 2, 0, -Infinity], ring8);
    expect(got.n).toBe(4);
    expect(got.highQualityFraction).toBe(0.25);
    expect(got.counts[0]).toBe(1);
  });

  it('gives a NaN high-quality fraction and a null KL for no samples, as the peer', () => {
    expect(modeCoverage([], grid25)).toMatchObject({
      modesCovered: 0,
      highQualityFraction: NaN,
      modeKl: null,
      n: 0,
    });
  });

  it.each([
    [
      'an odd number of coordinates',
      () => modeCoverage([1, 2, 3], ring8),
      "argument 'samples' must hold n * 2",
    ],
    [
      'no centres',
      () => modeCoverage([0, 0], { centres: [], std: 1 }),
      "argument 'modes.centres' must hold at least one centre",
    ],
    [
      'an odd number of centre coordinates',
      () => modeCoverage([0, 0], { centres: [0, 0, 1], std: 1 }),
      "argument 'modes.centres' must hold n * 2",
    ],
    [
      'a NaN centre',
      () => modeCoverage([0, 0], { centres: [0, NaN], std: 1 }),
      "argument 'modes.centres' must be finite, got NaN at index 1",
    ],
    [
      'a zero std',
      () => modeCoverage([0, 0], { centres: [0, 0], std: 0 }),
      "argument 'modes.std' must be positive and finite, got 0",
    ],
    [
      'a fractional minCount',
      () => modeCoverage([0, 0], ring8, { minCount: 1.5 }),
      "modeCoverage: option 'minCount' must be an integer >= 0, got 1.5",
    ],
    [
      'a negative threshold',
      () => modeCoverage([0, 0], ring8, { threshold: -1 }),
      "modeCoverage: option 'threshold' must be finite and >= 0, got -1",
    ],
  ])('rejects %s with a MetricArgumentError naming the argument', (_, f, message) => {
    expect(f).toThrow(MetricArgumentError);
    expect(f).toThrow(message);
  });
});
