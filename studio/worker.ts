/**
 * The studio's training worker. The family panels: any family trained by steps, through {@link FamilyRun}, with
 * the family's evaluation and pictures sent to the page as it trains. The flow panel: a RealNVP flow fitted to a toy 2-D density by the library's own flow
 * family (its model, its training step, its data), one step at a time, yielding to its message queue between steps
 * so that pause and single steps act at once. The EM panel: the mixture family's `GaussianMixture` fitted to the
 * same data, every iteration kept, and shown one at a time.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../src/engine/tf.js';
import { deriveSeed, Random } from '../src/engine/random.js';
import { initEngine } from '../src/engine/backend.js';
import { batches, type Batch } from '../src/data/batches.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import type { Dataset } from '../src/data/dataset.js';
import { resolveFlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { FlowModel } from '../src/families/flow/model.js';
import { GaussianMixture } from '../src/families/mixture/gmm.js';
import { isToy2dName } from '../src/data/toy2d.js';
import type { DataSplit } from '../src/data/dataset.js';
import { splitMnist } from '../src/data/mnist-split.js';
import { FamilyRun, defaultData, stepFamily } from './family-run.js';
import { decodeMnistBytes } from './mnist-bytes.js';
import {
  isFamilyPanel,
  type FromWorker,
  type MixtureFrame,
  type StudioSetup,
  type ToWorker,
} from './protocol.js';

const post = (message: FromWorker) => self.postMessage(message);

/** The grid of the density picture, and how often it is drawn. */
const GRID = 64;
const EXTENT = 4;
const FRAME_EVERY = 25;

interface Run {
  setup: StudioSetup;
  flow: FlowModel;
  train: Dataset;
  test: Dataset;
  epoch: number;
  batchesPerEpoch: number;
  pending: Batch[];
  step: number;
}

let run: Run | null = null;
/** The EM panel's fit, every iteration of it, and the one shown. */
let mixture: { frames: MixtureFrame[]; shown: number } | null = null;
/** A family panel's run, and when its view was last refreshed and how long that took. */
let familyRun: FamilyRun | null = null;
let lastView = { at: 0, cost: 0 };
/** Set-ups so far: one that finishes after a later one began is dropped. */
let setups = 0;
let playing = false;
let delayMs = 0;
let looping = false;

/** Fit a mixture by EM to the density's training points, keeping every iteration for the page to step through. */
function fitMixture(setup: StudioSetup): MixtureFrame[] {
  const { train } = toy2dDataset(setup.density, { trainSize: 2000, testSize: 0, seed: setup.seed });
  const data = Float32Array.from(train.values);
  // EM starts from k training points drawn by the seed (each point to its nearest), not from k-means, whose start is
  // already an EM-like fit: so the page shows EM doing the work. The tolerance is tighter than the family's default
  // for the same reason.
  const picks = new Random(deriveSeed(setup.seed, 'em-start'))
    .permutation(train.n)
    .slice(0, setup.components);
  const means = Array.from(picks, (i) => [train.values[2 * i], train.values[2 * i + 1]]);
  const gmm = new GaussianMixture(setup.components, {
    seed: setup.seed,
    maxIter: 500,
    tol: 1e-4,
    init: { means },
  });
  const frames: MixtureFrame[] = [];
  gmm.fit(
    { data: Float64Array.from(train.values), n: train.n, d: 2 },
    {
      onIteration: ({ iteration, lowerBound, model }) =>
        frames.push({
          iteration,
          iterations: 0,
          lowerBound,
          converged: model.converged,
          weights: model.weights,
          means: model.means,
          covariances: model.covariances,
          data,
        }),
    },
  );
  for (const frame of frames) frame.iterations = frames.length - 1;
  return frames;
}

function showMixture(m: { frames: MixtureFrame[]; shown: number }): void {
  post({ type: 'mixture', frame: m.frames[m.shown] });
}

