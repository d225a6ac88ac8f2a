/** Optimizers over named parameters (a module's `parameters()`). */
export { Adam, OptimizerError, type AdamOptions, type Readout, type SavedTensor } from './adam.js';
