/** Optimizers over named parameters (a module's `parameters()`). */
export { Adam, OptimizerError, type AdamOptions, type Readout } from './adam.js';
export type { Optimizer, SavedTensor } from './optimizer.js';
