import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from './tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineInfo } from './backend.js';
import { nativeMatMulDescription } from './kernels.js';
import {
  nativeFromEnvironment,
  nativeKernelsInfo,
  nativeModule,
  nativeThreadsFromEnvironment,
  stopNativeKernels,
  useNativeKernels,
  type NativeKernelsInfo,
} from './native-kernels.js';
import { useEngineFromEnvironment } from './node-engine.js';
import { Random } from './random.js';

// CI builds the module and sets LATENTLAB_REQUIRE_NATIVE=1, so a build that failed quietly fails these tests there;
// elsewhere (no compiler, another processor) they say why they skip.
const required = process.env.LATENTLAB_REQUIRE_NATIVE === '1';
const probe: NativeKernelsInfo = useNativeKernels();
stopNativeKernels();
const available = probe.active || required;
if (!available) console.warn(`native kernel tests skipped: ${probe.active ? '' : probe.reason}`);

/** Row-major float64 product of op(a) [m, k] and op(b) [k, n]: the reference. */
function reference(
  a: Float32Array,
  b: Float32Array,
  [m, k, n]: [number, number, number],
  transA: boolean,
  transB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++)
        sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = sum;
    }
  return c;
}

function uniform(size: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: size }, () => rng.next() * 2 - 1);
}

/** [m, k, n] chosen to cross every tile edge (6x16 and 12x32) and the 256-step blocks of k. */
const shapes: { name: string; mkn: [number, number, number] }[] = [
  { name: '1x1x1', mkn: [1, 1, 1] },
  { name: 'edges 7x13x5', mkn: [7, 13, 5] },
  { name: 'whole tiles 12x64x32', mkn: [12, 64, 32] },
  { name: 'two k blocks 13x300x33', mkn: [13, 300, 33] },
  { name: 'the VAE layer 128x784x400', mkn: [128, 784, 400] },
  { name: 'a column 50x600x1', mkn: [50, 600, 1] },
];
const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
const cases = shapes.flatMap(({ name, mkn }) =>
  transposes.map(([ta, tb]) => ({ name: `${name} transA=${ta} transB=${tb}`, mkn, ta, tb })),
);

