/**
 * What the coupling layers share: masks given as arrays or tensors, the context checks, and the conditioner networks
 * (an MLP for vectors, a small 'same'-padded convolutional net for images), whose last layer starts at zero so that a
 * new coupling layer is the identity.
 */
import * as tf from '../engine/tf.js';
import type { Activation } from '../nn/activations.js';
import { Conv2d } from '../nn/conv2d.js';
import { layerRandom, opSeed } from '../nn/init.js';
import { MLP } from '../nn/mlp.js';
import { Module } from '../nn/module.js';
import { BijectorError } from './bijector.js';

/** A coupling mask: `[d]` for vectors, `[h, w, c]` for NHWC images; entries 0 (transformed) or 1 (kept). */
export type MaskInput = number[] | number[][][] | tf.Tensor;

/** A float32 copy of `mask`, checked to be of rank 1 or 3 with entries 0 or 1. */
export function toMask(mask: MaskInput, where: string): tf.Tensor {
  let t: tf.Tensor;
  try {
    t = mask instanceof tf.Tensor ? tf.cast(mask, 'float32') : tf.tensor(mask, undefined, 'float32');
  } catch (e) {
    throw new BijectorError(`${where}: 'mask' is not a valid array: ${(e as Error).message}`);
  }
  const values = t.dataSync();
  const bad = values.findIndex((v) => v !== 0 && v !== 1);
  if ((t.rank !== 1 && t.rank !== 3) || bad >= 0) {
    const shape = t.shape;
    t.dispose();
    throw new BijectorError(
      bad >= 0
        ? `${where}: 'mask' must hold only 0 and 1, got ${values[bad]} at flat index ${bad}`
        : `${where}: 'mask' must have shape [d] (vectors) or [h, w, c] (images), got [${shape.join(', ')}]`,
    );
  }
  return t;
}

/** Throw unless `x` ends with the mask's shape (an image batch must be `[n, h, w, c]`). */
export function checkAgainstMask(x: tf.Tensor, mask: tf.Tensor, where: string): void {
  const event = x.shape.slice(x.rank - mask.rank);
  const image = mask.rank === 3;
  if (x.rank < mask.rank || event.join(',') !== mask.shape.join(',') || (image && x.rank !== 4))
    throw new BijectorError(
      image
        ? `${where}: 'mask' has shape [${mask.shape.join(', ')}] but x has shape [${x.shape.join(', ')}], expected [n, ${mask.shape.join(', ')}]`
        : `${where}: 'mask' has ${mask.shape[0]} entries but x has ${x.shape[x.rank - 1]} coordinates on its last axis`,
    );
}

/** Throw unless `context` is present exactly when `contextSize` > 0, with shape `[...batch, contextSize]`. */
export function checkContext(
  context: tf.Tensor | undefined,
  contextSize: number,
  batch: number[],
  where: string,
): void {
  if (contextSize === 0) {
    if (context !== undefined)
      throw new BijectorError(`${where}: got a 'context' but the layer was built with contextSize 0`);
    return;
  }
  const want = [...batch, contextSize];
  if (context === undefined)
    throw new BijectorError(
      `${where}: 'context' of shape [${want.join(', ')}] is required (contextSize ${contextSize})`,
    );
  if (context.shape.join(',') !== want.join(','))
    throw new BijectorError(
      `${where}: 'context' has shape [${context.shape.join(', ')}], expected [${want.join(', ')}]`,
    );
}

/** The conditioner's input: the masked x with the context appended (as constant channels for images). */
export function conditionerInput(maskedX: tf.Tensor, context?: tf.Tensor): tf.Tensor {
  if (context === undefined) return maskedX;
  if (maskedX.rank === 4 && context.rank === 2) {
    const [n, h, w] = maskedX.shape;
    const k = context.shape[context.rank - 1];
    return tf.concat([maskedX, tf.broadcastTo(tf.reshape(context, [n, 1, 1, k]), [n, h, w, k])], 3);
  }
  return tf.concat([maskedX, context], maskedX.rank - 1);
}

/** Options shared by the conditioners. */
export interface ConditionerOptions {
  activation?: Activation;
  seed?: number;
}

/**
 * Convolutional conditioner for images: 3x3 'same' convolutions `hidden0`, `hidden1`, ... with `activation`, then a
 * zero-initialised 3x3 'same' convolution `output`.
 */
export class ConvConditioner extends Module {
  private readonly layers: Conv2d[] = [];

  constructor(
    inChannels: number,
    hidden: number[],
    outChannels: number,
    { activation = 'relu', seed }: ConditionerOptions,
  ) {
    super();
    const rng = layerRandom(seed);
    let width = inChannels;
    hidden.forEach((h, i) => {
      this.layers.push(
        this.addModule(`hidden${i}`, new Conv2d(width, h, 3, { activation, seed: opSeed(rng) })),
      );
      width = h;
    });
    const output = this.addModule('output', new Conv2d(width, outChannels, 3, { seed: opSeed(rng) }));
    zeroLayer(output);
    this.layers.push(output);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h), x as tf.Tensor4D));
  }
}

/** An MLP conditioner with its output layer set to zero. */
export function mlpConditioner(
  inFeatures: number,
  hidden: number[],
  outFeatures: number,
  { activation = 'relu', seed }: ConditionerOptions,
): MLP {
  const net = new MLP(inFeatures, hidden, outFeatures, { activation, seed });
  zeroLayer(net.layers[net.layers.length - 1]);
  return net;
}

/** The conditioner for `mask`: an MLP for a vector mask, a {@link ConvConditioner} for an image mask. */
export function makeConditioner(
  mask: tf.Tensor,
  hidden: number[],
  outputsPerCoordinate: number,
  contextSize: number,
  where: string,
  options: ConditionerOptions,
): MLP | ConvConditioner {
  hidden.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1)
      throw new BijectorError(`${where}: 'hidden[${i}]' must be an integer >= 1, got ${h}`);
  });
  if (!Number.isInteger(contextSize) || contextSize < 0)
    throw new BijectorError(`${where}: 'contextSize' must be an integer >= 0, got ${contextSize}`);
  const last = mask.shape[mask.rank - 1];
  return mask.rank === 1
    ? mlpConditioner(last + contextSize, hidden, outputsPerCoordinate * last, options)
    : new ConvConditioner(last + contextSize, hidden, outputsPerCoordinate * last, options);
}

function zeroLayer(layer: { kernel: tf.Variable; bias: tf.Variable }): void {
  tf.tidy(() => {
    layer.kernel.assign(tf.zerosLike(layer.kernel));
    layer.bias.assign(tf.zerosLike(layer.bias));
  });
}
