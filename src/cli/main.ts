#!/usr/bin/env node
import { useThreadedWasm } from '../engine/threaded-wasm.js';
import { abandonRunDirectories } from '../train/run-directory.js';
import { runCli } from './program.js';

// Interrupted, a run that has no checkpoint yet leaves nothing behind, and one that has gives its lock up.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    abandonRunDirectories();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

// LATENTLAB_THREADS=N: the wasm backend's multi-threaded build with N threads (see engine/threaded-wasm.ts).
const threads = process.env.LATENTLAB_THREADS;
if (threads !== undefined && threads !== '') {
  if (!/^[1-9][0-9]*$/.test(threads)) {
    process.stderr.write(`latentlab: LATENTLAB_THREADS must be a positive integer, got '${threads}'\n`);
    process.exit(2);
  }
  useThreadedWasm(Number(threads));
}

process.exitCode = await runCli(process.argv.slice(2));
