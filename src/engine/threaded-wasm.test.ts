import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useThreadedWasm } from './threaded-wasm.js';

/**
 * `latentlab ARGS` in a child process (the engine of this one is already running), with `env` added and the modules
 * `preload` imported first.
 */
function latentlab(
  args: string[],
  env: Record<string, string>,
  preload: string[] = [],
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const imports = [...preload, 'tsx'].flatMap((m) => ['--import', m]);
    const child = spawn(process.execPath, [...imports, 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: 'pipe',
    });
    let [out, err] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'latentlab-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('useThreadedWasm', () => {
  it('loads the threaded build, with the threads TensorFlow.js allows (half the logical cores)', async () => {
    const { code, out } = await latentlab(['info', '--json', '--backend', 'wasm'], {
      LATENTLAB_THREADS: '2',
    });
    expect(code).toBe(0);
    const info = JSON.parse(out) as { wasmBuild: string; threads: number };
    expect(info.wasmBuild).toBe('threaded');
    expect(info.threads).toBe(Math.min(2, Math.max(1, Math.floor(cpus().length / 2))));
    const plain = JSON.parse((await latentlab(['info', '--json', '--backend', 'wasm'], {})).out) as {
      wasmBuild: string;
    };
    expect(plain.wasmBuild).toBe('single-threaded');
  });

  it('trains a VAE to the same numbers as the single-threaded build, fused Adam kernel included', async () => {
    const args = (out: string) => [
      'train',
      'vae',
      '--epochs',
      '1',
      '--limit',
      '500',
      '--no-pictures',
      '--out',
      out,
    ];
    const [threaded, plain] = await Promise.all([
      latentlab(args(join(dir, 'threaded')), { LATENTLAB_THREADS: '2', LATENTLAB_BACKEND: 'wasm' }),
      latentlab(args(join(dir, 'plain')), { LATENTLAB_BACKEND: 'wasm', LATENTLAB_NATIVE: '0' }),
    ]);
    expect([threaded.code, plain.code]).toEqual([0, 0]);
    const summary = (name: string) =>
      JSON.parse(readFileSync(join(dir, name, 'summary.json'), 'utf8')) as Record<string, number>;
    const [a, b] = [summary('threaded'), summary('plain')];
    for (const key of ['test_elbo', 'test_reconstruction', 'test_kl'])
      expect(Math.abs(a[key] - b[key])).toBeLessThanOrEqual(1e-4 * Math.abs(b[key]));
  });

  it('runs two threads where four cores are reported, to the same numbers, and the process exits', async () => {
    // A machine with four logical cores, as the child process sees it (TensorFlow.js allows half of them).
    const preload = join(dir, 'four-cores.mjs');
    writeFileSync(
      preload,
      "import os from 'node:os';\nconst cpus = os.cpus;\nos.cpus = () => [0, 1, 2, 3].map((i) => cpus()[i % cpus().length]);\n",
    );
    const info = await latentlab(['info', '--json', '--backend', 'wasm'], { LATENTLAB_THREADS: '2' }, [
      preload,
    ]);
    expect((JSON.parse(info.out) as { threads: number }).threads).toBe(2);
    const out = join(dir, 'two-threads');
    const args = ['train', 'vae', '--epochs', '1', '--limit', '500', '--no-pictures', '--out', out];
    const run = await latentlab(args, { LATENTLAB_THREADS: '2', LATENTLAB_BACKEND: 'wasm' }, [preload]);
    expect(run.code).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, number>;
    const b = JSON.parse(readFileSync(join(dir, 'plain', 'summary.json'), 'utf8')) as Record<string, number>;
    expect(Math.abs(a.test_elbo - b.test_elbo)).toBeLessThanOrEqual(1e-4 * Math.abs(b.test_elbo));
  });

  it('refuses a bad thread count, in the environment and in the call', async () => {
    const { code, err } = await latentlab(['info'], { LATENTLAB_THREADS: 'two' });
    expect(code).toBe(2);
    expect(err).toBe("latentlab: LATENTLAB_THREADS must be a positive integer, got 'two'\n");
    expect(() => useThreadedWasm(0)).toThrow(
      "useThreadedWasm: argument 'threads' must be a positive integer, got 0",
    );
  });

  it('refuses to switch once the wasm backend runs (this process started it)', () => {
    expect(() => useThreadedWasm(2)).toThrow(
      /the wasm backend is already running; call it before the engine starts/,
    );
  });
});
