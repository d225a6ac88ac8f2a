/**
 * Benchmarks `gan2d`, `gan2d-grid25` and `gan2d-wgan`: a GAN on a 2-D mixture of Gaussians, latentlab's GAN family
 * against PyTorch (`gan2d_torch.py`) in the same run, three seeds on each side; and `gan2d-reg-old`, latentlab alone,
 * the variationally regularised generator loss on `grid25` with and without it.
 *
 * Both sides: z of 2 dimensions, 2-128-128-2 and 2-128-128-1 ReLU networks, Adam 1e-4 with betas (0.5, 0.999),
 * batch 256, {@link DEFAULT_STEPS} generator updates, each after k_D discriminator updates (5 for WGAN-GP, else 1),
 * every discriminator update on a fresh batch of data (latentlab draws update i's batch with
 * `sampleToy2d(data, 256, ...)`, the peer from its own generator). latentlab's training goes through
 * `ganFamily.trainStep`, the code `latentlab train gan` runs, whose step is one discriminator update; so
 * `steps * k_D` of them make the peer's `steps`. The figure compared is the peer's: the wall time of the whole
 * training loop, data drawing included, over the generator updates, the mean over the seeds. Then both sides score
 * 2,500 samples the same way (`modeCoverage`, the peer's `evaluate`): modes covered, the high-quality fraction, the
 * KL of the mode histogram to uniform. Targets: ms per step at most {@link MAX_RATIO} times the peer's; mean modes
 * covered at least the peer's; mean high-quality fraction at least the peer's minus {@link MAX_QUALITY_DEFICIT}.
 * A GAN's outcome varies a lot with the seed, so the per-seed figures are in the results file.
 *
 * `--steps N` sets the generator updates of both sides.
 *
 * References: L. Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017, https://arxiv.org/abs/1611.02163;
 * A. Srivastava et al., "VEEGAN", NeurIPS 2017, https://arxiv.org/abs/1705.07761
 */
import * as tf from '../src/engine/tf.js';
import { deriveSeed } from '../src/engine/random.js';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import { sampleToy2d, toy2dModes, type Toy2dName } from '../src/data/toy2d.js';
import type { Batch } from '../src/data/batches.js';
import type { StepContext } from '../src/families/family.js';
import { resolveGanConfig, type GanConfig, type GanLoss } from '../src/families/gan/config.js';
import { ganFamily } from '../src/families/gan/index.js';
import { GanModel } from '../src/families/gan/model.js';
import { modeCoverage, type ModeCoverage } from '../src/metrics/mode-coverage.js';
import { ratio, type Benchmark, type Target } from './harness.js';
import { peerNumber, type PeerOutput } from './peer.js';
import { StepLeakError } from './timing.js';

const PEER = 'gan2d_torch.py';
export const DEFAULT_STEPS = 10_000;
export const BATCH = 256;
export const SEEDS = [0, 1, 2] as const;
export const EVAL_SAMPLES = 2500;
/** latentlab's step should take at most this many times PyTorch's. */
export const MAX_RATIO = 3;
/** latentlab's mean high-quality fraction should be at least the peer's minus this. */
export const MAX_QUALITY_DEFICIT = 0.05;

/** The peer's GAN as latentlab's configuration (written out, so that a change of default shows). */
export function gan2dConfig(loss: GanLoss, seed: number, extra: Partial<GanConfig> = {}): GanConfig {
  return resolveGanConfig({
    inputShape: [2],
    loss,
    generator: 'mlp',
    latent: 2,
    generatorHidden: [128, 128],
    discriminatorHidden: [128, 128],
    activation: 'relu',
    generatorLr: 1e-4,
    discriminatorLr: 1e-4,
    beta1: 0.5,
    beta2: 0.999,
    generatorSteps: 1,
    seed,
    ...extra,
  });
}

/** What one latentlab training run measured. */
export interface Gan2dRun {
  seed: number;
  msPerStep: number;
  seconds: number;
  coverage: ModeCoverage;
  lastLosses: Record<string, number>;
}

/**
 * Train a GAN on fresh batches of `data` for `steps` generator updates (k_D discriminator updates before each) and
 * score {@link EVAL_SAMPLES} samples. The tensor count must stay flat after the first update, and every loss finite.
 */
