/**
 * End-to-end runs of the GANs: `latentlab train gan` on the ring of eight Gaussians (mode coverage in the summary
 * and in `eval`), with a flow generator (the optimal discriminator's metrics), `sample` to CSV, and one-line errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ganFamily } from '../src/families/gan/index.js';
import { loadRunCheckpoint } from '../src/train/run-checkpoint.js';
import { resumeRun, startRun, TrainingDivergedError } from '../src/train/run.js';
import { cli } from './cli.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-gan-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SMALL = [
  '--g-hidden',
  '32,32',
  '--d-hidden',
  '32,32',
  '--lr-g',
  '1e-3',
  '--lr-d',
  '1e-3',
  '--limit',
  '2048',
];

describe('latentlab train gan on ring8', () => {
  const dir = join(root, 'ring8');

  it('trains, scores mode coverage, and writes the pictures', async () => {
    const { code, err } = await cli(['train', 'gan', '--steps', '1500', ...SMALL, '--out', dir]);
    expect(code, err).toBe(0);
    for (const f of ['summary.json', 'metrics.jsonl', 'samples.png', 'discriminator.png', 'curves.png'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(summary).slice(0, 6)).toEqual([
      'family',
      'kind',
      'data',
      'engine',
      'parameters',
      'seconds',
    ]);
    expect(summary.family).toBe('gan');
    expect(summary.data).toBe('ring8');
    // 1,500 updates of small networks reach most of the eight modes (all 8 with seed 0), and a first share of the
    // points lands within 3 std of one (0.13 with seed 0; an untrained generator scores 0).
    expect(summary.test_modes_covered).toBeGreaterThanOrEqual(6);
    expect(summary.test_high_quality_frac).toBeGreaterThan(0.03);
    expect(summary.test_high_quality_frac).toBeLessThanOrEqual(1);
    // No optimal-discriminator metrics: an MLP generator's density is not known.
    expect(summary).not.toHaveProperty('test_jsd');
  }, 180_000);

  it('eval prints the same held-out figures as JSON', async () => {
    const { code, out, err } = await cli(['eval', dir]);
    expect(code, err).toBe(0);
    const metrics = JSON.parse(out) as Record<string, number>;
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, number>;
    expect(metrics.family).toBe('gan');
    for (const key of ['modes_covered', 'high_quality_frac', 'mode_kl', 'd_loss', 'divergence'])
      expect(metrics[`test_${key}`], key).toBeCloseTo(summary[`test_${key}`], 6);
  }, 60_000);

  it('sample writes 2-D points as CSV', async () => {
    const file = join(root, 'draws.csv');
    const { code, err } = await cli(['sample', dir, '-n', '50', '-o', file]);
    expect(code, err).toBe(0);
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows.length).toBe(50);
    for (const row of rows) expect(row.split(',').map(Number).every(Number.isFinite)).toBe(true);
  }, 60_000);
});

describe('latentlab train gan --generator flow', () => {
  it("records the learned D's distance to D*, V(G, D) and V(G, D*) = -log 4 + 2 JSD", async () => {
    const dir = join(root, 'flow');
    const args = ['train', 'gan', '--data', '8gaussians', '--generator', 'flow', '--flow-layers', '4'];
    const { code, err } = await cli([...args, '--steps', '200', ...SMALL, '--out', dir]);
    expect(code, err).toBe(0);
    const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    for (const r of records) {
      expect(r.test_jsd).toBeGreaterThanOrEqual(0);
      expect(r.test_jsd).toBeLessThanOrEqual(Math.log(2));
      expect(r.test_value_optimal).toBeCloseTo(-Math.log(4) + 2 * r.test_jsd, 9);
      expect(r.test_d_star_distance).toBeGreaterThanOrEqual(0);
      // The learned D cannot beat D* (up to the Monte Carlo error of 2 x 10,000 points).
      expect(r.test_value).toBeLessThan(r.test_value_optimal + 0.02);
    }
  }, 180_000);
});

describe('latentlab train gan refuses bad input', () => {
  it.each([
    [['--generator', 'conv'], /conv needs images/],
    [['--generator', 'flow', '--data', 'mnist'], /flow is for vectors/],
    [['--loss', 'hinge'], /--loss/],
    [['--d-steps', '0'], /--d-steps/],
  ])('%s', async (flags, message) => {
    const dir = join(root, `bad-${flags.join('')}`);
    const { code, err } = await cli(['train', 'gan', ...flags, '--out', dir]);
    expect(code).not.toBe(0);
    expect(err.trim().split('\n').length).toBe(1);
    expect(err).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a GAN whose generator diverges', () => {
  // The generator's loss turns NaN in the second epoch (512 points in batches of 128: 4 steps an epoch).
  const diverging = {
    ...ganFamily,
    trainStep: (...args: Parameters<typeof ganFamily.trainStep>) => {
      const parts = ganFamily.trainStep(...args);
      return args[2].step === 5 ? { ...parts, g_loss: NaN } : parts;
    },
  };
  const options = { limit: 512, batchSize: 128, epochs: 3, generatorHidden: [8], discriminatorHidden: [8] };
  const quiet = { pictures: false, progress: { stream: { write: () => true } } };

  it("stops with the last good checkpoint kept, names the generator's loss, and resumes from it", async () => {
    const out = join(root, 'diverged');
    const error = await startRun({ family: diverging, kind: 'gan', out, options }, quiet).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toMatch(/the loss 'g_loss' became NaN at epoch 2, batch 2 \(step 6\)/);
    expect((error as TrainingDivergedError).lastGoodEpoch).toBe(1);
    const { state } = await loadRunCheckpoint(out);
    expect(state?.epoch).toBe(1);
    expect(state?.step).toBe(4);
    // Both optimizers were saved with it, so the healthy family continues the run.
    await resumeRun({ dir: out, options: { epochs: 3 } }, quiet);
    expect((await loadRunCheckpoint(out)).state?.epoch).toBe(3);
  }, 60_000);
});
