/**
 * The scikit-learn-like methods of the AEVB notes on latentlab's VAE: `partialFit` batch by batch, then `cost`,
 * `transform`, `reconstruct` and `generate`. The README's library example, as a program the tests run.
 *
 * Run: npx tsx examples/vae-methods.ts [epochs]
 */
import { fileURLToPath } from 'node:url';
import { initEngine, tf, VAE, resolveVaeConfig, batches } from '../src/index.js';
import { loadDataset } from '../src/node.js';

export interface MethodsResult {
  costBefore: number;
  costAfter: number;
  latentShape: number[];
  reconstructionShape: number[];
  generatedShape: number[];
}

/** Train a 2-D VAE on MNIST for `epochs` with partialFit and report the held-out cost before and after. */
export async function runMethodsExample(epochs = 1, limit?: number): Promise<MethodsResult> {
  await initEngine();
  const { train, test } = loadDataset('mnist');
  if (test === null) throw new Error('the MNIST split has no test part');
  const vae = new VAE(resolveVaeConfig('vae', { inputShape: [28, 28, 1], latent: 2 }));
  const first = batches(test, { batchSize: 500, shuffle: false }).next();
  if (first.done) throw new Error('the MNIST test set is empty');
  const x = first.value.x; // 500 held-out digits
  const costBefore = vae.cost(x, { seed: 1 });
  let seen = 0;
  for (let epoch = 0; epoch < epochs; epoch++)
    for (const batch of batches(train, { batchSize: 128, seed: 0, epoch })) {
      if (limit === undefined || seen < limit) vae.partialFit(batch.x); // one Adam step
      seen += batch.x.shape[0];
      batch.x.dispose(); // tensors are freed explicitly (or inside tf.tidy)
      batch.labels?.dispose();
    }
  const costAfter = vae.cost(x, { seed: 1 }); // -ELBO per example
  const z = vae.transform(x); // posterior means E[z|x]
  const r = vae.reconstruct(x); // decoder means at those
  const g = vae.generate(); // a decoded draw from the prior
  const result = {
    costBefore,
    costAfter,
    latentShape: z.shape,
    reconstructionShape: r.shape,
    generatedShape: g.shape,
  };
  tf.dispose([x, z, r, g]);
  vae.dispose();
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runMethodsExample(Number(process.argv[2] ?? 1));
  console.log(`held-out -ELBO per digit: ${r.costBefore.toFixed(1)} before, ${r.costAfter.toFixed(1)} after`);
}
