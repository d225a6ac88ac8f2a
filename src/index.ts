/**
 * latentlab: deep generative models as variational inference, in TypeScript.
 *
 * Everything public is named here; there are no default exports. `tf` is the TensorFlow.js namespace latentlab
 * itself uses (with gradients and the wasm kernel fixes registered): build tensors with it.
 */
export * as tf from './engine/tf.js';
export * from './engine/index.js';
export * from './distributions/index.js';
export * from './linalg/index.js';
export { renderVegaLite, renderVega, svgToPng, writePng, PNG_SIGNATURE } from './plot/chart.js';
export type { RenderOptions } from './plot/chart.js';
