/**
 * What InfoGAN reaches on the embedded MNIST with the paper's networks in PyTorch: runs `reference/infogan_torch.py`
 * (Chen et al.'s MNIST networks and schedule, see its docstring) on the 9,000 training digits of `loadMnist()`, for
 * each seed, and scores its samples as `latentlab train infogan` scores its own: 200 samples per value of the
 * categorical code, classified by the shipped MNIST classifier, and the code's accuracy under the best one-to-one
 * assignment of codes to classes (`codeAccuracy`). It answers whether a target on `code_accuracy` is within reach of
 * this data and budget at all, whatever the library.
 *
 *   npx tsx bench/infogan-reference.ts [--seeds 0,1,2] [--epochs 10]
 *
 * Prints one JSON line per seed and one with the mean. A seed took about 15 minutes with three running on 2 cores.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '../src/engine/tf.js';
import { initEngine } from '../src/engine/backend.js';
import { loadMnist } from '../src/data/mnist.js';
import { readClassifier, shippedClassifierPath } from '../src/metrics/node.js';
import { codeAccuracy } from '../src/metrics/sample-metrics.js';
import { pythonPath, REPO_ROOT, runPeer } from './peer.js';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '0' }, epochs: { type: 'string', default: '10' } },
});
const seeds = values.seeds.split(',').map(Number);
const epochs = Number(values.epochs);
if (seeds.some((s) => !Number.isInteger(s) || s < 0))
  throw new Error(`--seeds: expected integers >= 0, got ${values.seeds}`);
if (!Number.isInteger(epochs) || epochs < 1)
  throw new Error(`--epochs: expected a positive integer, got ${values.epochs}`);

await initEngine({ backend: 'wasm' });
const { classifier } = readClassifier(shippedClassifierPath('mnist'));
const dir = mkdtempSync(join(tmpdir(), 'latentlab-infogan-reference-'));
try {
  const { train } = loadMnist();
  const images = join(dir, 'train.f32');
  writeFileSync(
    images,
    new Uint8Array(train.values.buffer, train.values.byteOffset, train.values.byteLength),
  );
  const accuracies: number[] = [];
  for (const seed of seeds) {
    const out = join(dir, `samples-${seed}.f32`);
    const args = ['--images', images, '--out', out, '--seed', String(seed), '--epochs', String(epochs)];
    const result = await runPeer('infogan_torch.py', args, {
      dir: join(REPO_ROOT, 'bench/reference'),
      python: pythonPath(),
      timeoutMs: 3 * 3_600_000,
    });
    const { per_code: perCode, categories } = result as { per_code: number; categories: number };
    const bytes = readFileSync(out);
    const samples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const predicted = tf.tidy(() =>
      tf.argMax(classifier.logits(tf.tensor2d(samples, [perCode * categories, 784])), 1).dataSync(),
    );
    const codes = Array.from({ length: perCode * categories }, (_, i) => Math.floor(i / perCode));
    const accuracy = codeAccuracy(codes, predicted, 10);
    accuracies.push(accuracy);
    console.log(JSON.stringify({ seed, epochs, code_accuracy: accuracy, seconds: result.seconds }));
  }
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  console.log(JSON.stringify({ seeds, epochs, mean_code_accuracy: mean }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
