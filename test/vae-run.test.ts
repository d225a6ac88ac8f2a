/**
 * End-to-end runs of the VAE family through the CLI and the run functions: the files a run writes, resuming a run
 * killed mid-epoch, the NaN guard, a flat tensor count across epochs, and one-line errors on bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { cli } from './cli.js';
import { loadMnist } from '../src/data/mnist.js';
import { subset } from '../src/data/dataset.js';
import { resolveVaeConfig } from '../src/families/vae/config.js';
import { vaeFamily } from '../src/families/vae/index.js';
import { VAE } from '../src/families/vae/model.js';
import { trainSteps } from '../src/train/trainer.js';
import { loadRunCheckpoint } from '../src/train/run-checkpoint.js';
import { loadRun, startRun } from '../src/train/run.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-vae-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SMALL = ['--limit', '600', '--hidden', '64', '--batch-size', '100'];

describe('latentlab train vae', () => {
  const dir = join(root, 'vae2d');

  it('writes the config, checkpoint, metrics, summary and pictures, and names them', async () => {
    const { code, out } = await cli([
      'train',
      'vae',
      '--out',
      dir,
      '--epochs',
      '2',
      '--latent',
      '2',
      ...SMALL,
    ]);
    expect(code).toBe(0);
    for (const f of [
      'config.json',
      'checkpoint/config.json',
      'checkpoint/weights.safetensors',
      'checkpoint/optimizer.safetensors',
      'metrics.jsonl',
      'summary.json',
      'samples.png',
      'reconstructions.png',
      'latent.png',
      'manifold.png',
      'interpolation.png',
      'curves.png',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      if (f.endsWith('.png')) expect(out).toContain(join(dir, f));
    }
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, number>);
    expect(first.epoch).toBe(1);
    expect(second.step).toBe(12); // 600 examples in batches of 100, twice
    expect(second.elbo).toBeGreaterThan(first.elbo); // training improves the ELBO
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary.test_elbo).toBe(second.test_elbo);
    expect(summary.test_active_units).toBeGreaterThanOrEqual(1);
    expect(summary).toMatchObject({ family: 'vae', kind: 'vae', data: 'mnist', train_n: 600, test_n: 1000 });
  });

  it('eval prints the test metrics as JSON, with the IW log-likelihood above the ELBO', async () => {
    const { code, out } = await cli(['eval', dir, '--iw', '20']);
    expect(code).toBe(0);
    const metrics = JSON.parse(out) as Record<string, number>;
    for (const key of ['test_elbo', 'test_reconstruction', 'test_kl', 'test_iw_loglik', 'test_active_units'])
      expect(metrics[key], key).toBeTypeOf('number');
    expect(metrics.test_iw_loglik).toBeGreaterThan(metrics.test_elbo);
    expect(metrics.test_elbo).toBeCloseTo(metrics.test_reconstruction - metrics.test_kl, 2); // float32 sums
  });

  it('sample and interpolate write PNGs', async () => {
    const samples = join(root, 'out', 's.png');
    const strip = join(root, 'out', 'i.png');
    expect((await cli(['sample', dir, '-n', '9', '-o', samples])).code).toBe(0);
    expect((await cli(['interpolate', dir, '-o', strip, '--pairs', '2', '--steps', '5'])).code).toBe(0);
    for (const f of [samples, strip]) expect(readFileSync(f).subarray(1, 4).toString()).toBe('PNG');
  });

  it('probe scores the latent codes by 1-NN and a linear probe, and without a run the pixels', async () => {
    const codes = await cli(['probe', dir, '--limit', '1000']);
    expect(codes.code, codes.err).toBe(0);
    const probed = JSON.parse(codes.out) as Record<string, number | string>;
    expect(probed).toMatchObject({
      features: 'latent codes of vae',
      data: 'mnist',
      dimension: 2,
      train: 1000,
    });
    // Chance is 0.1, give or take 0.01 on 1,000 test digits: even two latent dimensions of this VAE, trained for
    // two epochs on 600 digits, separate some of the classes.
    expect(probed.knn_accuracy).toBeGreaterThan(0.15);
    expect(probed.linear_probe_accuracy).toBeGreaterThan(0.15);
    const pixels = JSON.parse((await cli(['probe', '--limit', '1000'])).out) as Record<string, number>;
    expect(pixels).toMatchObject({ features: 'raw examples', dimension: 784, test: 1000 });
    expect(pixels.knn_accuracy).toBeGreaterThan(0.8);
    expect(pixels.linear_probe_accuracy).toBeGreaterThan(0.75);
    const unlabelled = await cli(['probe', '--data', 'ring8']);
    expect(unlabelled.code).not.toBe(0);
    expect(unlabelled.err).toMatch(/--data must be labelled for the probes/);
  }, 60_000);
});

describe('bad input gives one line and a non-zero exit, and leaves no output', () => {
  const corrupt = join(root, 'corrupt-idx');
  mkdirSync(corrupt, { recursive: true });
  const header = (magic: number, dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  // Images that claim 10 28x28 images but hold 5 bytes; labels fine.
  writeFileSync(
    join(corrupt, 'train-images-idx3-ubyte.gz'),
    gzipSync(Buffer.concat([header(0x803, [10, 28, 28]), Buffer.alloc(5)])),
  );
  writeFileSync(
    join(corrupt, 'train-labels-idx1-ubyte'),
    Buffer.concat([header(0x801, [10]), Buffer.alloc(10)]),
  );
  writeFileSync(
    join(corrupt, 't10k-images-idx3-ubyte'),
    Buffer.concat([header(0x803, [1, 28, 28]), Buffer.alloc(784)]),
  );
  writeFileSync(
    join(corrupt, 't10k-labels-idx1-ubyte'),
    Buffer.concat([header(0x801, [1]), Buffer.alloc(1)]),
  );
  const badMagic = join(root, 'bad-magic');
  mkdirSync(badMagic, { recursive: true });
  for (const [name, bytes] of [
    ['train-images-idx3-ubyte', Buffer.concat([header(0xa03, [1, 28, 28]), Buffer.alloc(784)])],
    ['train-labels-idx1-ubyte', Buffer.concat([header(0x801, [1]), Buffer.alloc(1)])],
    ['t10k-images-idx3-ubyte', Buffer.concat([header(0x803, [1, 28, 28]), Buffer.alloc(784)])],
    ['t10k-labels-idx1-ubyte', Buffer.concat([header(0x801, [1]), Buffer.alloc(1)])],
  ] as const)
    writeFileSync(join(badMagic, name), bytes);

  it.each([
    ['an unknown model', ['train', 'gan9'], "unknown kind 'gan9' for train"],
    ['an unknown data set', ['train', 'vae', '--data', 'cifar'], "unknown data set 'cifar'"],
    ['a missing IDX directory', ['train', 'vae', '--data', 'idx:/nonexistent/dir'], '/nonexistent/dir'],
    ['a truncated IDX file', ['train', 'vae', '--data', `idx:${corrupt}`], 'truncated'],
    ['a wrong IDX magic number', ['train', 'vae', '--data', `idx:${badMagic}`], 'bad IDX magic number'],
    ['negative epochs', ['train', 'vae', '--epochs', '-2'], "expected a positive integer, got '-2'"],
    [
      'non-numeric batch size',
      ['train', 'vae', '--batch-size', 'lots'],
      "expected a positive integer at most 65536, got 'lots'",
    ],
    ['a negative beta', ['train', 'beta-vae', '--beta', '-1'], "expected a number >= 0, got '-1'"],
    ['a bad hidden list', ['train', 'vae', '--hidden', '400,,2'], 'comma-separated positive integers'],
    ['an unknown likelihood', ['train', 'vae', '--likelihood', 'poisson'], "argument 'poisson' is invalid"],
    [
      'an IWAE with K = 1',
      ['train', 'iwae', '--iw-samples', '1'],
      "expected an integer >= 2 and at most 100000, got '1'",
    ],
    [
      'a Bernoulli decoder on real numbers',
      ['train', 'vae', '--data', 'moons', '--likelihood', 'bernoulli'],
      '--likelihood bernoulli binarizes the data, and moons-train holds real-valued vectors',
    ],
    [
      'convolutions on vectors',
      ['train', 'vae', '--data', 'moons', '--architecture', 'conv'],
      '--architecture conv needs images',
    ],
    ['a CVAE on unlabelled data', ['train', 'cvae', '--data', 'moons'], 'has no labels'],
    ['a hidden width that cannot fit', ['train', 'vae', '--hidden', '200000'], 'each at most 16384'],
    [
      'layers too wide for memory together',
      ['train', 'vae', '--hidden', '16384,16384,16384'],
      "16.4 GiB with their gradients and Adam's moments, more than the 4 GiB this engine can hold; make it smaller (--hidden)",
    ],
  ])('%s', async (_name, args, message) => {
    const out = join(root, `bad-${_name.replace(/\W+/g, '-')}`);
    const { code, err } = await cli([...args, '--out', out]);
    expect(code).not.toBe(0);
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a checkpoint whose weights do not match its config', async () => {
    const dir = join(root, 'mismatch');
    expect(
      (await cli(['train', 'vae', '--out', dir, '--epochs', '1', '--latent', '3', ...SMALL, '--no-pictures']))
        .code,
    ).toBe(0);
    const configPath = join(dir, 'checkpoint', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, latent: 4 }));
    const { code, err } = await cli(['eval', dir]);
    expect(code).toBe(1);
    expect(err).toMatch(
      /weights\.safetensors: encoder\.loc\.kernel has shape \[64,3\] but the model expects \[64,4\]/,
    );
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an --out that holds an earlier run, pointing to --resume', async () => {
    const { code, err } = await cli(['train', 'vae', '--out', join(root, 'vae2d')]);
    expect(code).toBe(1);
    expect(err).toContain(`--out ${join(root, 'vae2d')} is not empty; continue that run with --resume`);
  });
});

/** Start the CLI in a child process; resolves with its exit code or signal. */
function spawnCli(args: string[], onStart?: (kill: () => void) => void) {
  return new Promise<{ code: number | null; signal: string | null; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: 'pipe' });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, err }));
    onStart?.(() => child.kill('SIGKILL'));
  });
}