/** Show the next EM iteration; false at the last. */
function nextMixture(m: { frames: MixtureFrame[]; shown: number }): boolean {
  if (m.shown + 1 >= m.frames.length) return false;
  m.shown += 1;
  showMixture(m);
  return true;
}

/** The embedded MNIST digits, fetched once from the site's data/ folder. */
let mnistDigits: Promise<Dataset> | null = null;

/** The data set a family panel trains on, by the name the command line's `--data` takes. */
async function loadData(name: string, seed: number): Promise<DataSplit> {
  if (isToy2dName(name)) return toy2dDataset(name);
  if (name === 'mnist') {
    mnistDigits ??= fetch(new URL(/* @vite-ignore */ '../data/mnist.bin', import.meta.url)).then(
      async (r) => {
        if (!r.ok) throw new Error(`cannot load the embedded MNIST digits: ${r.status} ${r.statusText}`);
        return decodeMnistBytes(new Uint8Array(await r.arrayBuffer()), 'data/mnist.bin');
      },
    );
    // The command line's `mnist` is split by seed 0 whatever the run's seed; so is the page's.
    void seed;
    return splitMnist(await mnistDigits, 0);
  }
  throw new RangeError(`the studio has no data set '${name}' (mnist, or a 2-D density)`);
}

/** Start a family panel's run: resolve its options on its data, build its model, and show it untrained. */
async function startFamily(setup: StudioSetup): Promise<void> {
  const generation = ++setups;
  const family = stepFamily(setup.panel);
  const kind = setup.kind === '' ? family.kinds[0].name : setup.kind;
  const data = setup.data === '' ? defaultData(family, kind) : setup.data;
  const split = await loadData(data, setup.seed);
  // A later set-up came while the data loaded: it wins.
  if (generation !== setups) return;
  const r = new FamilyRun({ family: family.name, kind, seed: setup.seed, options: setup.options }, split);
  familyRun = r;
  post({
    type: 'family',
    kind,
    kinds: family.kinds.map((k) => k.name),
    data,
    fields: r.fields,
    parameters: r.model.numParameters(),
  });
  await view(r);
}

/** Send the family run's held-out metrics and pictures. */
async function view(r: FamilyRun): Promise<void> {
  const started = performance.now();
  const metrics = r.evaluate();
  const pictures = await r.pictures();
  if (r !== familyRun) return;
  lastView = { at: performance.now(), cost: performance.now() - started };
  post({ type: 'view', step: r.step, metrics, pictures, seconds: lastView.cost / 1000 });
}

/**
 * Whether the view is due: pictures and evaluation take at most a quarter of the time, and come at most every
 * 1.5 seconds.
 */
const viewDue = () => performance.now() - lastView.at > Math.max(1500, 3 * lastView.cost);

/** One step of a family panel's run, reported to the page. */
async function familyStep(r: FamilyRun, always: boolean): Promise<void> {
  const parts = r.trainOne();
  post({ type: 'parts', step: r.step, epoch: r.step / r.batchesPerEpoch, parts, playing });
  if (always || viewDue()) await view(r);
}

function start(setup: StudioSetup): Run {
  const { train, test } = toy2dDataset(setup.density, { trainSize: 5000, testSize: 1000, seed: setup.seed });
  const flow = new FlowModel(
    resolveFlowConfig('realnvp', {
      inputShape: [2],
      layers: setup.layers,
      hidden: [setup.hidden, setup.hidden],
      learningRate: setup.learningRate,
      seed: setup.seed,
    }),
  );
  const batchesPerEpoch = Math.floor(train.n / setup.batchSize);
  return { setup, flow, train, test, epoch: 0, batchesPerEpoch, pending: [], step: 0 };
}

function nextBatch(r: Run): Batch {
  if (r.pending.length === 0) {
    r.pending = [
      ...batches(r.train, {
        batchSize: r.setup.batchSize,
        seed: r.setup.seed,
        epoch: r.epoch,
        dropLast: true,
      }),
    ];
    r.epoch += 1;
  }
  return r.pending.shift()!;
}

