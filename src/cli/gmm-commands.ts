/**
 * The Gaussian mixtures' commands: `latentlab fit gmm`, and `eval` and `sample` for a mixture's run directory
 * (the shared `eval`/`sample` commands hand mixtures over to the functions here).
 */
import { Command, Option } from 'commander';
import { loadPoints } from '../data/points.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writePng } from '../plot/chart.js';
import { mixturePng } from '../plot/mixture.js';
import { COVARIANCE_TYPES, type CovarianceType } from '../models/gmm-covariance.js';
import { loadMixture } from '../models/gmm-io.js';
import { planeProjection, projectComponents, projectPoints } from '../models/gmm-pictures.js';
import { fitMixtureRun, MixtureRunError, type MixtureRunOptions } from '../models/gmm-run.js';
import { GaussianMixture } from '../models/gmm.js';
import { definedOnly } from '../train/run-checkpoint.js';
import { choice, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from './parse.js';
import { runName } from './run-name.js';
import type { CliIO } from './program.js';

/** The defaults of `latentlab fit gmm`: eight full-covariance components on the eight-Gaussians toy density. */
const FIT_DEFAULTS = { data: '8gaussians', k: 8, covariance: 'full' as CovarianceType, seed: 0 };

const WEIGHT_PRIORS = {
  'dirichlet-process': 'dirichlet_process',
  'dirichlet-distribution': 'dirichlet_distribution',
} as const;

interface FitFlags {
  data?: string;
  k?: number;
  covariance?: CovarianceType;
  bayesian?: boolean;
  seed?: number;
  out?: string;
  maxIter?: number;
  tol?: number;
  regCovar?: number;
  nInit?: number;
  init?: 'kmeans' | 'random';
  means?: string;
  limit?: number;
  weightPrior?: keyof typeof WEIGHT_PRIORS;
  weightConcentration?: number;
  pictures?: boolean;
}

/** `latentlab fit gmm`. */
export function fitCommand(io: CliIO): Command {
  return new Command('fit')
    .description(
      'fit a Gaussian mixture by EM (or variational Bayes) and write its summary and pictures into --out',
    )
    .argument('<model>', 'the model: gmm', choice(['gmm'] as const))
    .option(
      '--data <file|name>',
      `a CSV/TSV/JSON table of numbers, a toy 2-D density (moons, 8gaussians, ...) or an image set (mnist, ` +
        `fashion-mnist, idx:DIR; each image one row) (default ${FIT_DEFAULTS.data})`,
    )
    .option('--k <k>', `mixture components (default ${FIT_DEFAULTS.k})`, positiveInt)
    .addOption(
      new Option('--covariance <type>', 'covariance structure (default full)').choices(COVARIANCE_TYPES),
    )
    .option('--bayesian', 'variational Bayes with a Dirichlet-process prior: unused components are pruned')
    .option('--seed <s>', 'seed of the initialisation (default 0)', nonNegativeInt)
    .option('--out <dir>', 'run directory (default runs/gmm-<time>)')
    .option('--max-iter <n>', 'at most this many iterations (default 100)', positiveInt)
    .option('--tol <t>', 'stop when the bound changes by less than this (default 0.001)', nonNegativeNumber)
    .option('--reg-covar <r>', 'added to the covariance diagonals (default 1e-6)', nonNegativeNumber)
    .option('--n-init <n>', 'EM: initialisations, the best kept (default 1)', positiveInt)
    .addOption(
      new Option('--init <how>', 'EM: initial responsibilities (default kmeans)').choices([
        'kmeans',
        'random',
      ]),
    )
    .option('--means <file>', 'a table of k initial means, one row each (instead of k-means)')
    .option('--limit <n>', 'fit the first n points only', positiveInt)
    .addOption(
      new Option(
        '--weight-prior <kind>',
        'variational Bayes: prior on the weights (default dirichlet-process)',
      ).choices(Object.keys(WEIGHT_PRIORS)),
    )
    .option(
      '--weight-concentration <c>',
      'variational Bayes: its concentration (default 1/k)',
      positiveNumber,
    )
    .option('--no-pictures', 'skip the pictures')
    .action(async (_model: 'gmm', flags: FitFlags) => {
      const f = definedOnly(flags);
      const options: MixtureRunOptions = {
        data: f.data ?? FIT_DEFAULTS.data,
        k: f.k ?? FIT_DEFAULTS.k,
        covariance: f.covariance ?? FIT_DEFAULTS.covariance,
        bayesian: f.bayesian ?? false,
        seed: f.seed ?? FIT_DEFAULTS.seed,
        ...definedOnly({
          maxIter: f.maxIter,
          tol: f.tol,
          regCovar: f.regCovar,
          nInit: f.nInit,
          init: f.init,
          means: f.means,
          limit: f.limit,
          weightPrior: f.weightPrior === undefined ? undefined : WEIGHT_PRIORS[f.weightPrior],
          weightConcentration: f.weightConcentration,
        }),
      };
      const outDir = f.out ?? runName('gmm');
      const result = await fitMixtureRun(options, outDir, {
        progress: { write: (s: string) => io.err(s) },
        pictures: f.pictures,
      });
      const s = result.summary;
      const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : 'n/a');
      const test = s.test_mean_loglik === undefined ? '' : `, held out ${fmt(s.test_mean_loglik)}`;
      const criteria = s.bic === null ? '' : `; BIC ${fmt(s.bic)}, AIC ${fmt(s.aic)}`;
      const active =
        s.active_components === undefined
          ? ''
          : `; ${(s.active_components as number[]).length} of ${options.k} components in use`;
      io.out(`mean log-likelihood ${fmt(s.mean_loglik)} nats per point${test}${criteria}${active}\n`);
      io.out(`run directory: ${outDir}\n`);
      for (const p of [`${outDir}/summary.json`, `${outDir}/checkpoint`, ...result.pictures])
        io.out(`  ${p}\n`);
    });
}

