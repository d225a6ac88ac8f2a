/**
 * `Chain`: the composition of bijectors, a normalizing flow's stack of layers.
 */
import * as tf from '../engine/tf.js';
import { Bijector, BijectorError, sumRightmost } from './bijector.js';

/**
 * The composition of `bijectors`, applied IN THE ORDER GIVEN by `forward`: x -> b0 -> b1 -> ... -> y, the order of
 * normflows' `flows` list and of PyTorch's `nn.Sequential` (TFP's `tfb.Chain([b0, b1])` is the reverse: it applies
 * b1 first). `inverse` runs them in reverse order, and the log-dets add up:
 *
 *   log|det J_chain(x)| = sum_i log|det J_{b_i}(x_i)|, x_0 = x, x_{i+1} = b_i(x_i).
 *
 * The direction convention of latentlab: `forward` is the sampling direction (noise z to data x, x = f(z), as in TFP
 * and distrax's TransformedDistribution), `inverse` the density direction (data to noise). So the first bijector of
 * a chain sits next to the base distribution and the last next to the data.
 *
 * The children are modules `layer0`, `layer1`, ... (parameters read `layer3.net.hidden0.kernel`) and are disposed
 * with the chain. `eventNdims` is the largest of the children's; the log-det of a child with fewer event dimensions
 * is summed over the rest.
 *
 * @example
 * const flow = new Chain([
 *   new AffineCoupling(alternatingMask(2, 0), { seed: 1 }),
 *   new AffineCoupling(alternatingMask(2, 1), { seed: 2 }),
 * ]);
 * const [x, logDet] = flow.forwardAndLogDet(z);
 *
 * References: G. Papamakarios et al., "Normalizing Flows for Probabilistic Modeling and Inference", 2021, section 2.2,
 * https://arxiv.org/abs/1912.02762
 */
export class Chain extends Bijector {
  readonly eventNdims: number;
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: Bijector[]) {
    super();
    if (bijectors.length === 0) throw new BijectorError(`Chain: 'bijectors' must hold at least one bijector`);
    this.bijectors = bijectors.map((b, i) => this.addModule(`layer${i}`, b));
    this.eventNdims = Math.max(...bijectors.map((b) => b.eventNdims));
  }

  forwardAndLogDet(x: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.batchShapeOf(x);
    return tf.tidy(() => {
      let logDet: tf.Tensor | undefined;
      let y = x;
      for (const b of this.bijectors) {
        const [next, ld] = b.forwardAndLogDet(y, context);
        logDet = this.accumulate(logDet, ld, b);
        y = next;
      }
      return [y, logDet!];
    });
  }

  override inverseAndLogDet(y: tf.Tensor, context?: tf.Tensor): [tf.Tensor, tf.Tensor] {
    this.batchShapeOf(y, 'inverseAndLogDet');
    return tf.tidy(() => {
      let logDet: tf.Tensor | undefined;
      let x = y;
      for (let i = this.bijectors.length - 1; i >= 0; i--) {
        const [next, ld] = this.bijectors[i].inverseAndLogDet(x, context);
        logDet = this.accumulate(logDet, ld, this.bijectors[i]);
        x = next;
      }
      return [x, logDet!];
    });
  }

  /**
   * Initialise each child on data: `x` is a data batch, so the chain runs in the inverse (data -> noise) direction,
   * last child first, each child initialising on the value it receives in that pass and then mapping it onwards
   * with its freshly initialised parameters.
   */
  override initialize(x: tf.Tensor, context?: tf.Tensor): void {
    let value = x;
    for (let i = this.bijectors.length - 1; i >= 0; i--) {
      const b = this.bijectors[i];
      b.initialize(value, context);
      if (i > 0) {
        const next = b.inverse(value, context);
        if (value !== x) value.dispose();
        value = next;
      }
    }
    if (value !== x) value.dispose();
  }

  /**
   * The intermediate values of the forward pass, [z, b0(z), b1(b0(z)), ..., x]: one more tensor than there are
   * bijectors (the first a copy of `z`), to picture how each layer moves a grid of points. The caller disposes them.
   */
  forwardStages(z: tf.Tensor, context?: tf.Tensor): tf.Tensor[] {
    const stages = [tf.clone(z)];
    for (const b of this.bijectors) stages.push(b.forward(stages[stages.length - 1], context));
    return stages;
  }

  private accumulate(total: tf.Tensor | undefined, ld: tf.Tensor, b: Bijector): tf.Tensor {
    const summed = sumRightmost(ld, this.eventNdims - b.eventNdims);
    return total === undefined ? summed : tf.add(total, summed);
  }
}
