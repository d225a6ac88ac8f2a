// Smoke test of the README's "Adding a model family": a family defined outside the library trains, checkpoints
// and loads through the shared run lifecycle, and fits two moons about as well as a Gaussian can.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCustomFamily } from './custom-family.js';

it('a diagonal Gaussian family trains, and its loaded checkpoint scores the test set as the summary says', async () => {
  const root = mkdtempSync(join(tmpdir(), 'latentlab-custom-family-'));
  try {
    const r = await runCustomFamily(join(root, 'gaussian'));
    expect(r.loadedLoglik).toBe(r.testLoglik);
    // Two moons have a per-axis spread of about (0.87, 0.5): the best diagonal Gaussian scores about -2.2 nats.
    expect(r.testLoglik).toBeGreaterThan(-2.6);
    expect(r.testLoglik).toBeLessThan(-1.8);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 60_000);