function heldOut(r: Run): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(r.test.values), [r.test.n, 2]);
    return -tf.mean(r.flow.logProb(x)).dataSync()[0];
  });
}

function frame(r: Run): void {
  const centres = new Float32Array(GRID * GRID * 2);
  for (let i = 0; i < GRID; i++)
    for (let j = 0; j < GRID; j++) {
      centres[2 * (i * GRID + j)] = -EXTENT + ((j + 0.5) * 2 * EXTENT) / GRID;
      centres[2 * (i * GRID + j) + 1] = EXTENT - ((i + 0.5) * 2 * EXTENT) / GRID;
    }
  const [logDensity, samples] = tf.tidy(() => [
    r.flow.logProb(tf.tensor2d(centres, [GRID * GRID, 2])).dataSync() as Float32Array,
    r.flow.sample(500, { seed: r.setup.seed + r.step }).dataSync() as Float32Array,
  ]);
  post({
    type: 'frame',
    step: r.step,
    frame: { logDensity, size: GRID, extent: EXTENT, samples, data: Float32Array.from(r.test.values) },
  });
}

function trainOne(r: Run): void {
  const batch = nextBatch(r);
  try {
    const { loss } = flowFamily.trainStep(r.flow, batch, {
      epoch: r.epoch - 1,
      batch: batch.index,
      step: r.step,
      progress: r.epoch - 1 + batch.index / r.batchesPerEpoch,
      seed: deriveSeed(r.setup.seed, 'step', r.step),
      batchesPerEpoch: r.batchesPerEpoch,
      datasetSize: r.train.n,
    });
    r.step += 1;
    const report = r.step % FRAME_EVERY === 0;
    post({ type: 'progress', step: r.step, loss, heldOut: report ? heldOut(r) : null, playing });
    if (report) frame(r);
  } finally {
    tf.dispose([batch.x, batch.labels ?? []]);
  }
}

/** Train while playing, yielding to the message queue between steps. */
async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (playing && (run !== null || mixture !== null || familyRun !== null)) {
      if (familyRun !== null) await familyStep(familyRun, false);
      else if (run !== null) trainOne(run);
      // EM moves in visible steps: an iteration every 150 ms at least.
      else if (!nextMixture(mixture!)) playing = false;
      await new Promise((resolve) =>
        setTimeout(resolve, mixture === null ? delayMs : Math.max(150, delayMs)),
      );
    }
    if (familyRun !== null) await view(familyRun);
  } catch (e) {
    playing = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    looping = false;
  }
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  try {
    const message = event.data;
    switch (message.type) {
      case 'setup':
        playing = false;
        run?.flow.dispose();
        run = null;
        mixture = null;
        familyRun?.dispose();
        familyRun = null;
        setups += 1;
        if (isFamilyPanel(message.setup.panel)) {
          await startFamily(message.setup);
          // A 'play' that came while the data loaded starts the run now.
          if (playing) void loop();
        } else if (message.setup.panel === 'em') {
          mixture = { frames: fitMixture(message.setup), shown: 0 };
          showMixture(mixture);
        } else {
          run = start(message.setup);
          post({ type: 'progress', step: 0, loss: NaN, heldOut: heldOut(run), playing });
          frame(run);
        }
        break;
      case 'play':
        playing = true;
        void loop();
        break;
      case 'pause':
        playing = false;
        break;
      case 'step':
        playing = false;
        if (familyRun !== null) await familyStep(familyRun, true);
        else if (run !== null) trainOne(run);
        else if (mixture !== null) nextMixture(mixture);
        break;
      case 'speed':
        delayMs = message.delayMs;
        break;
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};

// The wasm binaries are served beside the page (the build copies them into wasm/).
setWasmPaths(new URL(/* @vite-ignore */ '../wasm/', import.meta.url).href);
initEngine({ backend: 'wasm' })
  .then((info) => post({ type: 'ready', backend: info.backend }))
  .catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
