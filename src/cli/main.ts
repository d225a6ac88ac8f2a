#!/usr/bin/env node
import {
  nativeFromEnvironment,
  nativeThreadsFromEnvironment,
  useNativeKernels,
} from '../engine/native-kernels.js';
import { threadsFromEnvironment, useThreadedWasm } from '../engine/threaded-wasm.js';
import { abandonRunDirectories } from '../train/run-directory.js';
import { runCli } from './program.js';

// Interrupted, a run that has no checkpoint yet leaves nothing behind, and one that has gives its lock up.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    abandonRunDirectories();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

// LATENTLAB_THREADS=N: the wasm backend's multi-threaded build with N threads (see engine/threaded-wasm.ts).
// Otherwise the native matrix product where it was built, unless LATENTLAB_NATIVE=0, on LATENTLAB_NATIVE_THREADS
// threads (default: the cores, at most 8; see engine/native-kernels.ts).
try {
  const threads = threadsFromEnvironment();
  if (threads !== undefined) useThreadedWasm(threads);
  else if (nativeFromEnvironment()) useNativeKernels({ threads: nativeThreadsFromEnvironment() });
} catch (e) {
  process.stderr.write(`latentlab: ${(e as Error).message}\n`);
  process.exit(2);
}

process.exitCode = await runCli(process.argv.slice(2));
