/**
 * The VAE family's commands: `train vae|cvae|beta-vae|iwae`, `eval DIR`, `sample DIR`, `interpolate DIR`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, initEngine, type BackendChoice } from '../engine/backend.js';
import { loadDataset } from '../data/registry.js';
import { ELBO_ESTIMATORS } from '../inference/elbo.js';
import { ACTIVATIONS } from '../nn/activations.js';
import { ConfigError, PRIOR_KINDS, VAE_KINDS, type VaeConfig, type VaeKind } from '../models/vae-config.js';
import { evaluateVae } from '../models/vae-evaluate.js';
import { loadVae } from '../models/vae-io.js';
import { writeInterpolation, writeSamples } from '../models/vae-pictures.js';
import { evaluationRecord, resumeVaeRun, trainVaeRun, type VaeRunOptions } from '../models/vae-run.js';
import { ARCHITECTURES, LIKELIHOODS } from '../models/vae-networks.js';
import { FLOW_ARCHS, type FlowArch, type FlowConfig } from '../models/flows.js';
import { resumeFlowRun, trainFlowRun, type FlowRunOptions } from '../models/flow-run.js';
import { TOY2D_NAMES } from '../data/toy2d.js';
import { loadFlow } from '../models/flow-io.js';
import { evaluateFlow } from '../models/flow-evaluate.js';
import { writeFlowSamples } from '../models/flow-pictures.js';
import { readJsonFile } from '../io/atomic.js';
import { isMixtureKind } from '../models/gmm-io.js';
import { evalMixture, sampleMixture } from './gmm-commands.js';
import { definedOnly, findCheckpointDir } from '../train/run-checkpoint.js';
import type { TrainingState } from '../train/run-checkpoint.js';
import { choice, intList, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from './parse.js';
import { runName } from './run-name.js';
import { processIO, type CliIO } from './program.js';

interface TrainFlags {
  data?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  latent?: number;
  hidden?: number[];
  activation?: VaeConfig['activation'];
  architecture?: VaeConfig['architecture'];
  likelihood?: VaeConfig['likelihood'];
  estimator?: VaeConfig['estimator'];
  samples?: number;
  beta?: number;
  warmup?: number;
  iwSamples?: number;
  prior?: VaeConfig['prior'];
  priorComponents?: number;
  seed?: number;
  out?: string;
  resume?: string;
  config?: string;
  limit?: number;
  patience?: number;
  evalIw?: number;
  backend?: BackendChoice;
  pictures?: boolean;
  arch?: FlowArch;
  layers?: number;
  levels?: number;
  steps?: number;
  conditional?: boolean;
}

/** Run defaults: the README's main command, `latentlab train vae`, finishes in well under a minute on MNIST. */
const RUN_DEFAULTS = { data: 'mnist', epochs: 5, batchSize: 128, seed: 0 };

/** The flags a `--config FILE` may set (the same names as the flags, in camelCase). */
const CONFIG_KEYS = new Set<string>([
  'data', 'epochs', 'batchSize', 'lr', 'latent', 'hidden', 'activation', 'architecture', 'likelihood',
  'estimator', 'samples', 'beta', 'warmup', 'iwSamples', 'prior', 'priorComponents', 'seed', 'out', 'limit',
  'patience', 'evalIw', 'arch', 'layers', 'levels', 'steps', 'conditional',
]); // prettier-ignore

function readConfigFile(path: string): Partial<TrainFlags> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`--config ${path}: the file cannot be read`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(`--config ${path}: expected a JSON object of options such as {"epochs": 10}`);
  const unknown = Object.keys(value).filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length > 0)
    throw new ConfigError(
      `--config ${path}: unknown option '${unknown[0]}' (known: ${[...CONFIG_KEYS].join(', ')})`,
    );
  return value;
}

/** Progress goes to the error stream: a live bar when that is the process's terminal, plain lines otherwise. */
function progressStream(io: CliIO): { write(s: string): unknown; isTTY?: boolean } {
  if (io === processIO && process.stderr.isTTY) return process.stderr;
  return { write: (s: string) => io.err(s), isTTY: false };
}

/** The flags given on the command line over those of `--config FILE` (the command line wins). */
function withConfigFile(flags: TrainFlags): TrainFlags {
  return { ...(flags.config ? readConfigFile(flags.config) : {}), ...definedOnly(flags) };
}

function backendOption(): Option {
  return new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES);
}

