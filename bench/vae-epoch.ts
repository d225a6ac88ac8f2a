/**
 * Benchmark `vae-epoch`: the AEVB VAE trained on Fashion-MNIST for a few epochs, end to end, with latentlab used as a
 * user would use it (`loadDataset`, `VAE`, `trainSteps` with `vaeFamily.trainStep`, `evaluateVae`) against PyTorch
 * (`vae_torch.py`) in the same run.
 *
 * Both sides: 784-400-20 ReLU MLP, Bernoulli decoder, analytic KL (SGVB estimator B, L = 1), Adam 1e-3, batches of
 * 128 dynamically binarized training images; then the test ELBO and the IW-100 log-likelihood on all 10,000 test
 * images, binarized once with a fixed seed. Reported for each side: seconds per epoch (the median of the epochs after
 * the first, as the peer reports it), peak memory (resident set size), test ELBO and IW-100 log-likelihood; targets:
 * latentlab's epoch at most {@link MAX_EPOCH_RATIO} times the peer's, and both metrics within {@link MAX_GAP_NATS}
 * nat of the peer's (the signed gaps, latentlab - peer, are in the notes and the results file).
 *
 * The peer is timed twice, before and after latentlab, and the faster of its two runs is the one compared: its two
 * threads suffer more from other load on a shared machine than latentlab's one, which would flatter the ratio.
 *
 * Epochs: `LATENTLAB_BENCH_EPOCHS` (default 3) sets them for both sides; `--steps` does not apply (an epoch is
 * 469 steps). The peer's peak memory is the "Maximum resident set size" of GNU `/usr/bin/time -v` when that program
 * exists; latentlab's is the largest `process.memoryUsage().rss` sampled after every step and evaluation batch
 * (the wasm heap holding the tensors is part of it; the largest `tf.memory().numBytes` is recorded beside it).
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114;
 * Y. Burda, R. Grosse and R. Salakhutdinov, "Importance Weighted Autoencoders", 2016, https://arxiv.org/abs/1509.00519
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/engine/tf.js';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import type { TrainTestSplit } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/registry.js';
import { resolveVaeConfig } from '../src/families/vae/config.js';
import { evaluateVae } from '../src/families/vae/evaluate.js';
import { vaeFamily } from '../src/families/vae/index.js';
import { VAE } from '../src/families/vae/model.js';
import { trainSteps } from '../src/train/trainer.js';
import { ratio, UsageError, type Benchmark, type BenchContext, type Target } from './harness.js';
import { peerNumber, peersDir, pythonPath, runPeer, type PeerOutput } from './peer.js';
import { median } from './timing.js';

const PEER = 'vae_torch.py';
/** Where the peer reads the IDX files; latentlab's `loadDataset('fashion-mnist')` looks here first. */
const IDX_DIR = '/usr/share/datasets/fashion-mnist';
const GNU_TIME = '/usr/bin/time';
const BATCH = 128;
const IW_SAMPLES = 100;
/** The seed of the weights and of the batch order and step draws. */
const SEED = 0;
/** The seed of the test images' binarization and the evaluation's batch: `evaluateVae`'s defaults, written out. */
const EVAL_SEED = 1;
const EVAL_BATCH = 500;
export const DEFAULT_EPOCHS = 3;
/** latentlab's seconds per epoch should be at most this many times PyTorch's (the speed issue's target). */
export const MAX_EPOCH_RATIO = 2.5;
/** latentlab's test ELBO and IW log-likelihood should be within this many nats of PyTorch's. */
export const MAX_GAP_NATS = 1;

/** Fashion-MNIST as `loadDataset('fashion-mnist')` gives it, with its test part (which a named data set has). */
export function fashionMnistSplit(): TrainTestSplit {
  const split = loadDataset('fashion-mnist');
  if (split.test === null) throw new Error(`${split.name}: loadDataset gave no test images`);
  return { ...split, test: split.test };
}

