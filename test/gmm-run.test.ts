/**
 * End-to-end fits of Gaussian mixtures through the CLI: `latentlab fit gmm` on a table, a toy density and images;
 * the summary against the library fitted directly; the checkpoint's round trip through `eval` and `sample`; and one
 * clear line for each kind of bad input.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cli.js';
import { PNG_SIGNATURE } from '../src/plot/render.js';
import { BayesianGaussianMixture } from '../src/families/mixture/bayesian-gmm.js';
import { GaussianMixture, COVARIANCE_TYPES } from '../src/families/mixture/gmm.js';
import type { MixtureModel } from '../src/families/mixture/model.js';
import { loadRun } from '../src/train/run.js';
import { threeClusters } from './gmm-data.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-gmm-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function csv(data: Float64Array, d: number): string {
  const rows: string[] = [];
  for (let i = 0; i < data.length / d; i++)
    rows.push(Array.from(data.subarray(i * d, (i + 1) * d)).join(','));
  return rows.join('\n') + '\n';
}

const clusters = threeClusters();
const table = join(root, 'clusters.csv');
writeFileSync(table, 'x,y\n' + csv(clusters.data, 2));

const summaryOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;

/** The fitted mixture of a run directory. */
async function loadMixture(dir: string) {
  const { model } = await loadRun(dir);
  return { model: (model as MixtureModel).mixture };
}

