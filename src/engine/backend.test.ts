import * as tf from './tf.js';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { engineInfo, initEngine, parseBackendChoice } from './backend.js';

/** A stand-in for @tensorflow/tfjs-node(-gpu): importing it registers a backend named 'tensorflow'. */
function fakeNative(available: string[], calls: string[]) {
  return (name: string): Promise<unknown> => {
    calls.push(name);
    if (!available.includes(name)) return Promise.reject(new Error(`Cannot find package '${name}'`));
    if (tf.findBackendFactory('tensorflow') == null)
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
    return Promise.resolve({});
  };
}

afterEach(async () => {
  delete process.env.LATENTLAB_BACKEND;
  await initEngine({ backend: 'wasm' });
  if (tf.findBackendFactory('tensorflow') != null) tf.removeBackend('tensorflow');
});

describe('initEngine', () => {
  it('falls back to wasm when no native package is installed, trying node-gpu first', async () => {
    const calls: string[] = [];
    const info = await initEngine({ backend: 'auto', loadModule: fakeNative([], calls) });
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(info.backend).toBe('wasm');
    expect(info.wasmMatMulFix).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('uses @tensorflow/tfjs-node when it is installed and tfjs-node-gpu is not', async () => {
    const calls: string[] = [];
    const info = await initEngine({
      backend: 'auto',
      loadModule: fakeNative(['@tensorflow/tfjs-node'], calls),
    });
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(info.backend).toBe('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('prefers @tensorflow/tfjs-node-gpu', async () => {
    const calls: string[] = [];
    const loadModule = fakeNative(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'], calls);
    expect((await initEngine({ backend: 'auto', loadModule })).backend).toBe('tensorflow');
    expect(calls).toEqual(['@tensorflow/tfjs-node-gpu']);
  });

  it('a forced native backend that is not installed is a clear error', async () => {
    await expect(initEngine({ backend: 'node', loadModule: fakeNative([], []) })).rejects.toThrow(
      /backend 'node': could not load @tensorflow\/tfjs-node; install it with 'npm install @tensorflow\/tfjs-node@4.22.0'/,
    );
  });

  it('the option forces a backend', async () => {
    expect((await initEngine({ backend: 'cpu' })).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('LATENTLAB_BACKEND forces a backend, and a bad value names the variable', async () => {
    process.env.LATENTLAB_BACKEND = 'cpu';
    expect((await initEngine()).backend).toBe('cpu');
    process.env.LATENTLAB_BACKEND = 'tpu';
    expect(() => initEngine()).toThrow(
      /LATENTLAB_BACKEND: unknown backend 'tpu'; expected one of auto, node-gpu/,
    );
  });

  it('computes the same numbers on cpu and wasm', async () => {
    const f = () =>
      tf.tidy(() =>
        Array.from(tf.matMul(tf.randomNormal([4, 6], 0, 1, 'float32', 3), tf.ones([6, 2])).dataSync()),
      );
    await initEngine({ backend: 'cpu' });
    const onCpu = f();
    await initEngine({ backend: 'wasm' });
    expect(f()).toBeAllClose(onCpu, { rtol: 1e-5 });
  });

  it('reports versions', () => {
    const info = engineInfo();
    expect(info.versions['tfjs-core']).toBe('4.22.0');
    expect(info.versions.latentlab).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('parseBackendChoice names the source of a bad value', () => {
    expect(parseBackendChoice('wasm')).toBe('wasm');
    expect(() => parseBackendChoice('gpu', '--backend')).toThrow(/--backend: unknown backend 'gpu'/);
  });
});