/** `latentlab train <model>`. */
export function trainCommand(io: CliIO): Command {
  return new Command('train')
    .description('train a model and write its checkpoint, metrics and pictures into --out')
    .argument(
      '<model>',
      `the model: ${[...VAE_KINDS, 'flow'].join(', ')}`,
      choice([...VAE_KINDS, 'flow'] as const),
    )
    .option('--data <name>', 'mnist (embedded), fashion-mnist, or idx:DIR (IDX files)')
    .option('--epochs <n>', `epochs to train (default ${RUN_DEFAULTS.epochs})`, positiveInt)
    .option('--batch-size <n>', `examples per step (default ${RUN_DEFAULTS.batchSize})`, positiveInt)
    .option('--lr <rate>', 'Adam learning rate (default 0.001)', positiveNumber)
    .option('--latent <d>', 'latent dimensions (default 20)', positiveInt)
    .option('--hidden <widths>', 'hidden layer widths, comma-separated (default 400)', intList)
    .addOption(new Option('--activation <name>', 'hidden activation (default relu)').choices(ACTIVATIONS))
    .addOption(new Option('--architecture <name>', 'networks (default mlp)').choices(ARCHITECTURES))
    .addOption(new Option('--likelihood <name>', 'decoder p(x|z) (default bernoulli)').choices(LIKELIHOODS))
    .addOption(
      new Option('--estimator <name>', 'SGVB estimator (default analytic-kl)').choices(ELBO_ESTIMATORS),
    )
    .option('--samples <L>', 'z samples per example in the ELBO (default 1)', positiveInt)
    .option('--beta <b>', 'KL weight (default 1; beta-vae: 4)', nonNegativeNumber)
    .option('--warmup <epochs>', 'epochs of linear KL warm-up (default 0)', nonNegativeNumber)
    .option('--iw-samples <K>', 'importance samples of the IWAE objective (iwae; default 5)', positiveInt)
    .addOption(new Option('--prior <kind>', 'prior p(z) (default normal)').choices(PRIOR_KINDS))
    .option('--prior-components <k>', 'components of the mixture prior (default 10)', positiveInt)
    .option('--seed <s>', 'seed of weights, batches and noise (default 0)', nonNegativeInt)
    .option('--out <dir>', 'run directory (default runs/<model>-<time>)')
    .option('--resume <dir>', 'continue the run in <dir> from its last checkpoint')
    .option('--config <file>', 'JSON file of options (flags given on the command line win)')
    .option('--limit <n>', 'train on the first n training examples only', positiveInt)
    .option(
      '--patience <epochs>',
      'stop when the test ELBO has not improved for this many epochs',
      positiveInt,
    )
    .option(
      '--eval-iw <K>',
      'at the end, the importance-sampled test log-likelihood with K samples',
      nonNegativeInt,
    )
    .addOption(new Option('--arch <name>', 'flow: the architecture (default realnvp)').choices(FLOW_ARCHS))
    .option(
      '--layers <n>',
      'flow: coupling layers (vectors) or steps per scale (images) (default 8)',
      positiveInt,
    )
    .option('--levels <n>', 'flow on images: scales, each squeezing the image (default 2)', positiveInt)
    .option('--steps <n>', 'flow: optimisation steps in all (instead of --epochs)', positiveInt)
    .option('--conditional', 'flow: condition on the label (the coupling networks read it)')
    .option('--no-pictures', 'skip the pictures')
    .addOption(backendOption())
    .action(async (kind: VaeKind | 'flow', flags: TrainFlags) => {
      await initEngine({ backend: flags.backend });
      if (kind === 'flow') return trainFlow(io, flags);
      const progress = { stream: progressStream(io) };
      if (flags.resume !== undefined) {
        const result = await resumeVaeRun(
          flags.resume,
          { epochs: flags.epochs },
          { progress, pictures: flags.pictures },
        );
        report(io, result.summary, result.pictures, result.outDir);
        return;
      }
      const f = withConfigFile(flags);
      const run: VaeRunOptions = {
        data: f.data ?? RUN_DEFAULTS.data,
        epochs: f.epochs ?? RUN_DEFAULTS.epochs,
        batchSize: f.batchSize ?? RUN_DEFAULTS.batchSize,
        seed: f.seed ?? RUN_DEFAULTS.seed,
        limit: f.limit,
        patience: f.patience,
        iwSamples: f.evalIw ?? 0,
      };
      const model: Partial<VaeConfig> = definedOnly({
        latent: f.latent,
        hidden: f.hidden,
        activation: f.activation,
        architecture: f.architecture,
        likelihood: f.likelihood,
        estimator: f.estimator,
        samples: f.samples,
        beta: f.beta,
        warmup: f.warmup,
        iwSamples: f.iwSamples,
        prior: f.prior,
        priorComponents: f.priorComponents,
        learningRate: f.lr,
      });
      const outDir = f.out ?? runName(kind);
      const result = await trainVaeRun(kind, model, run, outDir, { progress, pictures: f.pictures });
      report(io, result.summary, result.pictures, outDir);
    });
}

