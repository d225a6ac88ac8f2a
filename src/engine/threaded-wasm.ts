/**
 * The `wasm` backend on several threads in Node, opt-in: {@link useThreadedWasm}.
 *
 * TensorFlow.js 4.22 ships a multi-threaded SIMD build of its wasm backend (Emscripten pthreads; XNNPACK splits
 * products and convolutions over a thread pool), but in Node it always loads the single-threaded build: its check
 * for thread support answers no under Node, and it hands Emscripten its worker script as a `blob:` URL, which Node's
 * `worker_threads` cannot start. This module registers the backend `wasm` again, through TensorFlow.js's own backend
 * registry (no global is patched), with a factory that loads the threaded build and gives Emscripten the worker
 * script as a file. Everything else is TensorFlow.js's own `BackendWasm`, so every kernel and every fix registered
 * for `wasm` applies unchanged.
 *
 * TensorFlow.js then caps the pool at half of the logical cores (`emscripten_num_logical_cores() / 2`): on a 2-core
 * machine the threaded build runs one thread, and the option changes nothing but the build. It is off by default
 * for that reason, and because two threads forced on 2 cores made no step faster (`vae-step` 28.6 against 30.7 ms).
 *
 * Browsers need none of this: there TensorFlow.js loads the threaded build itself when the page is cross-origin
 * isolated (COOP/COEP headers), with the same cap.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { positiveIntegerFromEnvironment } from './environment.js';

const require = createRequire(import.meta.url);
const BUILD = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
/** TensorFlow.js registers `wasm` with this priority; the same here, so `auto` chooses as before. */
const WASM_PRIORITY = 2;

/** The parts of the Emscripten module `BackendWasm` expects, as TensorFlow.js's own `init` builds them. */
interface EmscriptenModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number>;
  PThread?: { runningWorkers: { unref(): void }[] };
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

let registered = false;

/**
 * The thread count `LATENTLAB_THREADS` asks for, or undefined when it is unset or empty. Throws an error naming the
 * variable for anything but a positive integer.
 */
export function threadsFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return positiveIntegerFromEnvironment('LATENTLAB_THREADS', env);
}

/**
 * The script each pthread runs, as a file: one per TensorFlow.js version in the temporary directory, written
 * atomically (TensorFlow.js escapes newlines the same way for its Blob).
 */
function workerScript(): string {
  const contents = (
    require(`${BUILD}.worker.js`) as { wasmWorkerContents: string }
  ).wasmWorkerContents.replace(/\n/g, '\\n');
  const path = join(tmpdir(), `latentlab-tfjs-${version_wasm}-threaded-simd.worker.js`);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== contents) {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    renameSync(temp, path);
  }
  return path;
}

/**
 * Run the `wasm` backend on TensorFlow.js's multi-threaded build with `threads` threads (at most half the logical
 * cores; see the module documentation). Call it before the engine starts (`initEngine`, or the `LATENTLAB_THREADS`
 * environment variable of the command line); the numbers are those of the single-threaded build, to float32
 * rounding.
 *
 * @example
 * useThreadedWasm(4);
 * await initEngine({ backend: 'wasm' }); // engineInfo().threads: 4 on a machine with 8 or more logical cores
 */
export function useThreadedWasm(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`useThreadedWasm: argument 'threads' must be a positive integer, got ${threads}`);
  // The engine's initialised backends (`findBackend` would initialise it).
  const initialised = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  if ('wasm' in initialised)
    throw new Error(
      'useThreadedWasm: the wasm backend is already running; call it before the engine starts (initEngine)',
    );
  if (!registered) {
    const glue = require.resolve(`${BUILD}.js`);
    const binary = require.resolve(`${BUILD}.wasm`);
    const worker = workerScript();
    const factory = require(glue) as Factory;
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      async () => {
        const module = await factory({
          locateFile: (path: string) =>
            path.endsWith('.worker.js') ? worker : path.endsWith('.wasm') ? binary : path,
          mainScriptUrlOrBlob: glue,
        });
        module.tfjs = {
          init: module.cwrap('init', null, []),
          initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
          getThreadsCount: module.cwrap('get_threads_count', 'number', []),
          registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
          disposeData: module.cwrap('dispose_data', null, ['number']),
          dispose: module.cwrap('dispose', null, []),
        };
        const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
        // The pool's threads run for the life of the process, and Emscripten keeps a reference to each worker
        // that runs one, so Node would never exit; they hold no work of their own once the main thread is done.
        for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
        return backend;
      },
      WASM_PRIORITY,
    );
  }
  registered = true;
  setThreadsCount(threads);
}