describe.runIf(available)('native matrix product', () => {
  beforeAll(() => {
    expect(useNativeKernels({ threads: 2 })).toMatchObject({ active: true, threads: 2 });
  });
  afterAll(() => {
    stopNativeKernels();
  });

  it('runs the wasm backend products and says so', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(nativeMatMulDescription()).toMatch(/^native avx(2|512), 2 threads$/);
    expect(engineInfo().matMul).toBe(nativeMatMulDescription());
  });

  it.each(cases)('agrees with a float64 product: $name', ({ mkn: [m, k, n], ta, tb }) => {
    const a = uniform(m * k, 1);
    const b = uniform(k * n, 2);
    const expected = reference(a, b, [m, k, n], ta, tb);
    const got = tf.tidy(() =>
      tf
        .matMul(tf.tensor2d(a, ta ? [k, m] : [m, k]), tf.tensor2d(b, tb ? [n, k] : [k, n]), ta, tb)
        .dataSync(),
    );
    // float32 sums of k terms of size <= 1: a few ulps of sqrt(k) in the worst case.
    expect(got).toBeAllClose(expected, { rtol: 1e-5, atol: 2e-6 * Math.sqrt(k) });
  });

  it('broadcasts a batch of one against a batch, as TensorFlow.js does', () => {
    tf.tidy(() => {
      const a = tf.tensor3d(uniform(3 * 5 * 7, 3), [3, 5, 7]);
      const b = tf.tensor3d(uniform(7 * 4, 4), [1, 7, 4]);
      const c = tf.matMul(a, b);
      expect(c.shape).toEqual([3, 5, 4]);
      for (let s = 0; s < 3; s++) {
        const slice = tf.matMul(tf.squeeze(tf.slice(a, [s, 0, 0], [1, 5, 7]), [0]), tf.squeeze(b, [0]));
        expect(tf.squeeze(tf.slice(c, [s, 0, 0], [1, 5, 4]), [0])).toBeAllClose(slice, { rtol: 0, atol: 0 });
      }
    });
  });

  it('adds the bias and applies relu for the fused product, and keeps NaN', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(uniform(9 * 40, 5), [9, 40]);
      const w = tf.tensor2d(uniform(40 * 20, 6), [40, 20]);
      const bias = tf.tensor1d(uniform(20, 7));
      const fused = tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' });
      expect(fused).toBeAllClose(tf.relu(tf.add(tf.matMul(x, w), bias)), { rtol: 0, atol: 0 });
      const linear = tf.fused.matMul({ a: x, b: w, bias, activation: 'linear' });
      expect(linear).toBeAllClose(tf.add(tf.matMul(x, w), bias), { rtol: 0, atol: 0 });
      const withNaN = tf.fused.matMul({ a: tf.fill([1, 40], NaN), b: w, bias, activation: 'relu' });
      expect(Array.from(withNaN.dataSync()).every(Number.isNaN)).toBe(true);
    });
  });

  it('gives the wasm kernels gradients through a dense relu layer', () => {
    const f = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(uniform(32 * 50, 8), [32, 50]);
        const w = tf.tensor2d(uniform(50 * 30, 9), [50, 30]);
        const bias = tf.tensor1d(uniform(30, 10));
        const loss = (wv: tf.Tensor, bv: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a: x, b: wv, bias: bv, activation: 'relu' })));
        return tf
          .grads(loss)([w, bias])
          .map((g) => Array.from(g.dataSync()));
      });
    const native = f();
    stopNativeKernels();
    const wasm = f();
    useNativeKernels({ threads: 2 });
    for (let i = 0; i < 2; i++) expect(native[i]).toBeAllClose(wasm[i], { rtol: 1e-4, atol: 1e-5 });
  });

  it('gives the same bits on one thread and on two, and with AVX2 and AVX-512', () => {
    const a = tf.tensor2d(uniform(128 * 784, 11), [128, 784]);
    const b = tf.tensor2d(uniform(784 * 400, 12), [784, 400]);
    const run = () => Array.from(tf.tidy(() => tf.matMul(a, b, false, false).dataSync()));
    const two = run();
    useNativeKernels({ threads: 1 });
    expect(run()).toEqual(two);
    const module = nativeModule();
    const isa = module?.isa();
    if (isa === 'avx512') {
      module?.isa('avx2');
      expect(run()).toEqual(two);
      module?.isa('avx512');
    }
    useNativeKernels({ threads: 2 });
    tf.dispose([a, b]);
  });

  it('leaves no tensor and no backend data behind', () => {
    const x = tf.tensor2d(uniform(64 * 100, 13), [64, 100]);
    const w = tf.variable(tf.tensor2d(uniform(100 * 50, 14), [100, 50]));
    const step = () =>
      tf.tidy(() => {
        const g = tf.grad((wv: tf.Tensor) => tf.sum(tf.relu(tf.matMul(x, wv))))(w);
        w.assign(tf.sub(w, tf.mul(g, 0.01)));
      });
    step();
    const tensors = tf.memory().numTensors;
    const data = tf.engine().backend.numDataIds();
    for (let i = 0; i < 10; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(data);
    tf.dispose([x, w]);
  });

  it('refuses bad operands and thread counts, naming the problem', () => {
    const module = nativeModule();
    if (module === undefined) throw new Error('the module should be loaded');
    const memory = new ArrayBuffer(64);
    expect(() => module.matMul(memory, 0, 0, 0, 1, 1, 5, 5, 5, false, false, -1, false)).toThrow(
      /outside the memory/,
    );
    expect(() => module.matMul(memory, 0, 0, 0, 2, 3, 1, 1, 1, false, false, -1, false)).toThrow(
      /batch sizes/,
    );
    expect(() => module.setThreads(0)).toThrow(/'threads' must be a positive integer/);
  });
});