export function trainGan2d(data: Toy2dName, config: GanConfig, steps: number): Gan2dRun {
  const gan = new GanModel(config);
  const kD = config.discriminatorSteps;
  const total = steps * kD;
  const indices = Int32Array.from({ length: BATCH }, (_, j) => j);
  let baseline = 0;
  let last: Record<string, number> = {};
  try {
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const x = tf.tensor2d(sampleToy2d(data, BATCH, deriveSeed(config.seed, 'gan2d-data', i)), [BATCH, 2]);
      const batch: Batch = { x, labels: null, indices, index: i };
      const context: StepContext = {
        epoch: 0,
        batch: i,
        step: i,
        progress: i / total,
        seed: deriveSeed(config.seed, 'gan2d-step', i),
        batchesPerEpoch: total,
        datasetSize: total * BATCH,
      };
      try {
        last = { ...last, ...ganFamily.trainStep(gan, batch, context) };
      } finally {
        x.dispose();
      }
      for (const [k, v] of Object.entries(last))
        if (!Number.isFinite(v)) throw new Error(`gan2d: ${k} is ${v} at update ${i + 1}`);
      const live = tf.memory().numTensors;
      if (i === kD - 1) baseline = live;
      else if (i >= kD && live !== baseline)
        throw new StepLeakError(
          `gan2d: tf.memory().numTensors went from ${baseline} to ${live} at update ${i + 1}; the step leaks`,
        );
    }
    const seconds = (performance.now() - start) / 1000;
    const x = gan.generate(EVAL_SAMPLES, deriveSeed(config.seed, 'gan2d-eval'));
    const values = x.dataSync();
    x.dispose();
    return {
      seed: config.seed,
      msPerStep: (1000 * seconds) / steps,
      seconds,
      coverage: modeCoverage(values, toy2dModes(data)!),
      lastLosses: last,
    };
  } finally {
    gan.dispose();
  }
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fixed = (x: number, digits = 2) => x.toFixed(digits);

/** The per-seed line of a run. */
function describe(
  side: string,
  seed: number,
  ms: number,
  covered: number,
  modes: number,
  hq: number,
): string {
  return `${side} seed ${seed}: ${fixed(ms)} ms per step, ${covered}/${modes} modes, high quality ${fixed(hq, 3)}`;
}

/** The benchmark of latentlab's GAN against the peer's on `data` with `loss`. */
function versusPeer(name: string, data: 'ring8' | 'grid25', loss: GanLoss): Benchmark {
  return {
    name,
    description:
      `GAN (${loss}) on ${data}: 2-128-128 ReLU networks, Adam 1e-4 (0.5, 0.999), batch 256, ${DEFAULT_STEPS} ` +
      `generator updates, seeds ${SEEDS.join(', ')}: ms per step and mode coverage of 2,500 samples, PyTorch vs latentlab`,
    async run({ steps: stepsOption, peer, log }) {
      const steps = stepsOption ?? DEFAULT_STEPS;
      await initEngine();
      const modes = toy2dModes(data)!.centres.length / 2;
      const peers: PeerOutput[] = [];
      for (const seed of SEEDS) {
        const out = await peer(PEER, [
          '--data',
          data,
          '--loss',
          loss,
          '--steps',
          String(steps),
          '--seed',
          String(seed),
        ]);
        peers.push(out);
        log(
          describe(
            `${name}: PyTorch`,
            seed,
            peerNumber(out, 'ms_per_step', PEER),
            peerNumber(out, 'modes_covered', PEER),
            modes,
            peerNumber(out, 'high_quality_frac', PEER),
          ),
        );
      }
      const ours: Gan2dRun[] = [];
      for (const seed of SEEDS) {
        log(`${name}: latentlab (${engineInfo().backend}), seed ${seed}, ${steps} steps`);
        const run = trainGan2d(data, gan2dConfig(loss, seed), steps);
        ours.push(run);
        const c = run.coverage;
        log(
          describe(`${name}: latentlab`, seed, run.msPerStep, c.modesCovered, modes, c.highQualityFraction),
        );
      }
      const peerMs = mean(peers.map((p) => peerNumber(p, 'ms_per_step', PEER)));
      const ourMs = mean(ours.map((r) => r.msPerStep));
      const peerModes = mean(peers.map((p) => peerNumber(p, 'modes_covered', PEER)));
      const ourModes = mean(ours.map((r) => r.coverage.modesCovered));
      const peerHq = mean(peers.map((p) => peerNumber(p, 'high_quality_frac', PEER)));
      const ourHq = mean(ours.map((r) => r.coverage.highQualityFraction));
      const stepRatio = ratio(ourMs, peerMs) ?? Infinity;
      const targets: Target[] = [
        {
          description: `ms/step <= ${MAX_RATIO}x the peer (${fixed(stepRatio)}x)`,
          met: stepRatio <= MAX_RATIO,
        },
        {
          description: `mean modes covered >= the peer's (${fixed(ourModes)} vs ${fixed(peerModes)} of ${modes})`,
          met: ourModes >= peerModes,
        },
        {
          description:
            `mean high-quality fraction >= the peer's - ${MAX_QUALITY_DEFICIT} ` +
            `(${fixed(ourHq, 3)} vs ${fixed(peerHq, 3)})`,
          met: ourHq >= peerHq - MAX_QUALITY_DEFICIT,
        },
      ];
      return {
        unit: 'ms',
        latentlab: ourMs,
        peer: peerMs,
        peerName: typeof peers[0].peer === 'string' ? peers[0].peer : PEER,
        columns: [
          { label: 'modes', value: ourModes, unit: '' },
          { label: 'peer modes', value: peerModes, unit: '' },
        ],
        targets,
        raw: {
          data,
          loss,
          steps,
          batchSize: BATCH,
          evalSamples: EVAL_SAMPLES,
          seeds: SEEDS,
          config: gan2dConfig(loss, 0),
          latentlab: {
            msPerStep: ourMs,
            modesCovered: ourModes,
            highQualityFraction: ourHq,
            modeKl: ours.map((r) => r.coverage.modeKl),
            runs: ours,
          },
          peer: { msPerStep: peerMs, modesCovered: peerModes, highQualityFraction: peerHq, outputs: peers },
          ratios: { msPerStep: stepRatio },
        },
      };
    },
  };
}

