/**
 * The one checkpoint swap of every family: a crash at any file-system step of a save leaves a loadable checkpoint
 * (the previous one or the new one), and the next save recovers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '../io/safetensors.js';
import { loadRunCheckpoint, saveRunCheckpoint, type RunState } from './run-checkpoint.js';

/** Every mutating file-system call counts as a step; the step numbered `failAt` throws, as a crash would stop it. */
const crash = { failAt: Infinity, steps: 0 };

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const step =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (++crash.steps === crash.failAt)
        return Promise.reject(new Error(`simulated crash at step ${crash.steps}`));
      return fn(...args);
    };
  const open: typeof real.open = (path, flags, mode) =>
    typeof flags === 'string' && /[wax]/.test(flags)
      ? step(real.open)(path, flags, mode)
      : real.open(path, flags, mode);
  return {
    ...real,
    mkdir: step(real.mkdir),
    rm: step(real.rm),
    rename: step(real.rename),
    writeFile: step(real.writeFile),
    open,
  };
});

const root = mkdtempSync(join(tmpdir(), 'latentlab-run-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A checkpoint whose one array, and whose state, say which save it is. */
function contents(epoch: number) {
  const state: RunState = {
    kind: 'test',
    options: {},
    shape: [1],
    epoch,
    step: 10 * epoch,
    history: [],
    seconds: epoch,
  };
  return {
    config: { kind: 'test' },
    weights: new Map([['w', { dtype: 'F64' as const, shape: [1], data: Float64Array.of(epoch) }]]),
    optimizer: new Map([
      ['model.adam.step', { dtype: 'F32' as const, shape: [], data: Float32Array.of(epoch) }],
    ]),
    state,
  };
}

async function epochOf(dir: string): Promise<number> {
  const loaded = await loadRunCheckpoint(dir);
  expect(loaded.weights.get('w')!.data[0]).toBe(loaded.state!.epoch);
  expect(loaded.optimizer!.get('model.adam.step')!.data[0]).toBe(loaded.state!.epoch);
  return loaded.state!.epoch;
}

describe('saveRunCheckpoint', () => {
  it('replaces the checkpoint, and counts its steps', async () => {
    const dir = join(root, 'count');
    await saveRunCheckpoint(dir, contents(1));
    crash.steps = 0;
    await saveRunCheckpoint(dir, contents(2));
    expect(crash.steps).toBeGreaterThan(8);
    expect(await epochOf(dir)).toBe(2);
  });

  it('leaves a loadable checkpoint when a crash stops it at any step, and the next save recovers', async () => {
    const probe = join(root, 'probe');
    await saveRunCheckpoint(probe, contents(1));
    crash.steps = 0;
    await saveRunCheckpoint(probe, contents(2));
    const total = crash.steps;
    const seen = new Set<number>();
    for (let failAt = 1; failAt <= total; failAt++) {
      const dir = join(root, `crash-${failAt}`);
      await saveRunCheckpoint(dir, contents(1));
      crash.steps = 0;
      crash.failAt = failAt;
      await expect(saveRunCheckpoint(dir, contents(2)), `step ${failAt}`).rejects.toThrow('simulated crash');
      crash.failAt = Infinity;
      // What a restarted run finds: the old checkpoint, or the new one, whole.
      const epoch = await epochOf(dir);
      expect([1, 2], `step ${failAt}`).toContain(epoch);
      seen.add(epoch);
      // The next save finds its way through whatever the crash left.
      await saveRunCheckpoint(dir, contents(3));
      expect(await epochOf(dir), `recovery after step ${failAt}`).toBe(3);
    }
    // Crashes early in the swap keep the old checkpoint, late ones the new: both were seen.
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('a crash between the two renames of two runs in a row still leaves the last good checkpoint', async () => {
    // A first crash leaves only checkpoint.prev/; a second crash early in the next save must not lose it.
    const dir = join(root, 'double');
    await saveRunCheckpoint(dir, contents(1));
    for (let failAt = 1; failAt <= 40; failAt++) {
      crash.steps = 0;
      crash.failAt = failAt;
      const result = await saveRunCheckpoint(dir, contents(2)).then(
        () => 'saved',
        () => 'crashed',
      );
      crash.failAt = Infinity;
      expect([1, 2]).toContain(await epochOf(dir));
      if (result === 'saved') break;
    }
    await expect(loadRunCheckpoint(join(root, 'nowhere'))).rejects.toThrow(CheckpointError);
  });
});
