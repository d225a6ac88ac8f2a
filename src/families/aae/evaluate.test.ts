import { describe, expect, it } from 'vitest';
import * as tf from '../../engine/tf.js';
import { deriveSeed } from '../../engine/random.js';
import { batches, binarize } from '../../data/batches.js';
import { head } from '../../data/dataset.js';
import { loadDataset } from '../../data/registry.js';
import { resolveAaeConfig } from './config.js';
import { PRIOR_MMD_EXAMPLES } from '../../metrics/mmd.js';
import { evaluateAae } from './evaluate.js';
import { aaeFamily } from './index.js';
import { AdversarialAutoencoder } from './model.js';

const mnist = loadDataset('mnist');

function makeAae(seed = 4): AdversarialAutoencoder {
  return new AdversarialAutoencoder(
    resolveAaeConfig({ inputShape: [28, 28, 1], hidden: [32], discriminatorHidden: [16], seed }),
  );
}

describe('evaluateAae', () => {
  it('recon_bce and recon_mse are the binary cross-entropy per image and the squared error per pixel', () => {
    const aae = makeAae();
    const data = head(mnist.test!, 250);
    const seed = 8;
    const e = evaluateAae(aae, data, { seed, batchSize: 100 });
    // Recomputed in float64 from the logits of each batch's codes, binarized as the evaluation does.
    let bce = 0;
    let se = 0;
    for (const batch of batches(data, { batchSize: 100, shuffle: false })) {
      const xb = binarize(batch.x, deriveSeed(seed, 'binarize', batch.index)) as tf.Tensor2D;
      const [logits] = aae.decoder.parameterize(aae.encode(xb));
      const l = logits.dataSync();
      const b = xb.dataSync();
      const grey = batch.x.dataSync();
      for (let i = 0; i < l.length; i++) {
        const p = 1 / (1 + Math.exp(-l[i]));
        bce -= b[i] * Math.log(p) + (1 - b[i]) * Math.log(1 - p);
        se += (p - grey[i]) ** 2;
      }
      tf.dispose([batch.x, batch.labels ?? [], xb, logits]);
    }
    expect(e.n).toBe(250);
    expect(e.reconBce).toBeCloseTo(bce / 250, 2);
    expect(e.reconMse).toBeCloseTo(se / (250 * 784), 5);
    expect(e.divergence).toBeCloseTo((Math.log(4) - e.dLoss) / 2, 12);
    aae.dispose();
  });

  it('compares the codes of the first 2,000 images with the prior: more images change the losses, not the MMD', () => {
    const aae = makeAae();
    const first = head(mnist.train, PRIOR_MMD_EXAMPLES);
    const more = head(mnist.train, PRIOR_MMD_EXAMPLES + 700);
    const a = evaluateAae(aae, first, { seed: 3 });
    const b = evaluateAae(aae, more, { seed: 3 });
    expect(b.priorMmd).toBe(a.priorMmd);
    expect(b.reconBce).not.toBe(a.reconBce);
    // The untrained encoder's codes are nothing like N(0, I): the MMD sees it.
    expect(a.priorMmd!).toBeGreaterThan(0.05);
    aae.dispose();
  });

  it('is deterministic for a seed, and the family reports it under its keys', () => {
    const aae = makeAae();
    const data = head(mnist.test!, 120);
    const metrics = aaeFamily.evaluate(aae, data, { seed: 5 });
    expect(Object.keys(metrics)).toEqual([
      'recon_bce',
      'recon_mse',
      'prior_mmd',
      'd_loss',
      'divergence',
      'n',
    ]);
    expect(aaeFamily.evaluate(aae, data, { seed: 5 })).toEqual(metrics);
    expect(aaeFamily.evaluate(aae, data, { seed: 6 }).recon_bce).not.toBe(metrics.recon_bce);
    aae.dispose();
  });

  it('keeps the tensor count unchanged', () => {
    const aae = makeAae();
    const data = head(mnist.test!, 60);
    evaluateAae(aae, data, { seed: 1 });
    const before = tf.memory().numTensors;
    evaluateAae(aae, data, { seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    aae.dispose();
  });
});
