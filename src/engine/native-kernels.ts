/**
 * The native matrix product for Node, on by default where it was built: {@link useNativeKernels}.
 *
 * A training step of the MLPs here is mostly matrix products, and TensorFlow.js's wasm backend runs them on one
 * thread of 128-bit SIMD without fused multiply-add: about 42 GFLOP/s for the VAE's 128x784x400 product where
 * PyTorch reaches about 180 on the same two cores. `npm run build` compiles `src/engine/native/gemm.cc` (AVX2 + FMA,
 * or AVX-512 where the CPU has it, split by columns over the cores) into `build/native/`, when a C++ compiler and
 * Node's headers are there. This module loads it and installs it as the wasm backend's `BatchMatMul` and
 * `_FusedMatMul` (bias and relu included), working in place on the backend's memory; everything else stays
 * TensorFlow.js's. Where the module is missing, or the CPU lacks AVX2, nothing changes.
 *
 * Numbers: each output is a float32 sum over k in increasing order, the same on one thread or many and with AVX2 or
 * AVX-512 (the tests check the bits), but in another order than XNNPACK's, so results differ from the wasm kernels'
 * by float32 rounding. Not for browsers: there the wasm kernels run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { positiveIntegerFromEnvironment } from './environment.js';
import { registerWasmMatMulFix, setNativeMatMul, type NativeMatMul } from './kernels.js';

/** The compiled module's functions (see gemm.cc). */
export interface NativeModule {
  matMul: NativeMatMul;
  setThreads(threads: number): number;
  isa(name?: 'avx2' | 'avx512'): '' | 'avx2' | 'avx512';
}

/** What {@link useNativeKernels} did: the instruction set and thread count in use, or why it is off. */
export type NativeKernelsInfo =
  { active: true; isa: 'avx2' | 'avx512'; threads: number } | { active: false; reason: string };

/** Options of {@link useNativeKernels}. */
export interface NativeKernelsOptions {
  /** Threads for a product (the caller's and workers); default: the available cores, at most 8. */
  threads?: number;
  /** Where the compiled module is; default: `build/native/latentlab_native.node` in the package. */
  path?: string;
}

const require = createRequire(import.meta.url);
/** src/engine/ and dist/engine/ both sit two levels below the package root. */
const DEFAULT_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../build/native/latentlab_native.node',
);
const MAX_DEFAULT_THREADS = 8;

let state: NativeKernelsInfo = { active: false, reason: 'not requested' };
let current: NativeModule | undefined;
const modules = new Map<string, NativeModule>();

/**
 * Whether `LATENTLAB_NATIVE` allows the native product: unset, empty or `1` yes, `0` no; anything else is an error
 * naming the variable.
 */
export function nativeFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.LATENTLAB_NATIVE;
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new Error(`LATENTLAB_NATIVE must be 0 or 1, got '${value}'`);
}

/**
 * The thread count `LATENTLAB_NATIVE_THREADS` asks of the native product, or undefined when it is unset or empty
 * (then: the available cores, at most 8). Throws an error naming the variable for anything but a positive integer.
 */
export function nativeThreadsFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return positiveIntegerFromEnvironment('LATENTLAB_NATIVE_THREADS', env);
}

/** The module at `path`, loaded once, or why it cannot be. */
function load(path: string): NativeModule | string {
  const known = modules.get(path);
  if (known !== undefined) return known;
  if (!existsSync(path)) return `no native module at ${path} (npm run build makes it)`;
  try {
    const module = require(path) as NativeModule;
    modules.set(path, module);
    return module;
  } catch (e) {
    return `the native module did not load: ${(e as Error).message.split('\n')[0]}`;
  }
}

/**
 * Load the native matrix product and run the wasm backend's products on it (see the module documentation). Call it
 * before or after `initEngine`; a later call changes the thread count. Returns what runs; for a missing module or an
 * unsuitable CPU it returns the reason and the products run on the wasm kernels. Throws only for bad options.
 *
 * @example
 * import { useNativeKernels } from 'latentlab/node';
 * useNativeKernels(); // { active: true, isa: 'avx512', threads: 2 } on this project's machines
 */
export function useNativeKernels({
  threads,
  path = DEFAULT_PATH,
}: NativeKernelsOptions = {}): NativeKernelsInfo {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw new Error(`useNativeKernels: option 'threads' must be a positive integer, got ${threads}`);
  const module = load(path);
  const isa = typeof module === 'string' ? '' : module.isa();
  if (typeof module === 'string' || isa === '') {
    stopNativeKernels();
    state = {
      active: false,
      reason: typeof module === 'string' ? module : 'this CPU has neither AVX2 with FMA nor AVX-512',
    };
    return state;
  }
  const count = module.setThreads(threads ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS));
  registerWasmMatMulFix();
  setNativeMatMul(module.matMul, `native ${isa}, ${count} thread${count === 1 ? '' : 's'}`);
  current = module;
  state = { active: true, isa, threads: count };
  return state;
}

/** Put the products back on the wasm kernels (benchmarks and tests compare the two). */
export function stopNativeKernels(): void {
  setNativeMatMul(undefined);
  current = undefined;
  state = { active: false, reason: 'stopped' };
}

/** What runs the wasm backend's products now. */
export function nativeKernelsInfo(): NativeKernelsInfo {
  return state;
}

/** The module in use, for tests that compare instruction sets; undefined while the wasm kernels run. */
export function nativeModule(): NativeModule | undefined {
  return current;
}