/** `latentlab train flow`: a 2-D density (default two moons, 1500 steps) or images. */
async function trainFlow(io: CliIO, flags: TrainFlags): Promise<void> {
  const progress = { stream: progressStream(io) };
  if (flags.resume !== undefined) {
    const result = await resumeFlowRun(
      flags.resume,
      { epochs: flags.epochs, steps: flags.steps },
      { progress, pictures: flags.pictures },
    );
    reportFlow(io, result.summary, result.pictures, result.outDir);
    return;
  }
  const f = withConfigFile(flags);
  const data = f.data ?? 'moons';
  const isToy = (TOY2D_NAMES as readonly string[]).includes(data);
  const run: FlowRunOptions = {
    data,
    epochs: f.epochs ?? (isToy ? 1000 : 5),
    steps: f.steps ?? (isToy && f.epochs === undefined ? 1500 : undefined),
    batchSize: f.batchSize ?? (isToy ? 256 : 64),
    seed: f.seed ?? 0,
    limit: f.limit,
    conditional: f.conditional ?? false,
  };
  const model: Partial<FlowConfig> = definedOnly({
    layers: f.layers,
    levels: f.levels,
    hidden: f.hidden,
    activation: f.activation,
    learningRate: f.lr,
  });
  const outDir = f.out ?? runName(`flow-${f.arch ?? 'realnvp'}`);
  const result = await trainFlowRun(f.arch ?? 'realnvp', model, run, outDir, {
    progress,
    pictures: f.pictures,
  });
  reportFlow(io, result.summary, result.pictures, outDir);
}

function reportFlow(io: CliIO, summary: Record<string, unknown>, pictures: string[], outDir: string): void {
  const num = (k: string) => (typeof summary[k] === 'number' ? summary[k].toFixed(3) : 'n/a');
  const bpd = summary.bits_per_dim === undefined ? '' : `, ${num('bits_per_dim')} bits/dim`;
  io.out(`test log-likelihood ${num('test_loglik')} nats per example${bpd}\n`);
  listRunFiles(io, outDir, pictures);
}

/** The run directory and the files a run wrote, the pictures last: the end of every `train`. */
function listRunFiles(io: CliIO, outDir: string, pictures: string[]): void {
  io.out(`run directory: ${outDir}\n`);
  for (const p of [`${outDir}/summary.json`, `${outDir}/metrics.jsonl`, `${outDir}/checkpoint`, ...pictures])
    io.out(`  ${p}\n`);
}

function report(io: CliIO, summary: Record<string, unknown>, pictures: string[], outDir: string): void {
  const num = (k: string) => (typeof summary[k] === 'number' ? summary[k].toFixed(2) : 'n/a');
  io.out(
    `test ELBO ${num('test_elbo')} nats (reconstruction ${num('test_reconstruction')}, KL ${num('test_kl')}), ` +
      `${String(summary.active_units)} active units\n`,
  );
  listRunFiles(io, outDir, pictures);
}

/** The model kind a run or checkpoint directory holds (`vae`, ..., `flow`), from its config.json. */
async function kindOf(dir: string): Promise<string> {
  const path = join(await findCheckpointDir(dir), 'config.json');
  const config = (await readJsonFile(path, 'checkpoint config')) as { kind?: unknown };
  return String(config.kind);
}

/** `latentlab eval DIR` for a flow: the test log-likelihood (and bits per dimension for images) as JSON. */
async function evalFlow(
  io: CliIO,
  dir: string,
  flags: { data?: string; seed?: number; batchSize?: number },
): Promise<void> {
  const { model, state } = await loadFlow(dir);
  try {
    const data = dataOf(dir, state, flags.data);
    const e = evaluateFlow(model, loadDataset(data).test, {
      seed: flags.seed ?? 1,
      batchSize: flags.batchSize,
    });
    const bpd = e.bitsPerDim === undefined ? {} : { bits_per_dim: e.bitsPerDim };
    const record = {
      model: 'flow',
      arch: model.config.arch,
      data,
      test_loglik: e.loglik,
      ...bpd,
      test_n: e.n,
    };
    io.out(JSON.stringify(record, null, 2) + '\n');
  } finally {
    model.dispose();
  }
}

/** The data set to use with the run in `dir`: `--data` when given, else the one the run was trained on. */
function dataOf(dir: string, state: TrainingState | null, flag: string | undefined): string {
  const data = flag ?? (state?.options.data as string | undefined);
  if (data === undefined) throw new ConfigError(`${dir} does not record its data set; pass --data`);
  return data;
}

