/**
 * The worker's engine: TensorFlow.js on the backend the page asks for, and which of the library's own kernels run
 * there. A backend is chosen once per worker (the page starts a new worker for another), so this runs once.
 *
 * The WebGL and WebGPU backends are loaded only when asked for, so a page on wasm never downloads them. WebGL runs in
 * the worker on an `OffscreenCanvas` (TensorFlow.js makes it), in software (SwiftShader) where there is no GPU.
 * WebGPU needs an adapter, which headless Chromium has only with `--enable-unsafe-webgpu`; without one the worker
 * falls back to wasm and says why.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../src/engine/tf.js';
import { initEngine } from '../src/engine/backend.js';
import { isWasmMatMulFixed } from '../src/engine/kernels.js';
import { hasFusedAdam } from '../src/engine/adam-kernel.js';
import { AFFINE_COUPLING_KERNEL } from '../src/engine/coupling-kernel.js';
import type { StudioBackend } from './protocol.js';

/** The size of the engine's check of synchronous reads (see {@link readBackFails}). */
const SELF_TEST_SIZE = 4096;

/** What {@link startEngine} started. */
export interface StartedEngine {
  /** The backend that runs: the one asked for, or `wasm` where that one cannot start (see `note`). */
  backend: string;
  /** Why the backend asked for is not the one that runs; null when it is. */
  note: string | null;
  /** The library's kernels in force on the backend (see {@link libraryKernels}). */
  kernels: string[];
}

/** Why WebGPU cannot start here, or null when the browser offers an adapter. */
async function webgpuMissing(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter: unknown = await gpu.requestAdapter().catch(() => null);
  return adapter === null
    ? 'the browser offers no WebGPU adapter; there is none without a GPU unless Chromium runs with --enable-unsafe-webgpu'
    : null;
}

/** Load the package of `backend` (wasm and cpu come with the library); a reason it cannot run here, or null. */
async function load(backend: StudioBackend): Promise<string | null> {
  if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (backend === 'webgpu') {
    const missing = await webgpuMissing();
    if (missing !== null) return missing;
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  return null;
}

/**
 * Why the active backend cannot train here, or null: the library reads losses back synchronously (`dataSync`), and
 * TensorFlow.js 4.22's WebGPU backend on a software adapter (SwiftShader, Chromium's `--enable-unsafe-webgpu` without
 * a GPU) reads zeros. So the engine checks one sum before it is used, large enough to run on the GPU (the GPU
 * backends hand small ops to the CPU): 4096 twos summed.
 */
function readBackFails(): string | null {
  const sum = tf.tidy(() => tf.sum(tf.mul(tf.ones([SELF_TEST_SIZE]), 2)).dataSync()[0]);
  return sum === 2 * SELF_TEST_SIZE
    ? null
    : `a synchronous read of a sum of ${SELF_TEST_SIZE} twos gave ${sum}, not ${2 * SELF_TEST_SIZE}`;
}

/**
 * Start TensorFlow.js on `requested`, with the wasm binaries at `wasmPaths` (a URL ending in `/`). Where that
 * backend cannot start, wasm runs instead and `note` says why; where wasm itself cannot, this throws.
 *
 * @example
 * await startEngine('webgl', new URL('../wasm/', import.meta.url).href); // { backend: 'webgl', note: null, kernels: [] }
 */
export async function startEngine(requested: StudioBackend, wasmPaths: string): Promise<StartedEngine> {
  setWasmPaths(wasmPaths);
  // On a cross-origin isolated page TensorFlow.js would load its threaded wasm build, whose eight pthread workers
  // run its Emscripten factory from the factory's own source text; bundled, that text names variables of the bundle,
  // and every pthread fails ("e is not defined"), so no step ever runs. The single-threaded build runs everywhere;
  // the threaded one would give one thread on a 2-core machine anyway (TensorFlow.js caps it at half the cores).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  let note: string | null = null;
  try {
    note = await load(requested);
    if (note === null) {
      await initEngine({ backend: requested });
      note = readBackFails();
    }
  } catch (e) {
    note = e instanceof Error ? e.message : String(e);
  }
  if (note !== null) await initEngine({ backend: 'wasm' });
  return {
    backend: tf.getBackend(),
    note: note === null ? null : `${requested} cannot run here, so wasm runs: ${note}`,
    kernels: libraryKernels(),
  };
}

/**
 * The library's own kernels in force on the active backend, each by the name of its change (`src/engine/`):
 *
 * - `matmul-untransposed` (kernels.ts): wasm's `BatchMatMul` and `_FusedMatMul` never take a transposed operand;
 * - `shared-copies` (shared-copies.ts): wasm's `Identity` and same-dtype `Cast` share their input's memory; checked
 *   by what they do, since a clone has its input's data only where the change is in force;
 * - `adam` (adam-kernel.ts): Adam's update as one SIMD kernel on wasm;
 * - `affine-coupling` (coupling-kernel.ts): a coupling's elementwise step as one kernel, on wasm and cpu;
 * - `conv-filter-grad` (conv-kernels.ts): wasm's `Conv2DBackpropFilter`, which stock TensorFlow.js lacks.
 *
 * On WebGL and WebGPU none applies: their stock kernels run.
 */
export function libraryKernels(): string[] {
  const backend = tf.getBackend();
  const wasm = backend === 'wasm';
  const sharesCopies = (): boolean => {
    const x = tf.zeros([2]);
    const copy = tf.clone(x);
    const shared = copy.dataId === x.dataId;
    tf.dispose([x, copy]);
    return shared;
  };
  const kernels: Array<[string, boolean]> = [
    ['matmul-untransposed', wasm && isWasmMatMulFixed()],
    ['shared-copies', wasm && sharesCopies()],
    ['adam', hasFusedAdam()],
    ['affine-coupling', tf.getKernel(AFFINE_COUPLING_KERNEL, backend) != null],
    ['conv-filter-grad', wasm && tf.getKernel('Conv2DBackpropFilter', 'wasm') != null],
  ];
  return kernels.filter(([, inForce]) => inForce).map(([name]) => name);
}
