/**
 * The run lifecycle keeps its promises: everything is checked before anything is written, a run that fails before
 * its first checkpoint leaves nothing, one process at a time writes a run directory, `--resume` refuses what
 * contradicts the run, a checkpoint without its optimizers evaluates but does not resume, and sizes that cannot fit
 * fail at once.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaeFamily } from '../src/families/vae/index.js';
import type { VAE } from '../src/families/vae/model.js';
import { LOCK_FILE } from '../src/train/run-directory.js';
import { loadRunCheckpoint } from '../src/train/run-checkpoint.js';
import { startRun, TrainingDivergedError } from '../src/train/run.js';
import { cli } from './cli.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-lifecycle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => join(root, `${name}-${count++}`);
const TINY = ['--limit', '256', '--hidden', '16', '--latent', '2', '--batch-size', '64', '--no-pictures'];

function oneLine(err: string): string {
  const lines = err.trim().split('\n');
  expect(lines, err).toHaveLength(1);
  return lines[0];
}

describe('everything is checked before anything is written', () => {
  const config = (name: string, value: unknown) => {
    const path = join(root, `${name}.json`);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  it.each([
    ['a limit of 0', { limit: 0 }, "'limit' must be a positive integer, got 0"],
    ['a negative evalIw', { evalIw: -2 }, "'evalIw' must be an integer >= 0 and at most 100000, got -2"],
    ['an unknown key', { learningRate: 0.01 }, "'learningRate' is not an option of train vae"],
    ['a key of another kind', { iwSamples: 5 }, "'iwSamples' is not an option of train vae"],
    ['a value of the wrong type', { hidden: '64' }, "'hidden' must be a list of positive integers"],
  ])('a --config with %s names its key, exits 1 and writes nothing', async (name, value, message) => {
    const out = fresh('config');
    const path = config(name.replace(/\W+/g, '-'), value);
    const { code, err } = await cli([
      'train',
      'vae',
      '--config',
      path,
      '--out',
      out,
      '--epochs',
      '1',
      '--no-pictures',
    ]);
    expect(code).toBe(1);
    expect(oneLine(err)).toContain(`${path}: ${message}`);
    expect(existsSync(out)).toBe(false);
  });

  it('flags win over --config, and a config that is not JSON is one line', async () => {
    const out = fresh('config-wins');
    const path = config('wins', { epochs: 3, latent: 3 });
    expect((await cli(['train', 'vae', '--config', path, '--epochs', '1', '--out', out, ...TINY])).code).toBe(
      0,
    );
    const state = (await loadRunCheckpoint(out)).state!;
    expect(state.options).toMatchObject({ epochs: 1, latent: 2 });
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{"epochs": ');
    const { code, err } = await cli(['train', 'vae', '--config', broken, '--out', fresh('broken')]);
    expect(code).toBe(1);
    expect(oneLine(err)).toContain(`--config ${broken} is not valid JSON`);
  });

  it('a table with no data rows is an error', async () => {
    const empty = join(root, 'empty.csv');
    writeFileSync(empty, 'x,y\n');
    const out = fresh('empty');
    const { code, err } = await cli(['fit', 'gmm', '--data', empty, '--out', out]);
    expect(code).toBe(1);
    expect(oneLine(err)).toContain('empty.csv');
    expect(existsSync(out)).toBe(false);
  });

  it('library errors name the option, never a command-line flag', async () => {
    const error = await startRun({
      family: vaeFamily,
      kind: 'vae',
      out: fresh('lib'),
      options: { latent: 0 },
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe("'latent' must be a positive integer at most 4096, got 0");
  });
});

describe('a run that fails before its first checkpoint leaves no directory', () => {
  const diverging = {
    ...vaeFamily,
    trainStep: (
      model: VAE,
      ...rest: Parameters<typeof vaeFamily.trainStep> extends [unknown, ...infer R] ? R : never
    ) => ({
      ...vaeFamily.trainStep(model, ...rest),
      loss: NaN,
    }),
  };

  it('removes the directory it made, and names no flag in the library error', async () => {
    const out = fresh('nan');
    const error = await startRun(
      { family: diverging, kind: 'vae', out, options: { limit: 128, hidden: [8], batchSize: 64 } },
      { pictures: false, progress: { stream: { write: () => true } } },
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as Error).message).toBe(
      "the loss 'loss' became NaN at epoch 1, batch 1 (step 1); no checkpoint was written before it",
    );
    expect(existsSync(out)).toBe(false);
  });

  it('empties a directory that was empty before, and keeps it', async () => {
    const out = fresh('nan-existing');
    mkdirSync(out);
    await expect(
      startRun(
        { family: diverging, kind: 'vae', out, options: { limit: 128, hidden: [8], batchSize: 64 } },
        { pictures: false, progress: { stream: { write: () => true } } },
      ),
    ).rejects.toThrow(TrainingDivergedError);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('an occupied --out', () => {
  it('suggests --resume only where the directory holds a run the command can continue', async () => {
    const vae = fresh('occupied-vae');
    expect((await cli(['train', 'vae', '--epochs', '1', '--out', vae, ...TINY])).code).toBe(0);
    const again = await cli(['train', 'vae', '--out', vae, ...TINY]);
    expect(oneLine(again.err)).toContain(`--out ${vae} is not empty; continue that run with --resume ${vae}`);
    const gmm = fresh('occupied-gmm');
    expect((await cli(['fit', 'gmm', '--limit', '500', '--out', gmm, '--no-pictures'])).code).toBe(0);
    const fit = await cli(['fit', 'gmm', '--limit', '500', '--out', gmm]);
    expect(oneLine(fit.err)).toBe(
      `latentlab: --out ${gmm} is not empty (and holds no run this command can continue); pick another --out`,
    );
    const other = fresh('occupied-other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(oneLine((await cli(['train', 'vae', '--out', other, ...TINY])).err)).toContain(
      'holds no run this command can continue',
    );
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
  }, 60_000);
});

describe('one process at a time writes a run directory', () => {
  it('refuses a directory whose lock a live process holds, and takes over a stale lock', async () => {
    const out = fresh('locked');
    expect((await cli(['train', 'vae', '--epochs', '1', '--out', out, ...TINY])).code).toBe(0);
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), started: 'earlier' }),
    );
    const held = await cli(['train', 'vae', '--resume', out, '--epochs', '2']);
    expect(held.code).toBe(1);
    expect(oneLine(held.err)).toContain(`${out} is in use by another latentlab process (pid ${process.ppid}`);
    // A lock left by a process that is gone is stale.
    writeFileSync(
      join(out, LOCK_FILE),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: (await import('node:os')).hostname(),
        started: 'earlier',
      }),
    );
    const resumed = await cli(['train', 'vae', '--resume', out, '--epochs', '2']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('two fits into one --out: one wins, the other fails with one line, and the run is whole', async () => {
    const out = fresh('race');
    const run = () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'src/cli/main.ts', 'fit', 'gmm', '--limit', '3000', '--out', out],
          { stdio: 'pipe' },
        );
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('exit', (code) => resolve({ code, err }));
      });
    const results = await Promise.all([run(), run()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = results.find((r) => r.code === 1)!;
    expect(loser.err.trim().split('\n').at(-1)).toMatch(
      /is in use by another latentlab process|is not empty/,
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { train_loglik: number };
    const { code, out: evaluation } = await cli(['eval', out, '--data', '8gaussians']);
    expect(code).toBe(0);
    expect(Number.isFinite(summary.train_loglik)).toBe(true);
    expect((JSON.parse(evaluation) as { test_loglik: number }).test_loglik).toBeLessThan(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  }, 120_000);
});

describe('--resume', () => {
  const dir = join(root, 'resume');

  it.each([
    ['another --lr', ['--lr', '0.01'], '--lr 0.01 contradicts the run in'],
    ['another --latent', ['--latent', '5'], '--latent 5 contradicts the run in'],
    ['another --data', ['--data', 'fashion-mnist'], "--data 'fashion-mnist' contradicts the run in"],
    [
      'another --out',
      ['--out', join(root, 'elsewhere')],
      `--out ${join(root, 'elsewhere')} contradicts --resume`,
    ],
  ])(
    'refuses %s, naming the flag and the stored value',
    async (_name, flags, message) => {
      if (!existsSync(dir))
        expect((await cli(['train', 'vae', '--epochs', '1', '--out', dir, ...TINY])).code).toBe(0);
      const { code, err } = await cli(['train', 'vae', '--resume', dir, ...flags]);
      expect(code).toBe(1);
      expect(oneLine(err)).toContain(message);
    },
    60_000,
  );

  it('refuses another kind, and continues with a longer training', async () => {
    if (!existsSync(dir))
      expect((await cli(['train', 'vae', '--epochs', '1', '--out', dir, ...TINY])).code).toBe(0);
    const flow = await cli(['train', 'flow', '--resume', dir]);
    expect(oneLine(flow.err)).toContain(`holds a vae run, not a flow one`);
    const longer = await cli(['train', 'vae', '--resume', dir, '--epochs', '2', '--limit', '256']);
    expect(longer.code, longer.err).toBe(0);
    expect((await loadRunCheckpoint(dir)).state?.epoch).toBe(2);
  }, 60_000);

  it('refuses a checkpoint without its optimizer state, which still evaluates', async () => {
    const out = fresh('no-optimizer');
    expect((await cli(['train', 'vae', '--epochs', '1', '--out', out, ...TINY])).code).toBe(0);
    rmSync(join(out, 'checkpoint', 'optimizer.safetensors'));
    const resumed = await cli(['train', 'vae', '--resume', out, '--epochs', '2']);
    expect(resumed.code).toBe(1);
    expect(oneLine(resumed.err)).toContain(
      'holds no optimizer state, so it can be evaluated and sampled but not resumed',
    );
    const evaluated = await cli(['eval', out]);
    expect(evaluated.code, evaluated.err).toBe(0);
    expect(Number.isFinite((JSON.parse(evaluated.out) as { test_elbo: number }).test_elbo)).toBe(true);
  }, 60_000);
});

describe('sizes that cannot fit fail at once, naming the flag', () => {
  const dir = join(root, 'sizes');

  it.each([
    [
      'sample -n 100000000',
      ['sample', dir, '-n', '100000000', '-o', join(root, 's.png')],
      '-n 100000000: at most 10000 samples of 784 values',
    ],
    [
      'interpolate --steps 100000',
      ['interpolate', dir, '--steps', '100000', '-o', join(root, 'i.png')],
      "--steps <n>' argument '100000' is invalid",
    ],
    [
      'interpolate --pairs 1000 --steps 1000',
      ['interpolate', dir, '--pairs', '1000', '--steps', '1000', '-o', join(root, 'i.png')],
      '1000000 images are more than one picture holds',
    ],
    [
      'eval --iw on a flow',
      ['eval', join(root, 'sizes-flow'), '--iw', '5'],
      '--iw is not an option of flow (it is one of vae, beta-vae, iwae, cvae, helmholtz)',
    ],
  ])(
    '%s',
    async (_name, argv, message) => {
      if (!existsSync(dir))
        expect((await cli(['train', 'vae', '--epochs', '1', '--out', dir, ...TINY])).code).toBe(0);
      if (!existsSync(join(root, 'sizes-flow')))
        expect(
          (
            await cli([
              'train',
              'flow',
              '--steps',
              '2',
              '--limit',
              '256',
              '--no-pictures',
              '--out',
              join(root, 'sizes-flow'),
            ])
          ).code,
        ).toBe(0);
      const started = performance.now();
      const { code, err } = await cli(argv);
      expect(code).not.toBe(0);
      expect(oneLine(err)).toContain(message);
      expect(performance.now() - started).toBeLessThan(10_000);
    },
    60_000,
  );
});
