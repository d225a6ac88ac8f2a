/**
 * A family panel's run to and from the command line's files, in Node (the page's worker runs the same code): a run
 * saved and opened again is the same run, `latentlab eval` on a downloaded run gives the page's numbers, `latentlab
 * train --resume` goes on with it as the page does, and a run of the command line opens in the page with `eval`'s
 * numbers. Errors name the file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import type { DataSplit } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/registry.js';
import { decodeTar, encodeTar } from '../src/io/tar.js';
import { optimizerStates } from '../src/train/optimizers.js';
import type { RunState } from '../src/train/run-files.js';
import { cli } from '../test/cli.js';
import { largestDifference } from '../test/eval-agreement.js';
import { loadData } from './data.js';
import { FamilyRun, defaultData, stepFamily } from './family-run.js';
import { FAMILY_PANELS, type FamilyPanel } from './protocol.js';
import { openRun, runArchive, type GivenFile } from './run-transfer.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-run-transfer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(root, `r${count++}`);

/** The page's data: the embedded digits as Node loads them (the page splits them by the same code), else its own. */
const pageData = (name: string, seed: number): Promise<DataSplit> =>
  name === 'mnist' ? Promise.resolve(loadDataset('mnist')) : loadData(name, seed, {});

/** A run of the page's, `steps` steps into training. */
async function pageRun(family: string, kind: string, options: Record<string, string>, steps: number) {
  const data = options.data ?? defaultData(stepFamily(family), kind);
  const { data: _data, ...rest } = options;
  const run = new FamilyRun({ family, kind, seed: 3, options: rest }, await pageData(data, 3));
  for (let i = 0; i < steps; i++) run.trainOne();
  return run;
}

/** The run's download, unpacked by the system's tar into a fresh folder: the run directory's path. */
function unpacked(run: FamilyRun): string {
  const dir = fresh();
  mkdirSync(dir);
  const { name, bytes } = runArchive(run);
  writeFileSync(join(dir, name), bytes);
  execFileSync('tar', ['xf', name], { cwd: dir });
  return join(dir, name.replace(/\.tar$/, ''));
}

/** Every file under `dir` as the page is given a dropped folder: paths from the folder's parent. */
function folderFiles(dir: string, from = join(dir, '..')): GivenFile[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? folderFiles(path, from)
      : [{ path: relative(from, path), bytes: new Uint8Array(readFileSync(path)) }];
  });
}

async function evalRun(dir: string, ...flags: string[]): Promise<Record<string, unknown>> {
  const { code, out, err } = await cli(['eval', dir, ...flags]);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

/** Small networks of each family panel's, on its default data, so that a run takes a moment. */
const SMALL: Record<FamilyPanel, Record<string, string>> = {
  vae: { hidden: '32' },
  gan: {},
  aae: { hidden: '64', discriminatorHidden: '32' },
  bigan: { latent: '8', encoderHidden: '32', generatorHidden: '32', discriminatorHidden: '32' },
  cyclegan: {},
  helmholtz: {},
};

describe('a run saved by the page and opened again', () => {
  it.each(FAMILY_PANELS)(
    '%s: the same model, options and position, and no tensor left over',
    async (family) => {
      const options = { ...SMALL[family], batchSize: '32' };
      const run = await pageRun(family, stepFamily(family).kinds[0].name, options, 3);
      const before = run.evaluate();
      const tensors = tf.memory().numTensors;
      const { name, bytes } = runArchive(run);
      const { run: opened, panel } = await openRun([{ path: name, bytes }], pageData);
      expect(panel).toBe(family);
      expect(opened.evaluate()).toEqual(before);
      expect(opened.state()).toEqual(run.state());
      expect(opened.setup).toEqual(run.setup);
      expect(opened.fields).toEqual(run.fields);
      // The optimizers' state came back too, every array of it.
      const [a, b] = [run, opened].map((r) => optimizerStates(r.family.optimizers(r.model)));
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [key, t] of a) expect(b.get(key)!.dataSync(), key).toEqual(t.dataSync());
      tf.dispose([...a.values(), ...b.values()]);
      opened.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      run.dispose();
    },
  );

  it('goes on training exactly as the run it was saved from, at the start of an epoch', async () => {
    const run = await pageRun('vae', 'vae', { data: 'moons', hidden: '16', batchSize: '10000' }, 2);
    // Two steps of 10,000 of the 20,000 points: the next step starts epoch 1 in both.
    const { name, bytes } = runArchive(run);
    const { run: opened } = await openRun([{ path: name, bytes }], pageData);
    for (let i = 0; i < 3; i++) expect(opened.trainOne()).toEqual(run.trainOne());
    expect(opened.evaluate()).toEqual(run.evaluate());
    run.dispose();
    opened.dispose();
  });
});

