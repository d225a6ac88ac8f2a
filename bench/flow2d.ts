/**
 * Benchmark `flow2d`: a RealNVP flow trained on the two-moons density, latentlab's `FlowModel` against PyTorch
 * (`flow2d_torch.py`) in the same run.
 *
 * Both sides: 8 affine coupling layers with alternating masks ([1, 0], [0, 1], ...), each conditioned by a
 * 2-64-64-4 ReLU MLP giving a shift and a log-scale bounded by tanh, a standard normal base, Adam 1e-3, and
 * {@link DEFAULT_STEPS} steps on FRESH batches of {@link BATCH} two-moons points each (latentlab draws step i's batch
 * with `sampleToy2d('moons', 256, i)`, the peer from its own NumPy stream). A step's time is that of the step alone
 * (the batch is made before the clock starts, as the peer does; latentlab's step, `flowFamily.trainStep`, reads the
 * loss back, so the step has finished), and the reported figure is the median over the steps after the first
 * {@link SKIPPED_STEPS}, as the peer's `statistics.median(ts[50:])`. Then the held-out log-likelihood: the mean
 * log p(x) over {@link TEST_SIZE} fresh points drawn with a seed no training batch uses. Targets: latentlab's step
 * at most {@link MAX_RATIO} times the peer's, and its held-out log-likelihood at least the peer's minus
 * {@link MAX_LOGLIK_DEFICIT} nat.
 *
 * The peer is timed twice, before and after latentlab, and the faster of its two runs is the one compared (as
 * vae-epoch does), so that other load on a shared machine during one of its runs never flatters the ratio. Both of
 * its runs draw the same data and weights (`torch.manual_seed(0)`, NumPy seed 0), so its held-out log-likelihood is
 * that of the first run (both are in the results file). The held-out log-likelihood of one training run varies
 * with the seed by about 0.03 to 0.04 nat (standard deviation over seeds, on both sides), so the 0.05-nat target
 * compares one seed of each.
 *
 * `--steps N` sets the training steps of both sides (more than {@link SKIPPED_STEPS}).
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import * as tf from '../src/engine/tf.js';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import { sampleToy2d } from '../src/data/toy2d.js';
import type { Batch } from '../src/data/batches.js';
import type { StepContext } from '../src/families/family.js';
import type { FlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { realNVP, type FlowModel } from '../src/families/flow/model.js';
import { ratio, UsageError, type Benchmark, type Target } from './harness.js';
import { peerNumber, type PeerOutput } from './peer.js';
import { median, StepLeakError } from './timing.js';

const PEER = 'flow2d_torch.py';
export const DEFAULT_STEPS = 1500;
export const BATCH = 256;
/** Steps left out of the median, as the peer's `ts[50:]`. */
export const SKIPPED_STEPS = 50;
export const TEST_SIZE = 10_000;
/** The seed of the held-out points; training batch i uses seed i, so any seed above the steps is unused there. */
export const TEST_SEED = 1_000_000_007;
/** latentlab's step should take at most this many times PyTorch's (the speed issue's target). */
export const MAX_RATIO = 1.5;
/** latentlab's held-out log-likelihood should be at least the peer's minus this many nats. */
export const MAX_LOGLIK_DEFICIT = 0.05;

/** The peer's flow as latentlab's configuration (its defaults, written out so that a change of default shows). */
export const FLOW2D_OPTIONS = {
  inputShape: [2],
  layers: 8,
  hidden: [64, 64],
  activation: 'relu',
  logScaleBound: 1,
  learningRate: 1e-3,
  seed: 0,
} satisfies Partial<FlowConfig> & { inputShape: number[] };

/** The number of parameters of the peer's RealNVP: 8 couplings of Linear(2, 64), Linear(64, 64), Linear(64, 4). */
export const PEER_PARAMETERS = 8 * (2 * 64 + 64 + (64 * 64 + 64) + (64 * 4 + 4));

/** The benchmark's flow, as `realNVP(FLOW2D_OPTIONS)` builds it. */
export function createFlow2d(): FlowModel {
  return realNVP({ ...FLOW2D_OPTIONS, hidden: [...FLOW2D_OPTIONS.hidden] });
}

/** `n` two-moons points drawn with `seed`, as a `[n, 2]` tensor. */
export function moons(n: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(sampleToy2d('moons', n, seed), [n, 2]);
}

