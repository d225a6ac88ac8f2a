// Loaded before every test file: picks the engine as the command line does (the native matrix product where it was
// built; LATENTLAB_NATIVE=0: the wasm kernels) and registers the `toBeAllClose` matcher.
import { beforeAll, expect } from 'vitest';
import { initEngine } from '../src/engine/backend.js';
import { useEngineFromEnvironment } from '../src/engine/node-engine.js';
import { allCloseMatcher } from './helpers.js';

expect.extend({ toBeAllClose: allCloseMatcher });

beforeAll(async () => {
  useEngineFromEnvironment();
  await initEngine();
});
