import { describe, expect, it } from 'vitest';
import { runCli, type CliIO } from './program.js';

function capture(): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdout: () => out,
    stderr: () => err,
  };
}

describe('latentlab CLI', () => {
  it('info prints the backend, threads and versions', async () => {
    const io = capture();
    expect(await runCli(['info'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^backend +wasm \(auto\)$/m);
    expect(io.stdout()).toMatch(/^threads +1$/m);
    expect(io.stdout()).toMatch(/^tfjs-core +4\.22\.0$/m);
  });

  it('info --json --backend cpu', async () => {
    const io = capture();
    expect(await runCli(['info', '--json', '--backend', 'cpu'], io)).toBe(0);
    const info = JSON.parse(io.stdout()) as { backend: string; threads: number };
    expect(info).toMatchObject({ backend: 'cpu', threads: 1 });
    expect(await runCli(['info', '--backend', 'wasm'], capture())).toBe(0);
  });

  it.each([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'an unknown backend',
      ['info', '--backend', 'tpu'],
      /--backend: unknown backend 'tpu'; expected one of auto/,
    ],
  ])('%s exits non-zero with one line naming the problem', async (_, argv, message) => {
    const io = capture();
    expect(await runCli(argv, io)).not.toBe(0);
    expect(io.stderr()).toMatch(message);
    expect(io.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('--help lists the commands', async () => {
    const io = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout()).toMatch(/info \[options\] +print the TensorFlow.js backend/);
  });
});
