#!/usr/bin/env node
import { useEngineFromEnvironment } from '../engine/node-engine.js';
import { abandonRunDirectories } from '../train/run-directory.js';
import { runCli } from './program.js';

// Interrupted, a run that has no checkpoint yet leaves nothing behind, and one that has gives its lock up.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    abandonRunDirectories();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

// LATENTLAB_THREADS, LATENTLAB_NATIVE and LATENTLAB_NATIVE_THREADS choose the engine (engine/node-engine.ts).
try {
  useEngineFromEnvironment();
} catch (e) {
  process.stderr.write(`latentlab: ${(e as Error).message}\n`);
  process.exit(2);
}

process.exitCode = await runCli(process.argv.slice(2));
