#!/usr/bin/env node
import { abandonRunDirectories } from '../train/run-directory.js';
import { runCli } from './program.js';

// Interrupted, a run that has no checkpoint yet leaves nothing behind, and one that has gives its lock up.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    abandonRunDirectories();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });

process.exitCode = await runCli(process.argv.slice(2));