export const gan2d = versusPeer('gan2d', 'ring8', 'ns');
export const gan2dGrid25 = versusPeer('gan2d-grid25', 'grid25', 'ns');
export const gan2dWgan = versusPeer('gan2d-wgan', 'ring8', 'wgan-gp');

/** The weight of the regularised runs of `gan2d-reg-old`. */
export const REG_OLD_LAMBDA = 1;

export const gan2dRegOld: Benchmark = {
  name: 'gan2d-reg-old',
  description:
    `GAN (ns) on grid25 with and without the generator penalty lambda E||G(z) - G_old(z)||^2 (lambda ` +
    `${REG_OLD_LAMBDA}, G_old the previous update's generator), seeds ${SEEDS.join(', ')}: mode coverage, latentlab alone`,
  async run({ steps: stepsOption, log }) {
    const steps = stepsOption ?? DEFAULT_STEPS;
    await initEngine();
    const arms: Record<'plain' | 'regularised', Gan2dRun[]> = { plain: [], regularised: [] };
    for (const seed of SEEDS)
      for (const arm of ['plain', 'regularised'] as const) {
        const config = gan2dConfig(
          'ns',
          seed,
          arm === 'plain' ? {} : { regOld: REG_OLD_LAMBDA, regOldEvery: 1 },
        );
        const run = trainGan2d('grid25', config, steps);
        arms[arm].push(run);
        const c = run.coverage;
        log(
          describe(`gan2d-reg-old: ${arm}`, seed, run.msPerStep, c.modesCovered, 25, c.highQualityFraction),
        );
      }
    const summary = (runs: Gan2dRun[]) => ({
      msPerStep: mean(runs.map((r) => r.msPerStep)),
      modesCovered: mean(runs.map((r) => r.coverage.modesCovered)),
      highQualityFraction: mean(runs.map((r) => r.coverage.highQualityFraction)),
      perSeed: runs.map((r) => ({
        seed: r.seed,
        modesCovered: r.coverage.modesCovered,
        highQualityFraction: r.coverage.highQualityFraction,
        modeKl: r.coverage.modeKl,
      })),
    });
    const plain = summary(arms.plain);
    const regularised = summary(arms.regularised);
    return {
      unit: 'ms',
      latentlab: regularised.msPerStep,
      peerName: 'none (latentlab without the penalty in the columns)',
      columns: [
        { label: 'modes with', value: regularised.modesCovered, unit: '' },
        { label: 'modes without', value: plain.modesCovered, unit: '' },
        { label: 'hq with', value: regularised.highQualityFraction, unit: '' },
        { label: 'hq without', value: plain.highQualityFraction, unit: '' },
      ],
      raw: { data: 'grid25', steps, lambda: REG_OLD_LAMBDA, plain, regularised, runs: arms },
    };
  },
};
