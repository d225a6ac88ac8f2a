/**
 * A model family written outside the library: a diagonal Gaussian density fitted by gradient steps, the smallest
 * thing the family interface can hold. It is trained, checkpointed, resumed and loaded by the shared run lifecycle
 * without any change to it: what "Adding a model family" in the README describes. (Inside the library, a family is
 * a folder under src/families/ and one entry in src/families/index.ts, which puts it on the command line too.)
 *
 * Run: npx tsx examples/custom-family.ts [out-dir]
 */
import { fileURLToPath } from 'node:url';
import {
  Adam,
  assignWeights,
  FAMILIES,
  Independent,
  initEngine,
  Module,
  Normal,
  samplesFigure,
  tf,
  type StepFamily,
} from '../src/index.js';
import { loadDataset, loadRun, startRun } from '../src/node.js';

interface GaussianConfig {
  kind: 'gaussian';
  d: number;
  learningRate: number;
  seed: number;
}

/** N(mu, diag(exp(2 s))): two parameter vectors, and the Adam optimizer that trains them. */
class DiagonalGaussian extends Module {
  readonly loc: tf.Variable;
  readonly logScale: tf.Variable;
  readonly optimizer: Adam;

  constructor(readonly config: GaussianConfig) {
    super();
    this.loc = this.addParameter('loc', tf.zeros([config.d]));
    this.logScale = this.addParameter('logScale', tf.zeros([config.d]));
    this.optimizer = new Adam(config.learningRate);
  }

  /** The density as a distribution over vectors of d values (build it inside a tidy). */
  distribution(): Independent {
    return new Independent(new Normal(this.loc, tf.exp(this.logScale)), 1);
  }

  override dispose(): void {
    super.dispose();
    this.optimizer.dispose();
  }
}

/** The family: options, configuration, training step, evaluation, samples, pictures and checkpoints. */
export const gaussianFamily: StepFamily<DiagonalGaussian, GaussianConfig> = {
  name: 'gaussian',
  description: 'a diagonal Gaussian density fitted by maximum likelihood',
  engine: 'tfjs',
  training: 'steps',
  kinds: [{ name: 'gaussian', description: 'a diagonal Gaussian N(mu, diag(sigma^2))' }],
  options: [
    { name: 'lr', type: 'number', min: 0, exclusiveMin: true, default: 0.05, help: 'Adam learning rate' },
  ],
  runDefaults: { data: 'moons', epochs: 3, batchSize: 256 },
  monitor: { metric: 'test_loglik', mode: 'max' },
  tinyRuns: [{ name: 'gaussian', kind: 'gaussian', options: { limit: 1024, epochs: 2 } }],

  resolveConfig: (_kind, options, data) => ({
    kind: 'gaussian',
    d: data.shape.reduce((a, b) => a * b, 1),
    learningRate: options.lr as number,
    seed: options.seed as number,
  }),
  create: (config) => new DiagonalGaussian(config),
  estimateParameters: ({ d }) => 2 * d,
  optimizers: (model) => ({ model: model.optimizer }),

  trainStep: (model, batch) =>
    model.optimizer.minimize(model.parameters(), () => ({
      loss: tf.neg(tf.mean(model.distribution().logProb(batch.x))) as tf.Scalar,
    })),

  evaluate(model, data) {
    const x = tf.tensor2d(Float32Array.from(data.values), [data.n, model.config.d]);
    const total = tf.tidy(() => tf.sum(model.distribution().logProb(x)));
    const loglik = total.dataSync()[0] / data.n;
    tf.dispose([x, total]);
    return { loglik, n: data.n };
  },

  sample(model, n, { seed = 0 }) {
    const x = tf.tidy(() => model.distribution().sample([n], seed));
    const values = x.dataSync() as Float32Array;
    x.dispose();
    return {
      name: 'samples',
      kind: 'vector',
      shape: [model.config.d],
      values,
      labels: null,
      n,
      numClasses: 0,
    };
  },

  pictures: (model, { seed }) =>
    Promise.resolve([
      { name: 'samples', figure: samplesFigure(gaussianFamily.sample(model, 1000, { seed })) },
    ]),

  save: (model) => ({ weights: model.parameters() }),
  restore: (model, checkpoint, source) =>
    assignWeights(model.parameters(), checkpoint.weights, `${source}/weights.safetensors`),
};

/** Train the family on two moons into `out`, then load the run back through the shared lifecycle. */
export async function runCustomFamily(out: string): Promise<{ testLoglik: number; loadedLoglik: number }> {
  await initEngine();
  const { summary } = await startRun(
    { family: gaussianFamily, kind: 'gaussian', out, options: { epochs: 3 } },
    { progress: { stream: { write: () => true } } },
  );
  const run = await loadRun(out, { families: [...FAMILIES, gaussianFamily] });
  const { loglik } = run.family.evaluate(run.model, loadDataset('moons').test!, { seed: 0 });
  run.model.dispose();
  return { testLoglik: summary.test_loglik as number, loadedLoglik: loglik as number };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runCustomFamily(process.argv[2] ?? 'runs/gaussian');
  console.log(`held-out log-likelihood: ${r.testLoglik.toFixed(3)} nats per point`);
}