describe("the command line reads the page's runs", () => {
  it.each([
    ['vae on moons', 'vae', 'beta-vae', { data: 'moons', hidden: '32', beta: '2' }, []],
    ['gan on ring8', 'gan', 'gan', {}, []],
    // The epochs' evaluation (which the page's is) takes 10 importance samples; eval's default is 100.
    ['helmholtz on mnist', 'helmholtz', 'helmholtz', { batchSize: '32' }, ['--iw', '10']],
  ])('latentlab eval on a downloaded %s gives the page numbers', async (_, family, kind, options, flags) => {
    const run = await pageRun(family, kind, options, 12);
    const page = run.evaluate();
    const dir = unpacked(run);
    const evaluated = await evalRun(dir, ...flags);
    const difference = largestDifference(page, evaluated);
    console.log(`${family} ${kind}: the largest |page - eval| is ${difference}`);
    expect(difference).toBeLessThan(1e-4);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ family, kind, steps: 12, test_n: page.n });
    run.dispose();
  });

  it('latentlab train --resume goes on with a downloaded run as the page goes on with it', async () => {
    // Two batches an epoch. Three steps end in the middle of epoch 1, which a run's state counts as begun: the run
    // goes on with epoch 2's batches, on the page as on the command line (whose resumed runs go by whole epochs).
    const run = await pageRun('vae', 'vae', { data: 'moons', hidden: '16', batchSize: '10000' }, 3);
    const dir = unpacked(run);
    const { run: opened } = await openRun(folderFiles(dir), pageData);
    for (let i = 0; i < 2; i++) opened.trainOne();
    const page = opened.evaluate();
    const resumed = await cli(['train', 'vae', '--resume', dir, '--epochs', '3']);
    expect(resumed.code, resumed.err).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'checkpoint', 'state.json'), 'utf8')) as RunState;
    expect([state.epoch, state.step]).toEqual([3, 5]);
    expect(largestDifference(page, await evalRun(dir))).toBeLessThan(1e-4);
    run.dispose();
    opened.dispose();
  });
});

describe("the page opens the command line's runs", () => {
  const made = (async () => {
    const dir = fresh();
    const trained = await cli([
      'train',
      'vae',
      '--data',
      'moons',
      '--steps',
      '30',
      '--hidden',
      '32',
      '--out',
      dir,
    ]);
    expect(trained.code, trained.err).toBe(0);
    return { dir, evaluated: await evalRun(dir) };
  })();

  it.each([
    [
      "the checkpoint's files, by name",
      (dir: string) => folderFiles(join(dir, 'checkpoint'), join(dir, 'checkpoint')),
    ],
    ['the run folder, dropped', (dir: string) => folderFiles(dir)],
    [
      'the run folder as a tar',
      (dir: string) => {
        execFileSync('tar', ['cf', `${dir}.tar`, '-C', join(dir, '..'), relative(join(dir, '..'), dir)]);
        return [{ path: 'run.tar', bytes: new Uint8Array(readFileSync(`${dir}.tar`)) }];
      },
    ],
  ])("%s: eval's numbers, and the run's kind, options and position", async (_, files) => {
    const { dir, evaluated } = await made;
    const { run, panel } = await openRun(files(dir), pageData);
    expect(panel).toBe('vae');
    expect(run.setup).toEqual({ family: 'vae', kind: 'vae', seed: 0, options: { hidden: '32' } });
    expect(run.step).toBe(30);
    const difference = largestDifference(run.evaluate(), evaluated);
    console.log(`a CLI vae run opened in the page: the largest |page - eval| is ${difference}`);
    expect(difference).toBeLessThan(1e-4);
    run.dispose();
  });
});

describe('files that are not a run the page can open', () => {
  const archive = (files: Map<string, Uint8Array>): GivenFile[] => [
    { path: 'run.tar', bytes: encodeTar(files) },
  ];

  it('says which files hold no checkpoint', async () => {
    const files = [{ path: 'notes.txt', bytes: new Uint8Array(3) }];
    await expect(openRun(files, pageData)).rejects.toThrow(
      "no checkpoint in . (notes.txt): expected weights.safetensors beside a config.json, or a run's checkpoint/ folder",
    );
  });

  it('names the kind and the file of a run with no panel here', async () => {
    const run = await pageRun('flow', 'flow', { data: 'moons' }, 1);
    const { name, bytes } = runArchive(run);
    run.dispose();
    await expect(openRun([{ path: name, bytes }], pageData)).rejects.toThrow(
      `${name}/flow-step1/checkpoint/config.json: the studio has no panel for a flow run (flow family)`,
    );
  });

  it('names the run state whose data the page does not have', async () => {
    const run = await pageRun('vae', 'vae', { data: 'moons', hidden: '8' }, 1);
    const files = decodeTar(runArchive(run).bytes, 'run.tar');
    run.dispose();
    const statePath = 'vae-step1/checkpoint/state.json';
    const state = JSON.parse(new TextDecoder().decode(files.get(statePath))) as { options: object };
    state.options = { ...state.options, data: 'mnist-full' };
    files.set(statePath, new TextEncoder().encode(JSON.stringify(state)));
    await expect(openRun(archive(files), pageData)).rejects.toThrow(
      `run.tar/${statePath}: the studio has no data set 'mnist-full'`,
    );
    files.delete(statePath);
    await expect(openRun(archive(files), pageData)).rejects.toThrow(
      `run.tar/${statePath} is missing: it names the run's data and options`,
    );
  });
});
