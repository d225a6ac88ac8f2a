// Smoke test of the README's library example: partialFit lowers the held-out cost, and the methods' shapes are right.
import { expect, it } from 'vitest';
import { runMethodsExample } from './vae-methods.js';

it('partialFit over a part of an epoch lowers the held-out -ELBO, and the methods return the documented shapes', async () => {
  const r = await runMethodsExample(1, 2000);
  expect(r.costBefore).toBeGreaterThan(500); // an untrained decoder: about 784 log 2 = 543 nats
  expect(r.costAfter).toBeLessThan(r.costBefore - 200);
  expect(r.latentShape).toEqual([500, 2]);
  expect(r.reconstructionShape).toEqual([500, 784]);
  expect(r.generatedShape).toEqual([1, 784]);
}, 60_000);