describe('a run killed mid-epoch', () => {
  it('resumes from its last checkpoint and ends with the weights of an uninterrupted run', async () => {
    const args = [
      'train',
      'vae',
      '--epochs',
      '3',
      '--limit',
      '3000',
      '--hidden',
      '64',
      '--no-pictures',
      '--seed',
      '5',
    ];
    const whole = join(root, 'whole');
    const killed = join(root, 'killed');
    expect((await cli([...args, '--out', whole])).code).toBe(0);

    const run = await spawnCli([...args, '--out', killed], (kill) => {
      // Kill it once the first epoch's checkpoint exists: the second epoch is then under way.
      const timer = setInterval(() => {
        if (existsSync(join(killed, 'checkpoint', 'state.json'))) {
          clearInterval(timer);
          setTimeout(kill, 300);
        }
      }, 20);
    });
    expect(run.signal).toBe('SIGKILL');
    const before = await loadRunCheckpoint(killed);
    expect(before.state?.epoch).toBeLessThan(3);

    const resumed = await cli(['train', 'vae', '--resume', killed]);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`resuming after epoch ${before.state?.epoch} of 3`);
    const a = await loadRunCheckpoint(whole);
    const b = await loadRunCheckpoint(killed);
    expect(b.state?.epoch).toBe(3);
    const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
    for (const [name, w] of a.weights)
      expect(bytes(b.weights.get(name)!.data).equals(bytes(w.data)), name).toBe(true);
    expect(readFileSync(join(killed, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  }, 120_000);
});

describe('the trainer', () => {
  const data = subset(
    loadMnist().train,
    Array.from({ length: 256 }, (_, i) => i),
  );
  const tiny = () => new VAE(resolveVaeConfig('vae', { inputShape: [28, 28, 1], latent: 2, hidden: [16] }));

  it('stops on a NaN loss, naming the loss, and the run keeps its last good checkpoint', async () => {
    const dir = join(root, 'nan');
    let calls = 0;
    const poisoned = {
      ...vaeFamily,
      trainStep: (
        model: VAE,
        batch: Parameters<typeof vaeFamily.trainStep>[1],
        context: Parameters<typeof vaeFamily.trainStep>[2],
      ) => {
        const parts = vaeFamily.trainStep(model, batch, context);
        return context.epoch === 1 && ++calls > 1 ? { ...parts, kl: NaN } : parts;
      },
    };
    const quiet = { progress: { stream: { write: () => true } }, pictures: false };
    await expect(
      startRun(
        {
          family: poisoned,
          kind: 'vae',
          out: dir,
          options: { limit: 256, hidden: [16], latent: 2, batchSize: 64, epochs: 3 },
        },
        quiet,
      ),
    ).rejects.toThrow(
      /the loss 'kl' became NaN at epoch 2, batch 2 \(step 6\); the last good checkpoint \(epoch 1\) is kept in/,
    );
    const kept = await loadRunCheckpoint(dir);
    expect(kept.state?.epoch).toBe(1);
    // The checkpoint holds the weights as they were after epoch 1, loadable into a fresh model.
    const { model } = await loadRun(dir);
    expect((model as VAE).optimizer.step).toBe(0); // loading restores the weights; resuming restores Adam
    model.dispose();
    await expect(
      trainSteps(data, () => ({ loss: NaN }), { epochs: 1, batchSize: 64, seed: 0 }),
    ).rejects.toThrow("the loss 'loss' became NaN at epoch 1, batch 1 (step 1)");
  });

  it('stops after steps steps, within an epoch, recording that epoch', async () => {
    const vae = tiny();
    const before = tf.memory().numTensors;
    const result = await trainSteps(data, (batch, ctx) => vae.trainStep(batch, { seed: ctx.seed }), {
      epochs: 3,
      batchSize: 64,
      seed: 0,
      steps: 6, // 4 batches per epoch
    });
    expect(result.steps).toBe(6);
    expect(result.history.map((r) => r.step)).toEqual([4, 6]);
    vae.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('averages each part over the steps that reported it', async () => {
    const result = await trainSteps(
      data,
      (_batch, ctx): Record<string, number> => (ctx.step % 2 === 0 ? { loss: 1, d: 2 } : { loss: 3 }),
      {
        epochs: 1,
        batchSize: 64,
        seed: 0,
      },
    );
    expect(result.history[0]).toMatchObject({ loss: 2, d: 2 });
  });

  it('a mixture prior, a CVAE and an IWAE each train and improve through the run lifecycle', async () => {
    for (const [kind, options] of [
      ['vae', { prior: 'mixture', latent: 2 }],
      ['cvae', { latent: 2 }],
      ['iwae', { latent: 2, iwSamples: 3 }],
    ] as const) {
      const out = join(root, `family-${kind}-${'prior' in options ? 'mix' : ''}`);
      const result = await startRun(
        {
          family: vaeFamily,
          kind,
          out,
          options: { hidden: [32], ...options, epochs: 2, batchSize: 100, limit: 500 },
        },
        { pictures: kind === 'cvae', progress: { stream: { write: () => true } } },
      );
      const [e1, e2] = result.history;
      expect(e2.elbo, kind).toBeGreaterThan(e1.elbo);
      expect(Number.isFinite(result.summary.test_elbo as number)).toBe(true);
    }
  }, 60_000);
});
