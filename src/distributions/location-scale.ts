/**
 * The base of univariate location-scale families: X = loc + scale * Z for a fixed standard law of Z (Normal,
 * Laplace, Logistic). It holds the parameters, their validation and the standardisation z = (x - loc) / scale.
 */
import * as tf from '../engine/tf.js';
import {
  broadcastParams,
  checkValues,
  Distribution,
  shouldValidate,
  toFloatTensor,
  type DistributionOptions,
  type TensorInput,
} from './distribution.js';

export abstract class LocationScale extends Distribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  override readonly hasRsample = true;

  /** `loc` must be finite and `scale` positive and finite; both broadcast to the batch shape. */
  constructor(loc: TensorInput, scale: TensorInput, options?: DistributionOptions) {
    super();
    const { shape, tensors, borrowed } = broadcastParams({ loc, scale }, this.name);
    this.borrow(borrowed);
    this.loc = tensors.loc;
    this.scale = tensors.scale;
    this.batchShape = shape;
    if (shouldValidate(options)) {
      checkValues(this.loc, Number.isFinite, 'loc', 'finite', this.name);
      checkValues(this.scale, (v) => v > 0 && Number.isFinite(v), 'scale', 'positive and finite', this.name);
    }
  }

  protected parameters(): tf.Tensor[] {
    return [this.loc, this.scale];
  }

  /** z = (x - loc) / scale, with `x` validated as the argument of `method` (for the error message). */
  protected standardize(x: TensorInput, method: string): tf.Tensor {
    return tf.div(tf.sub(toFloatTensor(x, 'x', `${this.name}.${method}`), this.loc), this.scale);
  }

  /** loc + scale * z: the inverse of `standardize`. */
  protected unstandardize(z: tf.Tensor): tf.Tensor {
    return tf.add(this.loc, tf.mul(this.scale, z));
  }

  override mean(): tf.Tensor {
    return tf.clone(this.loc);
  }
}
