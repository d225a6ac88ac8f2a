/**
 * The engine that the environment asks for in Node, chosen in one place for the command line, the benchmarks and
 * the tests.
 */
import { nativeFromEnvironment, nativeThreadsFromEnvironment, useNativeKernels } from './native-kernels.js';
import { threadsFromEnvironment, useThreadedWasm } from './threaded-wasm.js';

/**
 * `LATENTLAB_THREADS=N`: the wasm backend's multi-threaded build with N threads (`threaded-wasm.ts`). Otherwise the
 * native matrix product where it was built, unless `LATENTLAB_NATIVE=0`, on `LATENTLAB_NATIVE_THREADS` threads
 * (default: the cores, at most 8; `native-kernels.ts`). Call it before `initEngine`; a malformed variable is an
 * error that names it, before anything is changed.
 *
 * @example
 * useEngineFromEnvironment(); // then: await initEngine();
 */
export function useEngineFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const threads = threadsFromEnvironment(env);
  const native = nativeFromEnvironment(env);
  const nativeThreads = nativeThreadsFromEnvironment(env);
  if (threads !== undefined) useThreadedWasm(threads);
  else if (native) useNativeKernels({ threads: nativeThreads });
}
