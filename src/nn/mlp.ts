/**
 * `MLP`: a stack of {@link Dense} layers, the encoder and decoder networks of the VAEs in Kingma and Welling's
 * paper (784-400-20 with ReLU units in the peer's benchmark).
 *
 * References: D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", 2014, https://arxiv.org/abs/1312.6114
 */
import * as tf from '../engine/tf.js';
import { parseActivation, type Activation } from './activations.js';
import { Dense } from './dense.js';
import { checkInteger } from './errors.js';
import { layerRandom, opSeed } from './init.js';
import { Module } from './module.js';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** The activation of the hidden layers; default `relu`. */
  activation?: Activation;
  /** The activation of the output layer; default `linear`. */
  outputActivation?: Activation;
  /** Seed of the initial weights (each layer gets its own seed drawn from it); default: the global stream. */
  seed?: number;
}

/**
 * A multilayer perceptron: Dense layers `hidden0`, `hidden1`, ... of the widths in `hidden` with `activation`, then
 * a Dense layer `output` of width `outFeatures` with `outputActivation` (no output layer when `outFeatures` is null,
 * so the network ends with its last hidden layer).
 *
 * @example
 * const encoder = new MLP(784, [400], 40, { seed: 0 }); // hidden0: 784 -> 400 relu, output: 400 -> 40
 * const out = encoder.apply(x); // [batch, 40]
 */
export class MLP extends Module {
  /** The layers in order: the hidden layers, then the output layer when there is one. */
  readonly layers: Dense[] = [];
  /** The width of the last layer (`inFeatures` when there are no layers at all). */
  readonly outFeatures: number;

  constructor(
    readonly inFeatures: number,
    hidden: number[],
    outFeatures: number | null,
    { activation = 'relu', outputActivation = 'linear', seed }: MLPOptions = {},
  ) {
    super();
    const where = `MLP(${inFeatures}, [${hidden.join(', ')}], ${outFeatures})`;
    checkInteger(inFeatures, 'inFeatures', where);
    hidden.forEach((h, i) => checkInteger(h, `hidden[${i}]`, where));
    if (outFeatures !== null) checkInteger(outFeatures, 'outFeatures', where);
    parseActivation(activation, `${where}: activation`);
    parseActivation(outputActivation, `${where}: outputActivation`);
    const rng = layerRandom(seed);
    let width = inFeatures;
    hidden.forEach((h, i) => {
      this.layers.push(this.addModule(`hidden${i}`, new Dense(width, h, { activation, seed: opSeed(rng) })));
      width = h;
    });
    if (outFeatures !== null) {
      this.layers.push(
        this.addModule(
          'output',
          new Dense(width, outFeatures, { activation: outputActivation, seed: opSeed(rng) }),
        ),
      );
      width = outFeatures;
    }
    this.outFeatures = width;
  }

  /** The network's output for x of shape [..., inFeatures]: [..., outFeatures] (`x` itself without layers). */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h), x));
  }
}
