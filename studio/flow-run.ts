/**
 * The flow panel's run: a NICE, RealNVP or Glow flow fitted to a toy 2-D density by the library's own flow family (its model, its
 * training step, its data), one step at a time. The studio's worker drives it, and the page-speed benchmark times the
 * same steps in Node (`bench/page-speed.ts`).
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import * as tf from '../src/engine/tf.js';
import { deriveSeed } from '../src/engine/random.js';
import { batches, type Batch } from '../src/data/batches.js';
import type { DataSplit, Dataset } from '../src/data/dataset.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import { resolveFlowConfig } from '../src/families/flow/config.js';
import { flowFamily } from '../src/families/flow/index.js';
import { FlowModel } from '../src/families/flow/model.js';
import type { StudioSetup } from './protocol.js';

/** What decides a flow panel's run. */
export type FlowRunSetup = Pick<
  StudioSetup,
  'density' | 'seed' | 'arch' | 'layers' | 'hidden' | 'learningRate' | 'batchSize'
>;

/** Training and held-out points drawn from the density. */
export const FLOW_POINTS = { trainSize: 5000, testSize: 1000 };

export class FlowRun {
  readonly flow: FlowModel;
  readonly train: Dataset;
  /** The held-out points; null for a table, which has none (as `latentlab train --data FILE` has none). */
  readonly test: Dataset | null;
  /** The set-up's batch size, or all the points where there are fewer (a few drawn points). */
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /** Steps taken, and epochs begun. */
  step = 0;
  epoch = 0;
  /** The batches of the epoch in hand, made one at a time as the trainer makes them. */
  private pending: Iterator<Batch> | null = null;

  /**
   * A flow of architecture `arch` with `layers` couplings of two hidden layers of `hidden` units, on `density`'s points, or on
   * `data` where given (the user's own points: see studio/data.ts).
   *
   * @example
   * const run = new FlowRun({ density: 'moons', seed: 0, arch: 'realnvp', layers: 8, hidden: 64, learningRate: 1e-3, batchSize: 256 });
   * run.trainOne(); // the batch's -mean log q(x)
   */
  constructor(
    readonly setup: FlowRunSetup,
    data: DataSplit = toy2dDataset(setup.density, { ...FLOW_POINTS, seed: setup.seed }),
  ) {
    const { train, test } = data;
    this.train = train;
    this.test = test;
    this.flow = new FlowModel(
      resolveFlowConfig(setup.arch, {
        inputShape: [2],
        layers: setup.layers,
        hidden: [setup.hidden, setup.hidden],
        learningRate: setup.learningRate,
        seed: setup.seed,
      }),
    );
    this.batchSize = Math.min(setup.batchSize, train.n);
    this.batchesPerEpoch = Math.floor(train.n / this.batchSize);
  }

  private nextBatch(): Batch {
    for (;;) {
      this.pending ??= batches(this.train, {
        batchSize: this.batchSize,
        seed: this.setup.seed,
        epoch: this.epoch++,
        dropLast: true,
      });
      const next = this.pending.next();
      if (next.done !== true) return next.value;
      this.pending = null;
    }
  }

  /** One step of the flow family's training on the next batch; returns the batch's loss, -mean log q(x). */
  trainOne(): number {
    const batch = this.nextBatch();
    try {
      const { loss } = flowFamily.trainStep(this.flow, batch, {
        epoch: this.epoch - 1,
        batch: batch.index,
        step: this.step,
        progress: this.epoch - 1 + batch.index / this.batchesPerEpoch,
        seed: deriveSeed(this.setup.seed, 'step', this.step),
        batchesPerEpoch: this.batchesPerEpoch,
        datasetSize: this.train.n,
      });
      this.step += 1;
      return loss;
    } finally {
      tf.dispose([batch.x, batch.labels ?? []]);
    }
  }

  /** -mean log q(x) of the held-out points; null where there are none. */
  heldOut(): number | null {
    const { test } = this;
    if (test === null) return null;
    return tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(test.values), [test.n, 2]);
      return -tf.mean(this.flow.logProb(x)).dataSync()[0];
    });
  }

  dispose(): void {
    this.pending = null;
    this.flow.dispose();
  }
}
