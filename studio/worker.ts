/**
 * The studio's training worker: a RealNVP flow fitted to a toy 2-D density by the library's own flow family (its
 * model, its training step, its data), one step at a time, yielding to its message queue between steps so that
 * pause and single steps act at once.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../src/engine/tf.js';
import { deriveSeed } from '../src/engine/random.js';
import { initEngine } from '../src/engine/backend.js';
import { batches, type Batch } from '../src/data/batches.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import type { Dataset } from '../src/data/dataset.js';
import { resolveFlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { FlowModel } from '../src/families/flow/model.js';
import type { FlowSetup, FromWorker, ToWorker } from './protocol.js';

const post = (message: FromWorker) => self.postMessage(message);

/** The grid of the density picture, and how often it is drawn. */
const GRID = 64;
const EXTENT = 4;
const FRAME_EVERY = 25;

interface Run {
  setup: FlowSetup;
  flow: FlowModel;
  train: Dataset;
  test: Dataset;
  epoch: number;
  batchesPerEpoch: number;
  pending: Batch[];
  step: number;
}

let run: Run | null = null;
let playing = false;
let delayMs = 0;
let looping = false;

function start(setup: FlowSetup): Run {
  run?.flow.dispose();
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
    while (playing && run !== null) {
      trainOne(run);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  } finally {
    looping = false;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    const message = event.data;
    switch (message.type) {
      case 'setup':
        run = start(message.setup);
        post({ type: 'progress', step: 0, loss: NaN, heldOut: heldOut(run), playing });
        frame(run);
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
        if (run !== null) trainOne(run);
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
