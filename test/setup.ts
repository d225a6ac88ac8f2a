// Loaded before every test file: picks the backend once and registers the `toBeAllClose` matcher.
import { beforeAll, expect } from 'vitest';
import { initEngine } from '../src/engine/backend.js';
import { allCloseMatcher } from './helpers.js';

expect.extend({ toBeAllClose: allCloseMatcher });

beforeAll(async () => {
  await initEngine();
});