/** The training steps: `--steps` when given, else {@link DEFAULT_STEPS}; more than {@link SKIPPED_STEPS}. */
export function trainingSteps(steps: number | undefined): number {
  const n = steps ?? DEFAULT_STEPS;
  if (n <= SKIPPED_STEPS)
    throw new UsageError(
      `--steps: flow2d times the steps after the first ${SKIPPED_STEPS}, so it needs more than ${SKIPPED_STEPS}; got ${n}`,
    );
  return n;
}

/** The median of the step times after the first {@link SKIPPED_STEPS}, as the peer's `median(ts[50:])`. */
export function msPerStep(times: readonly number[]): number {
  if (times.length <= SKIPPED_STEPS)
    throw new Error(`msPerStep: expected more than ${SKIPPED_STEPS} step times, got ${times.length}`);
  return median(times.slice(SKIPPED_STEPS));
}

/** What {@link trainFlow2d} measured: each step's milliseconds and loss (-mean log p of its batch). */
export interface Flow2dTraining {
  times: number[];
  losses: number[];
}

/**
 * Where step `i` of {@link trainFlow2d} stands, for `flowFamily.trainStep`: the fresh batches count as one epoch of
 * `steps` batches, and the step's seed is `i` (a vector flow draws nothing in its step, so the seed is unused).
 */
function flow2dContext(i: number, steps: number, batch = BATCH): StepContext {
  return {
    epoch: 0,
    batch: i,
    step: i,
    progress: i / steps,
    seed: i,
    batchesPerEpoch: steps,
    datasetSize: steps * batch,
  };
}

/**
 * Train `flow` for `steps` steps, step i on a fresh batch of {@link BATCH} moons drawn with seed i, timing each
 * `flowFamily.trainStep` alone (the batch and its context are made before the clock starts). The number of live
 * tensors after the first step (when Adam creates its moments) must stay the same after every later step, or a
 * `StepLeakError` is thrown; a non-finite loss is an error too.
 */
export function trainFlow2d(flow: FlowModel, steps: number, batch = BATCH): Flow2dTraining {
  const times: number[] = [];
  const losses: number[] = [];
  let baseline = 0;
  const indices = Int32Array.from({ length: batch }, (_, j) => j);
  for (let i = 0; i < steps; i++) {
    const x = moons(batch, i);
    const fresh: Batch = { x, labels: null, indices, index: i };
    const context = flow2dContext(i, steps, batch);
    let loss: number;
    try {
      const start = performance.now();
      loss = flowFamily.trainStep(flow, fresh, context).loss;
      times.push(performance.now() - start);
    } finally {
      x.dispose();
    }
    if (!Number.isFinite(loss)) throw new Error(`flow2d: the loss is ${loss} at step ${i + 1}`);
    losses.push(loss);
    const live = tf.memory().numTensors;
    if (i === 0) baseline = live;
    else if (live !== baseline)
      throw new StepLeakError(
        `flow2d: tf.memory().numTensors went from ${baseline} after the first step to ${live} after step ` +
          `${i + 1}; the step leaks tensors`,
      );
  }
  return { times, losses };
}

/** The mean log p(x) over `n` fresh moons drawn with `seed`, in nats. */
export function heldOutLogLikelihood(flow: FlowModel, n = TEST_SIZE, seed = TEST_SEED): number {
  const x = moons(n, seed);
  try {
    return tf.tidy(() => tf.mean(flow.logProb(x))).dataSync()[0];
  } finally {
    x.dispose();
  }
}

/** The target on the held-out log-likelihood: latentlab >= peer - `tolerance`, with the signed gap in its text. */
export function logLikelihoodTarget(latentlab: number, peer: number, tolerance = MAX_LOGLIK_DEFICIT): Target {
  const gap = latentlab - peer;
  const signed = `${gap >= 0 ? '+' : ''}${gap.toFixed(3)}`;
  return {
    description:
      `held-out log-likelihood >= the peer's - ${tolerance} nat (latentlab - peer = ${signed} nats: ` +
      `${latentlab.toFixed(3)} vs ${peer.toFixed(3)})`,
    met: gap >= -tolerance,
  };
}