describe('latentlab fit gmm on a table', () => {
  const dir = join(root, 'full');

  it('writes the summary, checkpoint and pictures, with the numbers of the library fitted directly', async () => {
    const { code, out } = await cli(['fit', 'gmm', '--data', table, '--k', '3', '--seed', '1', '--out', dir]);
    expect(code).toBe(0);
    for (const f of [
      'summary.json',
      'checkpoint/config.json',
      'checkpoint/weights.safetensors',
      'mixture.png',
      'fit.png',
      'lower-bound.png',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    for (const png of ['mixture.png', 'fit.png'])
      expect(readFileSync(join(dir, png)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(out).toContain('train_loglik');
    expect(out).toContain(join(dir, 'mixture.png'));

    const s = summaryOf(dir);
    const direct = new GaussianMixture(3, { covarianceType: 'full', seed: 1 }).fit(clusters);
    expect(s.train_loglik as number).toBeCloseTo(direct.score(clusters), 10);
    expect(s.bic as number).toBeCloseTo(direct.bic(clusters), 8);
    expect(s.aic as number).toBeCloseTo(direct.aic(clusters), 8);
    expect(s.iterations).toBe(direct.nIter);
    expect(s.converged).toBe(true);
    expect(s.weights).toEqual(Array.from(direct.weights));
    expect((s.weights as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s.seconds as number).toBeGreaterThan(0);
    expect(s).toMatchObject({ family: 'mixture', kind: 'gmm', train_n: 300, test_n: null, parameters: 17 });
  }, 60_000);

  it('eval prints the mean log-likelihood of new data, as the loaded model scores it', async () => {
    const fresh = join(root, 'fresh.tsv');
    const points = new GaussianMixture(3, { seed: 1 }).fit(clusters).sample(50, { seed: 9 });
    writeFileSync(fresh, csv(points.data, 2).replaceAll(',', '\t'));
    const { code, out } = await cli(['eval', dir, '--data', fresh]);
    expect(code).toBe(0);
    const record = JSON.parse(out) as Record<string, number>;
    const { model } = await loadMixture(dir);
    expect(record.test_n).toBe(50);
    expect(record.test_loglik).toBe(model.score(points));
    expect(record.test_loglik).toBeCloseTo(
      new GaussianMixture(3, { seed: 1 }).fit(clusters).score(points),
      12,
    );
  });

  it('sample writes points as CSV and as a picture', async () => {
    const out = join(root, 'samples.csv');
    expect((await cli(['sample', dir, '-n', '40', '-o', out])).code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(40);
    expect(
      rows.every((r) => r.split(',').length === 2 && r.split(',').every((v) => Number.isFinite(Number(v)))),
    ).toBe(true);
    const png = join(root, 'samples.png');
    expect((await cli(['sample', dir, '-o', png])).code).toBe(0);
    expect(readFileSync(png).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }, 30_000);

  it.each(COVARIANCE_TYPES.filter((t) => t !== 'full'))(
    'covariance %s gives the library’s fit and a checkpoint that scores the same',
    async (type) => {
      const out = join(root, `cov-${type}`);
      const { code } = await cli([
        'fit',
        'gmm',
        '--data',
        table,
        '--k',
        '3',
        '--covariance',
        type,
        '--out',
        out,
        '--no-pictures',
      ]);
      expect(code).toBe(0);
      const direct = new GaussianMixture(3, { covarianceType: type }).fit(clusters);
      expect(summaryOf(out).train_loglik as number).toBeCloseTo(direct.score(clusters), 10);
      const { model } = await loadMixture(out);
      expect(model.score(clusters)).toBe(direct.score(clusters));
    },
  );
});

describe('latentlab fit bayesian-gmm', () => {
  it('prunes the components the data do not need and round-trips through its checkpoint', async () => {
    const dir = join(root, 'bayes');
    const { code, err } = await cli(['fit', 'bayesian-gmm', '--data', table, '--k', '8', '--out', dir]);
    expect(code).toBe(0);
    expect(err).not.toMatch(/did not converge/);
    const s = summaryOf(dir);
    expect(s.kind).toBe('bayesian-gmm');
    expect(s.converged).toBe(true);
    expect((s.active_components as number[]).length).toBeLessThanOrEqual(4);
    expect(s.bic).toBeUndefined();
    const direct = new BayesianGaussianMixture(8, { seed: 0 }).fit(clusters);
    expect(s.train_loglik as number).toBeCloseTo(direct.score(clusters), 10);
    const { model } = await loadMixture(dir);
    expect(model).toBeInstanceOf(BayesianGaussianMixture);
    expect(model.score(clusters)).toBe(direct.score(clusters));
    expect(Array.from(model.predict(clusters))).toEqual(Array.from(direct.predict(clusters)));
    expect(existsSync(join(dir, 'fit.png'))).toBe(true);
  }, 60_000);

  it('says in one line when the fit stops at --max-iter unconverged, as scikit-learn warns', async () => {
    // k = 12 tied components on the eight Gaussians merge their duplicates only after about 1100 iterations, in
    // scikit-learn too (see bayesian-gmm.test.ts).
    const dir = join(root, 'bayes-unconverged');
    const args = ['--data', '8gaussians', '--covariance', 'tied', '--k', '12', '--no-pictures', '--out', dir];
    const { code, err } = await cli(['fit', 'bayesian-gmm', ...args]);
    expect(code).toBe(0);
    const s = summaryOf(dir);
    expect(s).toMatchObject({ iterations: 100, converged: false });
    const lines = err.split('\n').filter((line) => /did not converge/.test(line));
    expect(lines).toHaveLength(1);
    const bounds = s.lower_bounds as number[];
    const change = (bounds.at(-1)! - bounds.at(-2)!).toPrecision(3);
    expect(lines[0]).toBe(
      `bayesian-gmm: did not converge in 100 iterations: the bound last changed by ${change}, more than ` +
        `--tol 0.001, and 12 of 12 components keep a weight above 0.01; raise --max-iter`,
    );
  }, 60_000);
});

describe('latentlab fit gmm on named data', () => {
  it('fits a toy density and reports the held-out log-likelihood', async () => {
    const dir = join(root, 'eight');
    const { code } = await cli([
      'fit',
      'gmm',
      '--data',
      '8gaussians',
      '--limit',
      '2000',
      '--out',
      dir,
      '--no-pictures',
    ]);
    expect(code).toBe(0);
    const s = summaryOf(dir);
    expect(s).toMatchObject({ train_n: 2000, test_n: 10000, parameters: 8 * 3 + 8 * 2 + 7 });
    // Eight well-separated Gaussians: the held-out likelihood is close to the training one.
    expect(Math.abs((s.test_loglik as number) - (s.train_loglik as number))).toBeLessThan(0.1);
    const { code: evalCode, out } = await cli(['eval', dir]);
    expect(evalCode).toBe(0);
    expect((JSON.parse(out) as { test_loglik: number }).test_loglik).toBe(s.test_loglik);
  }, 60_000);

  it('flattens images to rows and draws them on their first two principal components', async () => {
    const dir = join(root, 'mnist');
    const { code } = await cli([
      'fit',
      'gmm',
      '--data',
      'mnist',
      '--k',
      '2',
      '--covariance',
      'diag',
      '--reg-covar',
      '0.01',
      '--limit',
      '400',
      '--max-iter',
      '5',
      '--out',
      dir,
    ]);
    expect(code).toBe(0);
    expect(summaryOf(dir)).toMatchObject({ train_n: 400, test_n: 1000 });
    expect(existsSync(join(dir, 'mixture.png'))).toBe(true);
  }, 120_000);
});

describe('bad input', () => {
  const write = (name: string, text: string) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const few = write('few.csv', '1,2\n3,4\n5,6\n');
  const nan = write('nan.csv', '1,2\n3,NaN\n5,6\n');
  const ragged = write('ragged.csv', '1,2\n3,4,5\n5,6\n');
  const wideMeans = write('wide-means.csv', '0,0,0\n5,5,5\n-4,6,0\n');
  const twoMeans = write('two-means.csv', '0,0\n5,5\n');
  const occupied = join(root, 'occupied');
  mkdirSync(occupied);
  writeFileSync(join(occupied, 'keep.txt'), 'earlier run');

  it.each([
    [
      'fewer points than components',
      ['--data', few, '--k', '5'],
      '--k is 5, more components than the 3 points',
    ],
    ['a NaN', ['--data', nan], 'line 2, column 2'],
    ['a ragged table', ['--data', ragged], 'line 2'],
    ['k below 1', ['--data', table, '--k', '0'], "expected a positive integer at most 10000, got '0'"],
    [
      'means of the wrong width',
      ['--data', table, '--k', '3', '--means', wideMeans],
      '--means has rows of 3 values',
    ],
    ['too few means', ['--data', table, '--k', '3', '--means', twoMeans], '--means has 2 rows, but k is 3'],
    ['a missing means file', ['--data', table, '--means', join(root, 'nope.csv')], 'table file not found'],
    ['an unknown data set', ['--data', 'no-such-thing'], "unknown data set 'no-such-thing'"],
    ['an unknown covariance', ['--data', table, '--covariance', 'banded'], "argument 'banded' is invalid"],
    [
      '--n-init for variational Bayes',
      ['--data', table, '--n-init', '3'],
      '--n-init is not an option of fit bayesian-gmm (it is an option of gmm)',
      'bayesian-gmm',
    ],
    [
      '--weight-prior for EM',
      ['--data', table, '--weight-prior', 'dirichlet-process'],
      '--weight-prior is not an option of fit gmm (it is an option of bayesian-gmm)',
    ],
  ])('%s gives one line and no output', async (_name, args, message, kind = 'gmm') => {
    const out = join(root, `bad-${_name.replace(/\W+/g, '-')}`);
    const { code, err } = await cli(['fit', kind, ...args, '--out', out]);
    expect(code).not.toBe(0);
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('an occupied --out is refused and left as it was', async () => {
    const { code, err } = await cli(['fit', 'gmm', '--data', table, '--out', occupied]);
    expect(code).toBe(1);
    expect(err).toContain('is not empty');
    expect(readFileSync(join(occupied, 'keep.txt'), 'utf8')).toBe('earlier run');
  });

  it('eval on a checkpoint whose arrays do not match its config names the file', async () => {
    const dir = join(root, 'tampered');
    expect((await cli(['fit', 'gmm', '--data', table, '--k', '2', '--out', dir, '--no-pictures'])).code).toBe(
      0,
    );
    const configPath = join(dir, 'checkpoint', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, k: 4 }));
    const { code, err } = await cli(['eval', dir, '--data', table]);
    expect(code).toBe(1);
    expect(err).toContain('weights.safetensors: weights and means do not have k = 4');
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('eval on data of another width names both widths', async () => {
    const dir = join(root, 'full-for-eval');
    expect((await cli(['fit', 'gmm', '--data', table, '--k', '2', '--out', dir, '--no-pictures'])).code).toBe(
      0,
    );
    const { code, err } = await cli(['eval', dir, '--data', wideMeans]);
    expect(code).toBe(1);
    expect(err).toContain(
      `--data ${wideMeans} has examples of shape [3], but the model in ${dir} was trained on [2]`,
    );
  });
});
