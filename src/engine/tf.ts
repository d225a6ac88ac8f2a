/**
 * The one door to TensorFlow.js. Every latentlab module imports `tf` from here, so that gradients, the default
 * backends, the wasm kernel fixes and the second-order gradient fixes (`second-order.ts`) are registered before any
 * op runs, whichever module a user imports first.
 *
 * In Node, `@tensorflow/tfjs-core` resolves to its CommonJS bundle, which carries no gradients; they come from
 * `generated/gradients.js`, which `scripts/bundle-gradients.mjs` builds from tfjs-core's ESM sources at install time
 * (as @tensorflow/tfjs does in its own bundle). That copy of the op code shares the global kernel, gradient and
 * engine registries. Chained methods (`x.add(y)`, `x.clone()`) depend on per-copy state, so latentlab calls ops as
 * functions: `tf.add(x, y)`, `tf.clone(x)`.
 */
import './generated/gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmMatMulFix } from './kernels.js';
import { registerWasmSharedCopies } from './shared-copies.js';
import './conv-kernels.js';
import { registerWasmAdamKernel } from './adam-kernel.js';
import { registerCouplingKernels } from './coupling-kernel.js';
import { registerSecondOrderGradients } from './second-order.js';

registerWasmMatMulFix();
registerWasmSharedCopies();
registerWasmAdamKernel();
registerCouplingKernels();
registerSecondOrderGradients();

export * from '@tensorflow/tfjs-core';
