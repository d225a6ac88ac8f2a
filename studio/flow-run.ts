/**
 * The flow panel's run: a NICE, RealNVP or Glow flow fitted to a toy 2-D density (or the user's points) by the
 * library's own flow family, one step at a time. It is a {@link FamilyRun} of the flow family, so its options are
 * parsed by the command line's option code and its batches and step seeds are those of the shared trainer: a run in
 * the panel takes the steps `latentlab train flow` takes on the same points. The studio's worker drives it, and the
 * page-speed benchmark times the same steps in Node (`bench/page-speed.ts`).
 *
 * Unlike a family panel's run it is not offered for download: its points are 5,000 and 1,000 of the density drawn by
 * the run's seed ({@link FLOW_POINTS}), and the run's files could only name the density, which `latentlab eval` and
 * `latentlab train --resume` load as 20,000 and 10,000 points drawn by seed 0, so their numbers would not be the page's.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import type { DataSplit, Dataset } from '../src/data/dataset.js';
import { toy2dDataset } from '../src/data/toy2d.js';
import type { FlowModel } from '../src/families/flow/model.js';
import { FamilyRun } from './family-run.js';
import type { StudioSetup } from './protocol.js';

/** What decides a flow panel's run. */
export type FlowRunSetup = Pick<
  StudioSetup,
  'density' | 'seed' | 'arch' | 'layers' | 'hidden' | 'learningRate' | 'batchSize'
>;

/** Training and held-out points drawn from the density. */
export const FLOW_POINTS = { trainSize: 5000, testSize: 1000 };

/** A flow panel's run: the flow family's {@link FamilyRun}, with the flow, its loss and held-out loss as the panel shows them. */
export class FlowRun {
  /** The flow family's run underneath: its model, options, step count and history. */
  readonly run: FamilyRun;

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
    // The options as `latentlab train flow` takes them as flags; a batch no larger than the points (a few drawn ones).
    const options = {
      arch: setup.arch,
      layers: String(setup.layers),
      hidden: `${setup.hidden},${setup.hidden}`,
      lr: String(setup.learningRate),
      batchSize: String(Math.min(setup.batchSize, data.train.n)),
    };
    this.run = new FamilyRun({ family: 'flow', kind: 'flow', seed: setup.seed, options }, data);
  }

  /** The flow being trained (the frames draw it: flow-frame.ts). */
  get flow(): FlowModel {
    return this.run.model as FlowModel;
  }

  /** The training points. */
  get train(): Dataset {
    return this.run.train;
  }

  /** The held-out points; null for a table, which has none (as `latentlab train --data FILE` has none). */
  get test(): Dataset | null {
    return this.run.test;
  }

  /** The set-up's batch size, or all the points where there are fewer (a few drawn points). */
  get batchSize(): number {
    return this.run.batchSize;
  }

  /** Batches of an epoch, the last one short where the batch size does not divide the points (as the trainer's). */
  get batchesPerEpoch(): number {
    return this.run.batchesPerEpoch;
  }

  /** Steps taken. */
  get step(): number {
    return this.run.step;
  }

  /** Epochs begun. */
  get epoch(): number {
    return this.run.epoch;
  }

  /** One step of the flow family's training on the next batch; returns the batch's loss, -mean log q(x). */
  trainOne(): number {
    return this.run.trainOne().loss;
  }

  /**
   * -mean log q(x) of the held-out points in nats per point (the flow family's evaluation: minus its `loglik`), recorded
   * in the run's history as an evaluation; null where there are none.
   */
  heldOut(): number | null {
    if (this.test === null) return null;
    return -(this.run.evaluate().loglik as number);
  }

  /** Dispose of the flow's weights and optimizer state. */
  dispose(): void {
    this.run.dispose();
  }
}
