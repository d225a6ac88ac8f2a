/** The training loop shared by every model family, its callbacks and run checkpoints. */
export { fit, stepSeed, NonFiniteLossError } from './trainer.js';
export type {
  TrainableModel,
  StepContext,
  StepFn,
  EvaluateFn,
  Callback,
  FitOptions,
  TrainResult,
} from './trainer.js';
export { progressCallback, earlyStopping, formatNumber, formatDuration } from './callbacks.js';
export type { ProgressOptions, EarlyStoppingOptions } from './callbacks.js';
export { saveRunCheckpoint, loadRunCheckpoint, findCheckpointDir, RUN_CHECKPOINT } from './run-checkpoint.js';
export type { TrainingState } from './run-checkpoint.js';
