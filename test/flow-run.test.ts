/**
 * End-to-end runs of the flows: `latentlab train flow` on a 2-D density and on images, `eval` and `sample`, a
 * trained 2-D density that integrates to 1, save and load giving the same log-density, and one-line errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { cli } from './cli.js';
import { deriveSeed } from '../src/engine/random.js';
import { loadDataset } from '../src/data/registry.js';
import { perturbParameters } from '../src/bijectors/suite.js';
import { evaluateFlow } from '../src/families/flow/evaluate.js';
import { bitsPerDim, glow, nice, realNVP, type FlowModel } from '../src/families/flow/model.js';
import { densityGrid, integrateDensity2d } from '../src/plot/density2d.js';
import { loadRun } from '../src/train/run.js';

/** The flow of a run directory. */
async function loadFlow(dir: string): Promise<{ model: FlowModel }> {
  const { model } = await loadRun(dir);
  return { model: model as FlowModel };
}

const root = mkdtempSync(join(tmpdir(), 'latentlab-flow-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('latentlab train flow on two moons', () => {
  const dir = join(root, 'moons');

  it('trains a RealNVP, improves the held-out likelihood, and writes the pictures', async () => {
    const { code, out, err } = await cli([
      'train',
      'flow',
      '--data',
      'moons',
      '--steps',
      '240',
      '--out',
      dir,
    ]);
    expect(code, err).toBe(0);
    for (const f of [
      'summary.json',
      'metrics.jsonl',
      'checkpoint/weights.safetensors',
      'density.png',
      'layers.png',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as Record<string, number>);
    expect(records.at(-1)!.step).toBe(240); // --steps stops exactly
    expect(records.at(-1)!.test_loglik).toBeGreaterThan(records[0].test_loglik);
    // Two moons with noise 0.05: a standard normal would score about -2.9 nats; the flow must do far better.
    expect(records.at(-1)!.test_loglik).toBeGreaterThan(-1.5);
    expect(out).toContain('density.png');
  }, 120_000);

  it('has a density that integrates to 1 within 2% over the plane', async () => {
    const { model } = await loadFlow(dir);
    const grid = densityGrid(
      (points) => {
        const lp = tf.tidy(() =>
          model.logProb(tf.tensor2d(Float32Array.from(points), [points.length / 2, 2])),
        );
        const values = Float64Array.from(lp.dataSync());
        lp.dispose();
        return values;
      },
      { xRange: [-5, 6], yRange: [-5, 5], resolution: 300 },
    );
    expect(integrateDensity2d(grid)).toBeGreaterThan(0.98);
    expect(integrateDensity2d(grid)).toBeLessThan(1.02);
    model.dispose();
  }, 60_000);

  it("eval gives the summary's test log-likelihood exactly; sample writes a PNG and a CSV at a temperature", async () => {
    const { code, out } = await cli(['eval', dir]);
    expect(code).toBe(0);
    const metrics = JSON.parse(out) as Record<string, number>;
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, number>;
    expect(metrics.test_loglik).toBe(summary.test_loglik);
    const png = join(root, 'moons-samples.png');
    expect((await cli(['sample', dir, '-n', '200', '--temperature', '0.7', '-o', png])).code).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const spread = async (temperature: string) => {
      const path = join(root, `moons-${temperature}.csv`);
      expect((await cli(['sample', dir, '-n', '2000', '--temperature', temperature, '-o', path])).code).toBe(
        0,
      );
      const rows = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((r) => r.split(',').map(Number));
      expect(rows).toHaveLength(2000);
      const mean = rows.reduce((a, r) => a + r[0], 0) / rows.length;
      return rows.reduce((a, r) => a + (r[0] - mean) ** 2, 0) / rows.length;
    };
    // A lower temperature draws the noise closer to the mode: the samples spread less.
    expect(await spread('0.5')).toBeLessThan(await spread('1'));
  }, 60_000);
});

describe('latentlab train flow on images', () => {
  it.each(['realnvp', 'glow'])(
    '%s trains on MNIST digits and reports bits per dimension',
    async (arch) => {
      const dir = join(root, `images-${arch}`);
      const args = ['train', 'flow', '--arch', arch, '--data', 'mnist', '--limit', '128', '--epochs', '2'];
      const { code, err } = await cli([
        ...args,
        '--layers',
        '1',
        '--hidden',
        '8',
        '--batch-size',
        '32',
        '--out',
        dir,
      ]);
      expect(code, err).toBe(0);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, number>;
      expect(summary.test_bits_per_dim).toBeCloseTo(bitsPerDim(-summary.test_loglik, 784), 6);
      expect(summary.test_bits_per_dim).toBeGreaterThan(0);
      expect(summary.test_bits_per_dim).toBeLessThan(12);
      expect(existsSync(join(dir, 'samples.png'))).toBe(true);
      // A flow's latent codes are f^-1(x): interpolate draws lines between those of test images.
      const strip = join(root, `strip-${arch}.png`);
      const interpolated = await cli(['interpolate', dir, '--pairs', '2', '--steps', '4', '-o', strip]);
      expect(interpolated.code, interpolated.err).toBe(0);
      expect(readFileSync(strip).subarray(1, 4).toString()).toBe('PNG');
      // The loaded flow scores the test digits exactly as the trained one did for the summary.
      const { model } = await loadFlow(dir);
      const e = evaluateFlow(model, loadDataset('mnist').test!, { seed: deriveSeed(0, 'evaluate') });
      expect(e.loglik).toBe(summary.test_loglik);
      model.dispose();
    },
    120_000,
  );
});

describe('a conditional flow', () => {
  it('reads the label: its density of the same image differs by class, and it samples per class', async () => {
    const dir = join(root, 'conditional');
    const args = ['train', 'flow', '--arch', 'realnvp', '--data', 'mnist', '--conditional', '--limit', '128'];
    const { code, err } = await cli([
      ...args,
      '--epochs',
      '1',
      '--layers',
      '1',
      '--hidden',
      '8',
      '--out',
      dir,
    ]);
    expect(code, err).toBe(0);
    const { model } = await loadFlow(dir);
    expect(model.config.numClasses).toBe(10);
    const x = tf.fill([2, 784], 0.3);
    const lp = model.logProb(x, tf.tensor1d([1, 7], 'int32'));
    const [a, b] = lp.dataSync();
    expect(Math.abs(a - b)).toBeGreaterThan(1e-3);
    expect(() => model.logProb(x)).toThrow('a conditional flow needs labels');
    const grid = join(root, 'conditional-samples.png');
    expect((await cli(['sample', dir, '-n', '20', '-o', grid])).code).toBe(0);
    tf.dispose([x, lp]);
    model.dispose();
    expect(existsSync(join(dir, 'samples.png'))).toBe(true);
  }, 60_000);
});

describe('bad input', () => {
  it.each([
    ['an unknown architecture', ['--arch', 'maf'], "argument 'maf' is invalid"],
    [
      'NICE on images',
      ['--arch', 'nice', '--data', 'mnist'],
      '--arch nice is for vectors; use realnvp or glow for images',
    ],
    ['too many levels', ['--arch', 'glow', '--data', 'mnist', '--levels', '3'], 'must be multiples of 8'],
    [
      'levels on vectors',
      ['--levels', '2'],
      '--levels applies to image data only, and flow is trained on vector data here',
    ],
    [
      'a log-scale bound for glow',
      ['--arch', 'glow', '--log-scale-bound', '2'],
      '--log-scale-bound applies only when --arch is realnvp',
    ],
    ['an unknown 2-D density', ['--data', 'spirals'], "unknown data set 'spirals'"],
    ['zero steps', ['--steps', '0'], "expected a positive integer, got '0'"],
    [
      'a conditional flow on unlabelled data',
      ['--data', 'moons', '--conditional'],
      '--conditional needs labels',
    ],
  ])('%s gives one line and no output', async (_name, args, message) => {
    const out = join(root, `bad-${_name.replace(/\W+/g, '-')}`);
    const { code, err } = await cli(['train', 'flow', ...args, '--out', out]);
    expect(code).not.toBe(0);
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the builders', () => {
  it('nice, realNVP and glow build the named architectures with logProb, sample, forward and inverse', () => {
    for (const [build, arch] of [
      [nice, 'nice'],
      [realNVP, 'realnvp'],
      [glow, 'glow'],
    ] as const) {
      const flow = build({ inputShape: [3], layers: 2, hidden: [8] });
      expect(flow.config.arch).toBe(arch);
      // A new coupling is the identity (its output layer starts at zero): move every weight off it first.
      perturbParameters(flow.flow, 1);
      const x = tf.tensor2d([
        [0.1, -0.2, 0.3],
        [1, 0.5, -1],
      ]);
      const z = flow.inverse(x);
      const back = flow.forward(z);
      expect(
        tf.tidy(() => tf.max(tf.abs(tf.sub(z, x))).dataSync()[0]),
        'z = f^-1(x) moved',
      ).toBeGreaterThan(1e-2);
      expect(back).toBeAllClose(x, { atol: 1e-5 });
      expect(flow.logProb(x).shape).toEqual([2]);
      const s = flow.sample(4, { temperature: 0.5, seed: 3 });
      expect(s.shape).toEqual([4, 3]);
      tf.dispose([x, z, back, s]);
      flow.dispose();
    }
  });
});