/** `latentlab eval DIR`. */
export function evalCommand(io: CliIO): Command {
  return new Command('eval')
    .description('evaluate a trained model (or a fitted mixture) on its test set and print JSON metrics')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .option('--data <name>', 'evaluate on this data set (or, for a mixture, table file) instead of the run’s')
    .option('--iw <K>', 'also the importance-sampled log-likelihood with K samples', nonNegativeInt)
    .option('--seed <s>', 'seed of the binarization and the samples (default 1)', nonNegativeInt)
    .option('--batch-size <n>', 'examples per batch (default 500)', positiveInt)
    .addOption(backendOption())
    .action(
      async (
        dir: string,
        flags: { data?: string; iw?: number; seed?: number; batchSize?: number; backend?: BackendChoice },
      ) => {
        const kind = await kindOf(dir);
        if (isMixtureKind(kind)) return evalMixture(io, dir, flags);
        await initEngine({ backend: flags.backend });
        if (kind === 'flow') return evalFlow(io, dir, flags);
        const { model, state } = await loadVae(dir);
        try {
          const data = dataOf(dir, state, flags.data);
          const split = loadDataset(data);
          const [h, w, c] = model.config.inputShape;
          if (split.test.height !== h || split.test.width !== w || split.test.channels !== c)
            throw new ConfigError(
              `--data ${data} has ${split.test.height}x${split.test.width}x${split.test.channels} images but the model expects ${h}x${w}x${c}`,
            );
          let last = 0;
          const e = evaluateVae(model, split.test, {
            iwSamples: flags.iw ?? 0,
            seed: flags.seed ?? 1,
            batchSize: flags.batchSize,
            onProgress: (done, total) => {
              if (performance.now() - last > 2000 || done === total) {
                last = performance.now();
                io.err(`eval ${done}/${total}\n`);
              }
            },
          });
          io.out(JSON.stringify({ model: model.kind, data, ...evaluationRecord(e) }, null, 2) + '\n');
        } finally {
          model.dispose();
        }
      },
    );
}

async function ensureParent(path: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
}

/** `latentlab sample DIR -n N -o FILE.png`. */
export function sampleCommand(io: CliIO): Command {
  return new Command('sample')
    .description('draw samples from a trained model into a PNG grid (a mixture: into a .csv or .png)')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .option('-n, --count <n>', 'how many samples (default 64; a mixture: 1000)', positiveInt)
    .requiredOption('-o, --output <file>', 'the PNG to write')
    .option('--seed <s>', 'seed of the draws (default 0)', nonNegativeInt)
    .option('--temperature <T>', 'flows: sample z ~ N(0, T^2 I) (default 1)', positiveNumber)
    .addOption(backendOption())
    .action(
      async (
        dir: string,
        flags: {
          count?: number;
          output: string;
          seed?: number;
          temperature?: number;
          backend?: BackendChoice;
        },
      ) => {
        const kind = await kindOf(dir);
        if (isMixtureKind(kind)) return sampleMixture(io, dir, flags);
        await initEngine({ backend: flags.backend });
        if (kind === 'flow') {
          const { model } = await loadFlow(dir);
          try {
            await ensureParent(flags.output);
            const path = await writeFlowSamples(
              model,
              flags.output,
              flags.count ?? 64,
              flags.seed ?? 0,
              flags.temperature ?? 1,
            );
            io.out(`${path}\n`);
          } finally {
            model.dispose();
          }
          return;
        }
        const { model } = await loadVae(dir);
        try {
          await ensureParent(flags.output);
          io.out(`${await writeSamples(model, flags.output, flags.count ?? 64, flags.seed ?? 0)}\n`);
        } finally {
          model.dispose();
        }
      },
    );
}

/** `latentlab interpolate DIR -o FILE.png`. */
export function interpolateCommand(io: CliIO): Command {
  return new Command('interpolate')
    .description('decode straight lines between the latent codes of pairs of test examples')
    .argument('<dir>', 'a run directory (or a checkpoint directory)')
    .requiredOption('-o, --output <file>', 'the PNG to write')
    .option('--pairs <n>', 'pairs of examples, one row each (default 6)', positiveInt)
    .option('--steps <n>', 'images per row, ends included (default 10)', positiveInt)
    .option('--spherical', 'spherical (slerp) instead of linear interpolation')
    .option('--data <name>', 'take the examples from this data set instead of the run’s')
    .addOption(backendOption())
    .action(
      async (
        dir: string,
        flags: {
          output: string;
          pairs?: number;
          steps?: number;
          spherical?: boolean;
          data?: string;
          backend?: BackendChoice;
        },
      ) => {
        await initEngine({ backend: flags.backend });
        const { model, state } = await loadVae(dir);
        try {
          const data = dataOf(dir, state, flags.data);
          if (flags.steps !== undefined && flags.steps < 2)
            throw new ConfigError(`--steps must be at least 2 (the two ends), got ${flags.steps}`);
          await ensureParent(flags.output);
          const path = await writeInterpolation(model, loadDataset(data).test, flags.output, {
            pairs: flags.pairs,
            steps: flags.steps,
            spherical: flags.spherical,
          });
          io.out(`${path}\n`);
        } finally {
          model.dispose();
        }
      },
    );
}
