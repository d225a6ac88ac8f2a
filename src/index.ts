/**
 * latentlab: deep generative models as variational inference, in TypeScript. This entry point runs in a browser as
 * in Node: it imports no Node module. What reads and writes files (data loaders, checkpoints on disk, PNGs, the run
 * lifecycle, the command line) is in `latentlab/node`.
 *
 * Everything public is named here; there are no default exports. `tf` is the TensorFlow.js namespace latentlab
 * itself uses (with gradients and the wasm kernel fixes registered): build tensors with it.
 */
export * as tf from './engine/tf.js';
export * from './engine/index.js';
export * from './distributions/index.js';
export * from './linalg/index.js';
export * from './plot/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './inference/index.js';
export * from './metrics/index.js';
export * from './train/index.js';
export * from './bijectors/index.js';
export * from './families/exports.js';