/** The data a mixture run is evaluated on: `--data` when given, else the run's; a data set's test part. */
function evaluationPoints(dir: string, run: Record<string, unknown> | undefined, flag: string | undefined) {
  const data = flag ?? (run?.data as string | undefined);
  if (data === undefined) throw new MixtureRunError(`${dir} does not record its data; pass --data`);
  const source = loadPoints(data);
  return { data, points: source.test ?? source.train };
}

/** `latentlab eval DIR` for a mixture: the mean log-likelihood of `--data` (or the run's held-out data) as JSON. */
export async function evalMixture(io: CliIO, dir: string, flags: { data?: string }): Promise<void> {
  const { model, config } = await loadMixture(dir);
  const { data, points } = evaluationPoints(
    dir,
    config.run as Record<string, unknown> | undefined,
    flags.data,
  );
  if (points.d !== model.d)
    throw new MixtureRunError(
      `--data ${data} has ${points.d} values per point, but the mixture in ${dir} was fitted to ${model.d}`,
    );
  const record = {
    model: config.kind,
    data,
    n: points.n,
    mean_loglik: model.score(points),
    ...(model instanceof GaussianMixture ? { bic: model.bic(points), aic: model.aic(points) } : {}),
  };
  io.out(JSON.stringify(record, null, 2) + '\n');
}

/** `latentlab sample DIR -o FILE` for a mixture: points as CSV (`.csv`), or a picture with the ellipses (`.png`). */
export async function sampleMixture(
  io: CliIO,
  dir: string,
  flags: { count?: number; output: string; seed?: number },
): Promise<void> {
  const { model } = await loadMixture(dir);
  const n = flags.count ?? 1000;
  const drawn = model.sample(n, flags.seed ?? 0);
  if (flags.output.endsWith('.csv')) {
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from(drawn.data.subarray(i * drawn.d, (i + 1) * drawn.d)).join(','),
    );
    await writeFileAtomic(flags.output, rows.join('\n') + '\n');
  } else if (flags.output.endsWith('.png')) {
    if (model.d < 2)
      throw new MixtureRunError(`-o ${flags.output}: a picture needs points of 2 or more values`);
    const projection = planeProjection(drawn);
    const plane = projectPoints(projection, drawn);
    const [xTitle, yTitle] = projection.axes;
    const png = await mixturePng(plane, drawn.labels, projectComponents(model, projection), {
      title: `${n} samples`,
      xTitle,
      yTitle,
    });
    await writePng(flags.output, png);
  } else
    throw new MixtureRunError(`-o ${flags.output}: expected a .csv or .png file for a mixture's samples`);
  io.out(`${flags.output}\n`);
}
