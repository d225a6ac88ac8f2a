/**
 * Benchmark `vae-step`: one AEVB training step, the unit of work of every VAE epoch, against PyTorch
 * (`vae_step_torch.py`) and against stock TensorFlow.js wasm (latentlab's engine without its matrix-product fix or
 * native product, with copying `Identity` and `Cast` kernels, and with Adam as separate ops instead of its SIMD
 * kernel).
 *
 * The model is the peer's: 784-400-20 ReLU MLP encoder and decoder, q(z|x) = N(mu, exp(logvar / 2)), a Bernoulli
 * decoder with logits, the analytic KL to N(0, 1), Adam with learning rate 1e-3, a batch of 128 random binary
 * images; the loss is (-sum log p(x|z) + sum KL) / 128. The time is the median over the timed steps (after 10
 * warm-up steps, reading the loss back each step as the peer's `loss.item()` does), taken in four alternating
 * rounds of PyTorch, latentlab, latentlab with its native product on one thread (where it runs on several) and
 * stock wasm.
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114
 */
import * as tf from '../src/engine/tf.js';
import { initEngine } from '../src/engine/backend.js';
import { registerWasmMatMulFix, restoreStockWasmMatMul } from '../src/engine/kernels.js';
import { registerWasmSharedCopies, restoreStockWasmCopies } from '../src/engine/shared-copies.js';
import { nativeKernelsInfo, useNativeKernels } from '../src/engine/native-kernels.js';
import { Random } from '../src/engine/random.js';
import { ADAM_KERNEL, registerWasmAdamKernel } from '../src/engine/adam-kernel.js';
import { Adam } from '../src/optim/adam.js';
import { Bernoulli } from '../src/distributions/bernoulli.js';
import { klDivergence } from '../src/distributions/kl.js';
import { Normal } from '../src/distributions/normal.js';
import { ratio, type Benchmark, type Column, type Target } from './harness.js';
import { peerNumber, type PeerOutput } from './peer.js';
import { median, timeSteps } from './timing.js';

const PEER = 'vae_step_torch.py';
const [D, H, Z, B] = [784, 400, 20, 128];
const WARMUP = 10;
/** latentlab's step should take at most this many times PyTorch's (the speed issue's target). */
export const MAX_RATIO = 2;
/** ... and be at least this many times faster than stock TF.js wasm. */
export const MIN_SPEEDUP = 4;

/** A seed for a TensorFlow.js random op; never 0, which `tf.randomNormal` takes to mean "unseeded". */
function seedFrom(rng: Random): number {
  return rng.nextUint32() >>> 1 || 1;
}

interface Linear {
  w: tf.Variable;
  b: tf.Variable;
}

/** A dense layer initialised as PyTorch's `nn.Linear`: weights and bias uniform on [-1/sqrt(in), 1/sqrt(in)]. */
function linear(fanIn: number, fanOut: number, rng: Random): Linear {
  const bound = 1 / Math.sqrt(fanIn);
  // In a tidy, so that the initial tensor (whose data the variable shares) is not left behind as a live tensor.
  const init = (shape: number[]) =>
    tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seedFrom(rng))));
  return { w: init([fanIn, fanOut]), b: init([fanOut]) };
}

function dense(layer: Linear, x: tf.Tensor, relu: boolean): tf.Tensor {
  const y = tf.add(tf.matMul(x, layer.w), layer.b);
  return relu ? tf.relu(y) : y;
}

/** The peer's VAE, batch and optimizer, built from latentlab's distributions. */
export interface VaeStep {
  /** One training step; returns the loss (read back from the backend, so the step has finished). */
  step(): number;
  /** Free the variables, the batch, the prior and the optimizer's slots. */
  dispose(): void;
}

