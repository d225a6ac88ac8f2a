/**
 * Benchmarks `fashion-vae`, `fashion-flow` and `fashion-dcgan`: three families trained on Fashion-MNIST for a
 * similar time (two to five minutes each on a 2-core machine), through the run lifecycle as `latentlab train` runs
 * them, then scored by the same sample metrics (`--sample-metrics`: 1000 samples against 1000 test images on the
 * shipped Fashion-MNIST classifier): the Frechet distance, precision, recall and the class histogram's KL to uniform.
 * There is no peer: the table's `latentlab` column is the training time in seconds, and the extra columns hold the
 * metrics.
 *
 * The models, each at its family's defaults for images except for the length of training:
 * - `fashion-vae`: the MLP VAE (784-400-20, Bernoulli decoder) on all 60,000 training images, {@link VAE_EPOCHS} epochs;
 * - `fashion-flow`: the Glow of `flow-images` (2 levels of 4 steps, 32 channels) on the first 10,000 images,
 *   {@link FLOW_EPOCHS} epochs;
 * - `fashion-dcgan`: the DCGAN (non-saturating loss, Adam 2e-4, betas 0.5, 0.999) on the first 10,000 images,
 *   {@link DCGAN_EPOCHS} epochs.
 * Target: the DCGAN's Frechet distance below the VAE's, when both ran in the same `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '../src/engine/backend.js';
import type { Family } from '../src/families/family.js';
import { flowFamily } from '../src/families/flow/index.js';
import { ganFamily } from '../src/families/gan/index.js';
import { vaeFamily } from '../src/families/vae/index.js';
import { startRun } from '../src/train/run.js';
import type { Benchmark, BenchResult, Column, Target } from './harness.js';
import { FLOW_IMAGES_OPTIONS } from './flow-images.js';

export const VAE_EPOCHS = 8;
export const FLOW_EPOCHS = 6;
export const DCGAN_EPOCHS = 2;

/** The Frechet distances measured in this process, by benchmark, for the DCGAN's target. */
const measured = new Map<string, number>();

interface Setup {
  name: string;
  description: string;
  family: Family;
  kind: string;
  options: Record<string, unknown>;
}

const SETUPS: readonly Setup[] = [
  {
    name: 'fashion-vae',
    description: `Fashion-MNIST: the MLP VAE, ${VAE_EPOCHS} epochs of 60,000 images; sample metrics of 1000 draws`,
    family: vaeFamily,
    kind: 'vae',
    options: { epochs: VAE_EPOCHS },
  },
  {
    name: 'fashion-flow',
    description: `Fashion-MNIST: a Glow, ${FLOW_EPOCHS} epochs of 10,000 images; sample metrics of 1000 draws`,
    family: flowFamily,
    kind: 'flow',
    options: {
      arch: 'glow',
      levels: FLOW_IMAGES_OPTIONS.levels,
      layers: FLOW_IMAGES_OPTIONS.layers,
      hidden: [...FLOW_IMAGES_OPTIONS.hidden],
      limit: 10_000,
      epochs: FLOW_EPOCHS,
    },
  },
  {
    name: 'fashion-dcgan',
    description: `Fashion-MNIST: a DCGAN, ${DCGAN_EPOCHS} epochs of 10,000 images; sample metrics of 1000 draws`,
    family: ganFamily,
    kind: 'gan',
    options: { limit: 10_000, epochs: DCGAN_EPOCHS },
  },
];

function benchmark(setup: Setup): Benchmark {
  return {
    name: setup.name,
    description: setup.description,
    async run({ log }): Promise<BenchResult> {
      await initEngine();
      const out = mkdtempSync(join(tmpdir(), `latentlab-${setup.name}-`));
      try {
        const { summary } = await startRun(
          {
            family: setup.family,
            kind: setup.kind,
            out: join(out, 'run'),
            options: { data: 'fashion-mnist', seed: 0, sampleMetrics: true, ...setup.options },
          },
          {
            pictures: false,
            log,
            progress: { bar: false, lineEvery: 60, stream: { write: (s: string) => log(s.trimEnd()) } },
          },
        );
        const metric = (k: string) => summary[k] as number;
        measured.set(setup.name, metric('frechet_distance'));
        const columns: Column[] = [
          { label: 'Frechet', value: metric('frechet_distance'), unit: '' },
          { label: 'precision', value: metric('precision'), unit: '' },
          { label: 'recall', value: metric('recall'), unit: '' },
          { label: 'class KL', value: metric('class_kl'), unit: '' },
        ];
        const targets: Target[] = [];
        const vae = measured.get('fashion-vae');
        if (setup.name === 'fashion-dcgan' && vae !== undefined)
          targets.push({
            description: `the DCGAN's Frechet distance (${metric('frechet_distance').toFixed(2)}) below the VAE's (${vae.toFixed(2)})`,
            met: metric('frechet_distance') < vae,
          });
        return {
          unit: 's',
          latentlab: metric('seconds'),
          peerName: 'none (latentlab families side by side)',
          columns,
          targets,
          raw: { summary },
        };
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

export const [fashionVae, fashionFlow, fashionDcgan] = SETUPS.map(benchmark);