/** The epochs to train: `LATENTLAB_BENCH_EPOCHS` (a positive integer), else {@link DEFAULT_EPOCHS}. */
export function benchEpochs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LATENTLAB_BENCH_EPOCHS;
  if (text === undefined || text === '') return DEFAULT_EPOCHS;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`LATENTLAB_BENCH_EPOCHS: expected a positive integer, got '${text}'`);
  return n;
}

/** Seconds per epoch as the peer reports it: the median of the epochs after the first (the only one if just one). */
export function secondsPerEpoch(seconds: readonly number[]): number {
  return median(seconds.length > 1 ? seconds.slice(1) : seconds);
}

/** The bytes of "Maximum resident set size (kbytes): N" in the output of GNU `time -v`; undefined without it. */
export function parseMaxRss(timeOutput: string): number | undefined {
  const match = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(timeOutput);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** `text` quoted for a POSIX shell: in single quotes, each `'` written as `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The signed gap `latentlab - peer` and whether it is within `tolerance`, as a {@link Target}. */
export function gapTarget(what: string, latentlab: number, peer: number, tolerance = MAX_GAP_NATS): Target {
  const gap = latentlab - peer;
  const signed = `${gap >= 0 ? '+' : ''}${gap.toFixed(2)}`;
  return {
    description:
      `${what} within ${tolerance} nat of the peer (latentlab - peer = ${signed} nats: ` +
      `${latentlab.toFixed(2)} vs ${peer.toFixed(2)})`,
    met: Math.abs(gap) <= tolerance,
  };
}

const MiB = (bytes: number | undefined) =>
  bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The peer's output, its wall time, and its peak resident set size when GNU time could measure it. */
async function runMeasuredPeer(
  args: string[],
  context: BenchContext,
): Promise<{ output: PeerOutput; wallSeconds: number; peakRss?: number }> {
  const python = pythonPath();
  const started = performance.now();
  if (!existsSync(GNU_TIME) || !existsSync(python)) {
    // Without GNU time, no memory figure; the harness's own runner explains a missing Python.
    const output = await context.peer(PEER, args);
    return { output, wallSeconds: (performance.now() - started) / 1000 };
  }
  // A stand-in "python" that runs the real one under GNU time, which writes its report to a file of its own (so
  // the peer's stderr, which the runner reads for missing modules, is unchanged).
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-vae-epoch-'));
  try {
    const report = join(dir, 'time.txt');
    const wrapper = join(dir, 'python');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec ${GNU_TIME} -v -o ${shellQuote(report)} ${shellQuote(python)} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const output = await runPeer(PEER, args, { dir: peersDir(), python: wrapper });
    const wallSeconds = (performance.now() - started) / 1000;
    return { output, wallSeconds, peakRss: parseMaxRss(readFileSync(report, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest resident set and tensor bytes seen by the samples taken so far. */
class MemoryPeak {
  rss = 0;
  tensorBytes = 0;
  sample(): void {
    this.rss = Math.max(this.rss, process.memoryUsage.rss());
    this.tensorBytes = Math.max(this.tensorBytes, tf.memory().numBytes);
  }
}

/** The kernel's own high-water mark of this process's resident set (Linux), for cross-checking the samples. */
function vmHwm(): number | undefined {
  try {
    const match = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

interface LatentlabRun {
  epochSeconds: number[];
  losses: number[];
  evalSeconds: number;
  loadSeconds: number;
  elbo: number;
  iwLogLikelihood: number;
  activeUnits: number;
  peak: MemoryPeak;
  /** The largest sampled resident set before the evaluation started. */
  trainingPeakRss: number;
  vmHwm?: number;
}

async function trainLatentlab(epochs: number, log: (message: string) => void): Promise<LatentlabRun> {
  const peak = new MemoryPeak();
  const loadStart = performance.now();
  const split = fashionMnistSplit();
  const loadSeconds = (performance.now() - loadStart) / 1000;
  peak.sample();
  const vae = new VAE(
    resolveVaeConfig('vae', {
      inputShape: [28, 28, 1],
      latent: 20,
      hidden: [400],
      activation: 'relu',
      likelihood: 'bernoulli',
      estimator: 'analytic-kl',
      learningRate: 1e-3,
      seed: SEED,
    }),
  );
  try {
    const { history } = await trainSteps(split.train, (batch, ctx) => vaeFamily.trainStep(vae, batch, ctx), {
      epochs,
      batchSize: BATCH,
      seed: SEED,
      callbacks: [
        {
          onBatchEnd: () => peak.sample(),
          onEpochEnd: (r) =>
            log(
              `vae-epoch: latentlab epoch ${r.epoch}/${epochs}: ${r.seconds.toFixed(1)} s, ` +
                `training ELBO ${(-r.loss).toFixed(1)}`,
            ),
        },
      ],
    });
    const trainingPeakRss = peak.rss;
    log(`vae-epoch: latentlab: test ELBO and IW-${IW_SAMPLES} log-likelihood on ${split.test.n} images`);
    const evalStart = performance.now();
    const metrics = evaluateVae(vae, split.test, {
      seed: EVAL_SEED,
      batchSize: EVAL_BATCH,
      iwSamples: IW_SAMPLES,
      onProgress: () => peak.sample(),
    });
    const evalSeconds = (performance.now() - evalStart) / 1000;
    if (metrics.iwLogLikelihood === undefined)
      throw new Error('vae-epoch: evaluateVae gave no IW log-likelihood');
    return {
      epochSeconds: history.map((r) => r.seconds),
      losses: history.map((r) => r.loss),
      evalSeconds,
      loadSeconds,
      elbo: metrics.elbo,
      iwLogLikelihood: metrics.iwLogLikelihood,
      activeUnits: metrics.activeUnits,
      peak,
      trainingPeakRss,
      vmHwm: vmHwm(),
    };
  } finally {
    vae.dispose();
  }
}

export const vaeEpoch: Benchmark = {
  name: 'vae-epoch',
  description:
    'the AEVB VAE trained on Fashion-MNIST (784-400-20, Bernoulli, analytic KL, Adam, batch 128) for ' +
    `LATENTLAB_BENCH_EPOCHS epochs (default ${DEFAULT_EPOCHS}), then test ELBO and IW-${IW_SAMPLES}: PyTorch, latentlab`,
  async run(context) {
    const { log } = context;
    const epochs = benchEpochs();
    await initEngine();
    const args = ['--idx', IDX_DIR, '--epochs', String(epochs), '--iw', String(IW_SAMPLES)];
    const loadBefore = { peer: loadavg(), latentlab: [0, 0, 0] };

    log(`vae-epoch: PyTorch, ${epochs} epochs and IW-${IW_SAMPLES} evaluation`);
    const peer = await runMeasuredPeer(args, context);
    const peerFirstSeconds = peerNumber(peer.output, 's_per_epoch', PEER);
    const peerElbo = peerNumber(peer.output, 'test_elbo', PEER);
    const peerIw = peerNumber(peer.output, 'test_iw_loglik', PEER);
    log(
      `vae-epoch: PyTorch: ${peerFirstSeconds.toFixed(2)} s per epoch, test ELBO ${peerElbo.toFixed(2)}, ` +
        `IW-${IW_SAMPLES} ${peerIw.toFixed(2)}, peak RSS ${MiB(peer.peakRss)}, ${peer.wallSeconds.toFixed(0)} s in all`,
    );

    loadBefore.latentlab = loadavg();
    log(`vae-epoch: latentlab (${engineInfo().backend}), ${epochs} epochs`);
    const started = performance.now();
    const ours = await trainLatentlab(epochs, log);
    const wallSeconds = (performance.now() - started) / 1000;
    const ourSeconds = secondsPerEpoch(ours.epochSeconds);
    log(
      `vae-epoch: latentlab: ${ourSeconds.toFixed(2)} s per epoch, test ELBO ${ours.elbo.toFixed(2)}, ` +
        `IW-${IW_SAMPLES} ${ours.iwLogLikelihood.toFixed(2)}, peak RSS ${MiB(ours.peak.rss)} ` +
        `(training ${MiB(ours.trainingPeakRss)}, tensors ${MiB(ours.peak.tensorBytes)}), evaluation ${ours.evalSeconds.toFixed(0)} s`,
    );

    // PyTorch's two threads suffer more from other load on a shared machine than latentlab's one: time it again,
    // after latentlab, and compare with the faster of its two runs, so that load never flatters the ratio.
    log(`vae-epoch: PyTorch again, for its timing (${epochs} epochs, no IW evaluation)`);
    const again = await context.peer(PEER, ['--idx', IDX_DIR, '--epochs', String(epochs), '--iw', '0']);
    const peerSecondRunSeconds = peerNumber(again, 's_per_epoch', PEER);
    const peerSeconds = Math.min(peerFirstSeconds, peerSecondRunSeconds);
    log(
      `vae-epoch: PyTorch: ${peerFirstSeconds.toFixed(2)} and ${peerSecondRunSeconds.toFixed(2)} s per epoch`,
    );
    const epochRatio = ratio(ourSeconds, peerSeconds) ?? Infinity;
    const memoryRatio = peer.peakRss === undefined ? undefined : ratio(ours.peak.rss, peer.peakRss);
    const targets: Target[] = [
      {
        description: `s/epoch <= ${MAX_EPOCH_RATIO}x the peer (${epochRatio.toFixed(2)}x)`,
        met: epochRatio <= MAX_EPOCH_RATIO,
      },
      gapTarget('test ELBO', ours.elbo, peerElbo),
      gapTarget(`IW-${IW_SAMPLES} log-likelihood`, ours.iwLogLikelihood, peerIw),
    ];
    return {
      unit: 's',
      latentlab: ourSeconds,
      peer: peerSeconds,
      peerName: typeof peer.output.peer === 'string' ? peer.output.peer : PEER,
      columns: memoryRatio === undefined ? [] : [{ label: 'peak RSS', value: memoryRatio, unit: 'x' }],
      targets,
      raw: {
        epochs,
        batchSize: BATCH,
        iwSamples: IW_SAMPLES,
        data: IDX_DIR,
        loadAverageBefore: loadBefore,
        latentlab: {
          secondsPerEpoch: ourSeconds,
          epochSeconds: ours.epochSeconds,
          trainingLoss: ours.losses,
          testElbo: ours.elbo,
          testIwLogLikelihood: ours.iwLogLikelihood,
          activeUnits: ours.activeUnits,
          evaluationSeconds: ours.evalSeconds,
          loadSeconds: ours.loadSeconds,
          wallSeconds,
          peakRssBytes: ours.peak.rss,
          peakRssTrainingBytes: ours.trainingPeakRss,
          peakTensorBytes: ours.peak.tensorBytes,
          vmHwmBytes: ours.vmHwm ?? null,
        },
        peer: {
          secondsPerEpoch: peerSeconds,
          secondsPerEpochRuns: [peerFirstSeconds, peerSecondRunSeconds],
          testElbo: peerElbo,
          testIwLogLikelihood: peerIw,
          peakRssBytes: peer.peakRss ?? null,
          wallSeconds: peer.wallSeconds,
          output: peer.output,
        },
        ratios: {
          secondsPerEpoch: epochRatio,
          peakRss: memoryRatio ?? null,
          elboGap: ours.elbo - peerElbo,
          iwGap: ours.iwLogLikelihood - peerIw,
        },
      },
    };
  },
};
