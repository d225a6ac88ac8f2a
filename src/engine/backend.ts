/**
 * Backend choice. In Node latentlab prefers, in order: `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`
 * (each only when the user has installed it: they are loaded with a dynamic import and are never dependencies,
 * because their installs download a binary), then `wasm`, then `cpu`. The option `backend` or the environment
 * variable `LATENTLAB_BACKEND` forces one.
 */
import * as tf from './tf.js';

import { getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { nativeMatMulDescription, registerWasmMatMulFix } from './kernels.js';
import { latentlabVersion } from './version.js';

/** The backends a user can ask for. `auto` picks the fastest one available. */
export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu', 'webgl', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Options of {@link initEngine}. */
export interface EngineOptions {
  /** Which backend to use; default: `LATENTLAB_BACKEND` from the environment, else `auto`. */
  backend?: BackendChoice;
  /** How optional native packages are loaded; tests replace it. Default: a dynamic `import`. */
  loadModule?: (name: string) => Promise<unknown>;
}

/** What {@link initEngine} chose, as `latentlab info` prints it. */
export interface EngineInfo {
  backend: string;
  requested: BackendChoice;
  threads: number;
  /** Which build of the wasm backend runs: `threaded` (see `threaded-wasm.ts`), `single-threaded`, or `none`. */
  wasmBuild: 'threaded' | 'single-threaded' | 'none';
  wasmMatMulFix: boolean;
  /** What runs the wasm backend's matrix products: `wasm`, or the native product (`useNativeKernels` in Node). */
  matMul: string;
  versions: Record<string, string>;
}

const NATIVE_MODULES: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

function defaultLoadModule(name: string): Promise<unknown> {
  return import(name) as Promise<unknown>;
}

/** Parse a backend name from a flag or the environment, with an error that names the source. */
export function parseBackendChoice(value: string, source = 'backend'): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`${source}: unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(', ')}`);
}

async function tryNative(
  choice: 'node-gpu' | 'node',
  loadModule: EngineOptions['loadModule'],
): Promise<boolean> {
  try {
    await (loadModule ?? defaultLoadModule)(NATIVE_MODULES[choice]);
  } catch {
    return false;
  }
  // Both packages register their backend under the name 'tensorflow'.
  return tf.findBackendFactory('tensorflow') != null && (await tf.setBackend('tensorflow'));
}

async function trySet(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name) == null) return false;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function select(choice: BackendChoice, loadModule: EngineOptions['loadModule']): Promise<void> {
  if (choice === 'node-gpu' || choice === 'node') {
    if (!(await tryNative(choice, loadModule)))
      throw new Error(
        `backend '${choice}': could not load ${NATIVE_MODULES[choice]}; install it with ` +
          `'npm install ${NATIVE_MODULES[choice]}@${tf.version_core}' or choose another backend`,
      );
    return;
  }
  if (choice !== 'auto') {
    if (!(await trySet(choice)))
      throw new Error(`backend '${choice}' is not available here (is its package imported and registered?)`);
    return;
  }
  if (isNode && ((await tryNative('node-gpu', loadModule)) || (await tryNative('node', loadModule)))) return;
  for (const name of isNode ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'])
    if (await trySet(name)) return;
  throw new Error('no TensorFlow.js backend could be initialised');
}

let current: Promise<EngineInfo> | undefined;
let currentKey: string | undefined;

/**
 * Choose and initialise the backend once; later calls with the same choice return the same result. The wasm
 * matrix-product fix (see `kernels.ts`) is registered before the backend is first used.
 *
 * @example
 * const info = await initEngine(); // { backend: 'wasm', threads: 1, ... }
 */
export function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const fromEnv = isNode ? process.env.LATENTLAB_BACKEND : undefined;
  const requested = options.backend ?? (fromEnv ? parseBackendChoice(fromEnv, 'LATENTLAB_BACKEND') : 'auto');
  const key = requested;
  if (current !== undefined && currentKey === key && options.loadModule === undefined) return current;
  currentKey = key;
  current = (async () => {
    registerWasmMatMulFix();
    await select(requested, options.loadModule);
    await tf.ready();
    return engineInfo(requested);
  })();
  current.catch(() => {
    current = undefined;
    currentKey = undefined;
  });
  return current;
}

/** The threaded build runs on shared memory; the single-threaded one does not. */
function wasmBuild(): 'threaded' | 'single-threaded' {
  const wasm = (tf.backend() as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory } }).wasm;
  const buffer = wasm?.wasmMemory?.buffer;
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer
    ? 'threaded'
    : 'single-threaded';
}

/** A description of the active backend: its name, threads, and the library versions. */
export function engineInfo(requested: BackendChoice = 'auto'): EngineInfo {
  const backend = tf.getBackend();
  const threads = backend === 'wasm' ? getThreadsCount() : backend === 'cpu' ? 1 : 0;
  return {
    backend,
    requested,
    threads,
    wasmBuild: backend === 'wasm' ? wasmBuild() : 'none',
    wasmMatMulFix: registerWasmMatMulFix(),
    matMul: backend === 'wasm' ? (nativeMatMulDescription() ?? 'wasm') : backend,
    versions: {
      latentlab: latentlabVersion(),
      'tfjs-core': tf.version_core,
      'tfjs-backend-wasm': version_wasm,
      'tfjs-backend-cpu': version_cpu,
      ...(isNode ? { node: process.versions.node } : {}),
    },
  };
}
