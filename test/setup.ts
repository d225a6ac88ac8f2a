// Loaded before every test file: picks the backend once and registers the `toBeAllClose` matcher. The products run
// on the native matrix product where it was built, as the command line runs them (LATENTLAB_NATIVE=0: on wasm).
import { beforeAll, expect } from 'vitest';
import { initEngine } from '../src/engine/backend.js';
import {
  nativeFromEnvironment,
  nativeThreadsFromEnvironment,
  useNativeKernels,
} from '../src/engine/native-kernels.js';
import { allCloseMatcher } from './helpers.js';

expect.extend({ toBeAllClose: allCloseMatcher });

beforeAll(async () => {
  if (nativeFromEnvironment()) useNativeKernels({ threads: nativeThreadsFromEnvironment() });
  await initEngine();
});