/** `latentlab ARGS` in a child process with `env` added: the command line decides on the native product itself. */
function latentlab(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe.runIf(available)('the command line on the native product', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-native-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses it by default, says so in info, and trains a VAE to the wasm kernels numbers', async () => {
    const info = JSON.parse((await latentlab(['info', '--json'], { LATENTLAB_NATIVE: '1' })).out) as {
      matMul: string;
    };
    expect(info.matMul).toMatch(/^native avx(2|512), \d+ threads?$/);
    const wasm = JSON.parse((await latentlab(['info', '--json'], { LATENTLAB_NATIVE: '0' })).out) as {
      matMul: string;
    };
    expect(wasm.matMul).toBe('wasm');

    const train = (name: string, env: Record<string, string>) =>
      latentlab(
        ['train', 'vae', '--epochs', '1', '--limit', '500', '--no-pictures', '--out', join(dir, name)],
        env,
      );
    const codes = await Promise.all([
      train('native', { LATENTLAB_NATIVE: '1' }),
      train('wasm', { LATENTLAB_NATIVE: '0' }),
    ]);
    expect(codes.map((r) => r.code)).toEqual([0, 0]);
    const summary = (name: string) =>
      JSON.parse(readFileSync(join(dir, name, 'summary.json'), 'utf8')) as Record<string, number>;
    const [a, b] = [summary('native'), summary('wasm')];
    // One short epoch: the two products differ by float32 rounding, not more.
    for (const key of ['test_elbo', 'test_reconstruction', 'test_kl'])
      expect(Math.abs(a[key] - b[key])).toBeLessThanOrEqual(1e-4 * Math.abs(b[key]));
  });
});

describe('native kernels without the module', () => {
  it('reports why they are off and puts the wasm kernels back', () => {
    const info = useNativeKernels({ path: '/nonexistent/latentlab_native.node' });
    expect(info).toEqual({
      active: false,
      reason: 'no native module at /nonexistent/latentlab_native.node (npm run build makes it)',
    });
    expect(nativeKernelsInfo()).toEqual(info);
    expect(nativeMatMulDescription()).toBeUndefined();
    expect(nativeModule()).toBeUndefined();
    expect(engineInfo().matMul).toBe('wasm');
  });

  it('takes the engine from the environment, refusing a bad variable before it changes anything', () => {
    expect(() => useEngineFromEnvironment({ LATENTLAB_NATIVE_THREADS: 'two' })).toThrow(
      /LATENTLAB_NATIVE_THREADS must be a positive integer, got 'two'/,
    );
    expect(nativeKernelsInfo()).toMatchObject({ active: false });
    useEngineFromEnvironment({ LATENTLAB_NATIVE: '0' });
    expect(engineInfo().matMul).toBe('wasm');
    if (available) {
      useEngineFromEnvironment({ LATENTLAB_NATIVE_THREADS: '1' });
      expect(nativeKernelsInfo()).toMatchObject({ active: true, threads: 1 });
      stopNativeKernels();
    }
  });

  it('rejects a bad thread count and a bad LATENTLAB_NATIVE, naming them', () => {
    expect(() => useNativeKernels({ threads: 0 })).toThrow(/option 'threads' must be a positive integer/);
    expect(nativeFromEnvironment({})).toBe(true);
    expect(nativeFromEnvironment({ LATENTLAB_NATIVE: '0' })).toBe(false);
    expect(() => nativeFromEnvironment({ LATENTLAB_NATIVE: 'yes' })).toThrow(
      /LATENTLAB_NATIVE must be 0 or 1/,
    );
    expect(nativeThreadsFromEnvironment({ LATENTLAB_NATIVE_THREADS: '3' })).toBe(3);
    expect(nativeThreadsFromEnvironment({})).toBeUndefined();
    expect(() => nativeThreadsFromEnvironment({ LATENTLAB_NATIVE_THREADS: '0' })).toThrow(
      /LATENTLAB_NATIVE_THREADS must be a positive integer, got '0'/,
    );
  });
});