/** Build the benchmark's VAE with weights, data and noise drawn from `seed`. */
export function createVaeStep(seed = 0): VaeStep {
  const rng = new Random(seed);
  const enc = linear(D, H, rng);
  const mu = linear(H, Z, rng);
  const logvar = linear(H, Z, rng);
  const dec1 = linear(Z, H, rng);
  const dec2 = linear(H, D, rng);
  const layers = [enc, mu, logvar, dec1, dec2];
  const variables = layers.flatMap((l) => [l.w, l.b]);
  const params = new Map(variables.map((v, i) => [`p${i}`, v]));
  const x = tf.tidy(() =>
    tf.cast(tf.less(tf.randomUniform([B, D], 0, 1, 'float32', seedFrom(rng)), 0.5), 'float32'),
  );
  const prior = new Normal(0, 1);
  const optimizer = new Adam(1e-3);

  const loss = (): tf.Scalar => {
    const h = dense(enc, x, true);
    const logvarZ = dense(logvar, h, false);
    const q = new Normal(dense(mu, h, false), tf.exp(tf.mul(logvarZ, 0.5)), { validateArgs: false });
    const z = q.rsample([], seedFrom(rng));
    const logits = dense(dec2, dense(dec1, z, true), false);
    const reconstruction = tf.sum(new Bernoulli({ logits }, { validateArgs: false }).logProb(x));
    const kl = tf.sum(klDivergence(q, prior));
    return tf.div<tf.Scalar>(tf.sub(kl, reconstruction), B);
  };

  return {
    step() {
      // latentlab's Adam: PyTorch's update, one SIMD kernel per parameter on wasm; the loss is read back, as the
      // peer's `loss.item()` does.
      const value = optimizer.minimize(params, () => ({ loss: loss() })).loss;
      return value;
    },
    dispose() {
      tf.dispose(variables);
      tf.dispose(x);
      prior.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * Time `perRound` steps with the native product on one thread (it runs on several), then put its threads back: the
 * speed-up of its threads, measured in the same rounds as everything else.
 */
function timeOneThread(vae: VaeStep, perRound: number, warmup: number, threads: number): number[] {
  useNativeKernels({ threads: 1 });
  try {
    return timeVae(vae, perRound, warmup, 'vae-step (native, 1 thread)');
  } finally {
    useNativeKernels({ threads });
  }
}

/** Untimed steps at the start of every later round, after the kernels were switched. */
const REWARM = 2;
/**
 * PyTorch, latentlab and stock wasm are measured in alternating rounds, so that a change in the machine's load (the
 * development machines are shared) hits all three alike instead of whichever happened to run last.
 */
const ROUNDS = 4;

function timeVae(vae: VaeStep, steps: number, warmup: number, label: string): number[] {
  let loss = NaN;
  const times = timeSteps(() => (loss = vae.step()), { steps, warmup, label });
  if (!Number.isFinite(loss)) throw new Error(`${label}: the loss is ${loss} after ${steps + warmup} steps`);
  return times;
}

/** Time `perRound` steps with stock wasm matrix products and Adam as separate ops, then put latentlab's kernels back. */
function timeStock(vae: VaeStep, perRound: number, warmup: number): number[] {
  restoreStockWasmMatMul();
  restoreStockWasmCopies();
  tf.unregisterKernel(ADAM_KERNEL, 'wasm'); // Adam as separate TensorFlow.js ops, as stock TF.js would run it
  try {
    return timeVae(vae, perRound, warmup, 'vae-step (stock wasm)');
  } finally {
    registerWasmMatMulFix();
    registerWasmSharedCopies();
    registerWasmAdamKernel();
  }
}

export const vaeStep: Benchmark = {
  name: 'vae-step',
  description:
    'one VAE training step (784-400-20 MLP, Bernoulli decoder, analytic KL, Adam, batch 128): PyTorch, ' +
    'latentlab, stock TF.js wasm',
  async run({ steps = 200, peer, log }) {
    const { backend } = await initEngine();
    const withStock = backend === 'wasm';
    const native = nativeKernelsInfo();
    const nativeThreads = backend === 'wasm' && native.active && native.threads > 1 ? native.threads : null;
    const perRound = Math.ceil(steps / ROUNDS);
    const fixed: number[] = [];
    const stock: number[] = [];
    const single: number[] = [];
    const peerOut: PeerOutput[] = [];
    const rounds: { peer: number; latentlab: number; stock: number | null; oneThread: number | null }[] = [];
    const vae = createVaeStep(0);
    try {
      for (let r = 0; r < ROUNDS; r++) {
        log(
          `vae-step: round ${r + 1}/${ROUNDS}, ${perRound} steps each: PyTorch, latentlab (${backend})` +
            (nativeThreads !== null ? ', latentlab on one thread' : '') +
            (withStock ? ', stock TF.js wasm' : ''),
        );
        const warmup = r === 0 ? WARMUP : REWARM;
        peerOut.push(await peer(PEER, ['--steps', String(perRound)]));
        const f = timeVae(vae, perRound, warmup, 'vae-step (latentlab)');
        const one = nativeThreads !== null ? timeOneThread(vae, perRound, warmup, nativeThreads) : [];
        const s = withStock ? timeStock(vae, perRound, warmup) : [];
        fixed.push(...f);
        single.push(...one);
        stock.push(...s);
        rounds.push({
          peer: peerNumber(peerOut[r], 'ms_per_step', PEER),
          latentlab: median(f),
          stock: withStock ? median(s) : null,
          oneThread: nativeThreads !== null ? median(one) : null,
        });
      }
    } finally {
      vae.dispose();
    }

    // The peer reports a median per run; the median of those stands for its median step.
    const peerMs = median(rounds.map((r) => r.peer));
    const latentlabMs = median(fixed);
    const vsPeer = ratio(latentlabMs, peerMs) ?? Infinity;
    const columns: Column[] = [];
    const targets: Target[] = [
      { description: `latentlab <= ${MAX_RATIO}x the peer`, met: vsPeer <= MAX_RATIO },
    ];
    if (nativeThreads !== null)
      columns.push({ label: 'native, 1 thread', value: median(single), unit: 'ms' });
    if (withStock) {
      const speedUp = median(stock) / latentlabMs;
      columns.push({ label: 'stock wasm', value: median(stock), unit: 'ms' });
      columns.push({ label: 'vs stock', value: speedUp, unit: 'x' });
      targets.push({
        description: `speed-up over stock wasm >= ${MIN_SPEEDUP}x`,
        met: speedUp >= MIN_SPEEDUP,
      });
    }
    return {
      unit: 'ms',
      latentlab: latentlabMs,
      peer: peerMs,
      peerName: typeof peerOut[0].peer === 'string' ? peerOut[0].peer : PEER,
      columns,
      targets,
      raw: {
        steps: perRound * ROUNDS,
        rounds,
        warmup: { first: WARMUP, laterRounds: REWARM },
        shapes: { D, H, Z, B },
        backend,
        latentlabTimes: fixed,
        nativeThreads,
        oneThreadTimes: nativeThreads !== null ? single : null,
        stockTimes: withStock ? stock : null,
        peerOutputs: peerOut,
      },
    };
  },
};
