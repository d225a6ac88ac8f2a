/**
 * What the trainer and the checkpoints need of an optimizer: its step count, and its state to save and restore.
 */
import type * as tf from '../engine/tf.js';

/** A saved tensor: a live tensor, or its shape and values as a checkpoint reader returns them. */
export type SavedTensor = tf.Tensor | { shape: number[]; data: Float32Array };

/**
 * An optimizer whose state can be checkpointed. A family names each of its optimizers (`model` for a VAE;
 * `generator` and `discriminator` for a GAN), and a checkpoint stores each state under its name.
 */
export interface Optimizer {
  /** The number of updates applied so far. */
  readonly step: number;
  /** The state for a checkpoint, by entry name; the caller disposes the tensors. */
  state(): Map<string, tf.Tensor>;
  /** Restore a state saved by `state`, checked against `params` (the model's parameters) when given. */
  loadState(state: Map<string, SavedTensor>, params?: Map<string, tf.Variable>): void;
  dispose(): void;
}
