/**
 * A run's files in memory: what `encodeRun` makes of a loaded run is, byte for byte, the directory `latentlab train`
 * wrote, and `decodeRunFiles` finds the run's checkpoint among any files given, checking its run state against it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vaeFamily } from '../families/vae/index.js';
import { loadRun, startRun } from './run.js';
import { findCheckpointDir } from './run-checkpoint.js';
import { decodeRunFiles, encodeRun, restoreRunOptimizers, type RunState } from './run-files.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-run-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny command line run, and its files as encodeRun makes them from the run loaded back (made once). */
let run: Promise<{ out: string; files: Map<string, Uint8Array> }> | undefined;
function made() {
  run ??= (async () => {
    const out = join(root, 'vae');
    await startRun(
      {
        family: vaeFamily,
        kind: 'vae',
        out,
        options: { data: 'moons', steps: 5, hidden: [8], batchSize: 64 },
      },
      { pictures: false, progress: { stream: { write: () => true } } },
    );
    const loaded = await loadRun(out);
    restoreRunOptimizers(loaded.family, loaded.model, loaded.checkpoint.optimizer, 'optimizer.safetensors');
    const files = encodeRun({ family: loaded.family, model: loaded.model, state: loaded.state! });
    loaded.model.dispose();
    return { out, files };
  })();
  return run;
}

describe('encodeRun', () => {
  it('gives the files latentlab train writes, byte for byte', async () => {
    const { out, files } = await made();
    expect([...files.keys()]).toEqual([
      'config.json',
      'checkpoint/weights.safetensors',
      'checkpoint/optimizer.safetensors',
      'checkpoint/config.json',
      'checkpoint/state.json',
      'metrics.jsonl',
    ]);
    for (const [path, bytes] of files)
      expect(Buffer.from(bytes).equals(readFileSync(join(out, path))), path).toBe(true);
  });
});

describe('decodeRunFiles', () => {
  /** The run's files under `prefix`, with some changed. */
  async function filesAt(prefix: string, change: Record<string, Uint8Array | undefined> = {}) {
    const { files } = await made();
    const out = new Map<string, Uint8Array>();
    for (const [path, bytes] of files) out.set(`${prefix}${path}`, bytes);
    for (const [path, bytes] of Object.entries(change))
      if (bytes === undefined) out.delete(path);
      else out.set(path, bytes);
    return out;
  }
  const stateOf = async (edit: (s: RunState) => void) => {
    const { files } = await made();
    const state = JSON.parse(new TextDecoder().decode(files.get('checkpoint/state.json'))) as RunState;
    edit(state);
    return new TextEncoder().encode(JSON.stringify(state));
  };

  it('finds the checkpoint in a run folder, in its checkpoint folder, or among its bare files', async () => {
    const run = decodeRunFiles(await filesAt('vae-step5/'), 'run.tar');
    expect(run.path).toBe('run.tar/vae-step5/checkpoint');
    expect(run.state).toMatchObject({ kind: 'vae', step: 5 });
    expect(run.optimizer).not.toBeNull();
    const bare = new Map([...(await filesAt(''))].map(([p, b]) => [p.replace(/^checkpoint\//, ''), b]));
    bare.delete('metrics.jsonl');
    expect(decodeRunFiles(bare, '.')).toMatchObject({ path: '.', state: { step: 5 } });
  });

  it("takes a run's checkpoint/ over the checkpoint.prev/ that a crash left beside it", async () => {
    const files = await filesAt('');
    for (const [path, bytes] of [...files])
      if (path.startsWith('checkpoint/')) files.set(path.replace('checkpoint/', 'checkpoint.prev/'), bytes);
    expect(decodeRunFiles(files, 'run').path).toBe('run/checkpoint');
    for (const path of [...files.keys()]) if (path.startsWith('checkpoint/')) files.delete(path);
    expect(decodeRunFiles(files, 'run').path).toBe('run/checkpoint.prev');
  });

  it('never reads the checkpoint.tmp/ a crash left in the middle of a swap, as Node does not', async () => {
    const { files } = await made();
    /** The run's checkpoint copied into each folder named, with the run's config.json, on disk too. */
    const runIn = (folders: string[]) => {
      const out = new Map([['config.json', files.get('config.json')!]]);
      for (const folder of folders)
        for (const [path, bytes] of files)
          if (path.startsWith('checkpoint/')) out.set(path.replace('checkpoint/', `${folder}/`), bytes);
      const dir = join(root, `swap-${folders.join('-')}`);
      for (const [path, bytes] of out) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), bytes);
      }
      return { out, dir };
    };
    // A crash after writing checkpoint.tmp/ (complete), and after renaming checkpoint/ to checkpoint.prev/.
    for (const [folders, expected] of [
      [['checkpoint', 'checkpoint.tmp'], 'checkpoint'],
      [['checkpoint.prev', 'checkpoint.tmp'], 'checkpoint.prev'],
    ] as const) {
      const { out, dir } = runIn([...folders]);
      expect(decodeRunFiles(out, 'run').path).toBe(`run/${expected}`);
      expect(await findCheckpointDir(dir)).toBe(join(dir, expected));
    }
    const { out, dir } = runIn(['checkpoint.tmp']);
    expect(() => decodeRunFiles(out, 'run')).toThrow(/^no checkpoint in run /);
    await expect(findCheckpointDir(dir)).rejects.toThrow(`no checkpoint in ${dir}`);
  });

  it('refuses files of two runs, and a run state that does not belong to its checkpoint', async () => {
    const two = new Map([...(await filesAt('a/')), ...(await filesAt('b/'))]);
    expect(() => decodeRunFiles(two, 'runs')).toThrow(
      'runs holds 2 checkpoints (a/checkpoint/, b/checkpoint/)',
    );
    const otherKind = await filesAt('', { 'checkpoint/state.json': await stateOf((s) => (s.kind = 'iwae')) });
    expect(() => decodeRunFiles(otherKind, 'run')).toThrow(
      "run/checkpoint/state.json: the run's kind 'iwae' is not the checkpoint's ('vae')",
    );
    const otherEpoch = await filesAt('', { 'checkpoint/state.json': await stateOf((s) => (s.epoch = 7)) });
    expect(() => decodeRunFiles(otherEpoch, 'run')).toThrow(
      "run/checkpoint/state.json: epoch 7 does not match the weights' epoch 1",
    );
    const notState = await filesAt('', { 'checkpoint/state.json': new TextEncoder().encode('[1, 2]') });
    expect(() => decodeRunFiles(notState, 'run')).toThrow('run/checkpoint/state.json: expected a run state');
    for (const seconds of [undefined, -1, '12'] as unknown[]) {
      const noSeconds = await filesAt('', {
        'checkpoint/state.json': await stateOf((s) => (s.seconds = seconds as number)),
      });
      expect(() => decodeRunFiles(noSeconds, 'run'), String(seconds)).toThrow(
        'run/checkpoint/state.json: expected a run state',
      );
    }
    const noWeights = await filesAt('', { 'checkpoint/weights.safetensors': undefined });
    expect(() => decodeRunFiles(noWeights, 'run')).toThrow(/^no checkpoint in run \(config.json, /);
  });
});