/** The target on the step time: latentlab <= `max` times the peer, with the ratio in its text. */
export function stepRatioTarget(latentlabMs: number, peerMs: number, max = MAX_RATIO): Target {
  const r = ratio(latentlabMs, peerMs) ?? Infinity;
  return { description: `ms/step <= ${max}x the peer (${r.toFixed(2)}x)`, met: r <= max };
}

/** Every `every`-th loss (the first included) and the mean of the last `every`, for the results file. */
function lossSummary(losses: readonly number[], every = 50) {
  const tail = losses.slice(-every);
  return {
    every,
    curve: losses.filter((_, i) => i % every === 0),
    meanOfLast: tail.reduce((a, b) => a + b, 0) / tail.length,
  };
}

export const flow2d: Benchmark = {
  name: 'flow2d',
  description:
    `RealNVP (8 affine couplings, 2-64-64-4 ReLU nets, tanh-bounded log-scales, Adam 1e-3) on two moons, ` +
    `${DEFAULT_STEPS} steps of batch ${BATCH}: ms per step and held-out log-likelihood, PyTorch vs latentlab`,
  async run({ steps: stepsOption, peer, log }) {
    const steps = trainingSteps(stepsOption);
    await initEngine();
    const args = ['--steps', String(steps)];

    log(`flow2d: PyTorch, ${steps} steps`);
    const first: PeerOutput = await peer(PEER, args);
    const peerFirstMs = peerNumber(first, 'ms_per_step', PEER);
    const peerLogLik = peerNumber(first, 'test_loglik', PEER);
    log(
      `flow2d: PyTorch: ${peerFirstMs.toFixed(2)} ms per step, held-out log-likelihood ${peerLogLik.toFixed(3)}`,
    );

    log(`flow2d: latentlab (${engineInfo().backend}), ${steps} steps`);
    const flow = createFlow2d();
    let training: Flow2dTraining;
    let logLik: number;
    let evalSeconds: number;
    const started = performance.now();
    try {
      training = trainFlow2d(flow, steps);
      const evalStart = performance.now();
      logLik = heldOutLogLikelihood(flow);
      evalSeconds = (performance.now() - evalStart) / 1000;
    } finally {
      flow.dispose();
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const ourMs = msPerStep(training.times);
    log(`flow2d: latentlab: ${ourMs.toFixed(2)} ms per step, held-out log-likelihood ${logLik.toFixed(3)}`);

    // Time the peer again, after latentlab, and compare with its faster run, so that load never flatters the ratio.
    log(`flow2d: PyTorch again, for its timing`);
    const second: PeerOutput = await peer(PEER, args);
    const peerSecondMs = peerNumber(second, 'ms_per_step', PEER);
    const peerMs = Math.min(peerFirstMs, peerSecondMs);
    log(`flow2d: PyTorch: ${peerFirstMs.toFixed(2)} and ${peerSecondMs.toFixed(2)} ms per step`);

    const stepRatio = ratio(ourMs, peerMs) ?? Infinity;
    return {
      unit: 'ms',
      latentlab: ourMs,
      peer: peerMs,
      peerName: typeof first.peer === 'string' ? first.peer : PEER,
      targets: [stepRatioTarget(ourMs, peerMs), logLikelihoodTarget(logLik, peerLogLik)],
      raw: {
        steps,
        batchSize: BATCH,
        skippedSteps: SKIPPED_STEPS,
        testSize: TEST_SIZE,
        testSeed: TEST_SEED,
        config: FLOW2D_OPTIONS,
        latentlab: {
          msPerStep: ourMs,
          meanMsPerStep:
            training.times.slice(SKIPPED_STEPS).reduce((a, b) => a + b, 0) / (steps - SKIPPED_STEPS),
          testLogLikelihood: logLik,
          loss: lossSummary(training.losses),
          evaluationSeconds: evalSeconds,
          wallSeconds,
          stepTimes: training.times,
        },
        peer: {
          msPerStep: peerMs,
          msPerStepRuns: [peerFirstMs, peerSecondMs],
          testLogLikelihood: peerLogLik,
          testLogLikelihoodRuns: [peerLogLik, second.test_loglik ?? null],
          outputs: [first, second],
        },
        ratios: { msPerStep: stepRatio, logLikelihoodGap: logLik - peerLogLik },
      },
    };
  },
};
