/**
 * Training that runs anywhere: the loop shared by every family trained by steps, its callbacks, the option
 * declarations every family uses, the run options, named optimizers in checkpoints, and a run's files in memory (a
 * run directory made from a model, and read back). The run lifecycle (files on disk, locks, PNGs) and the terminal's
 * progress bar are Node's: see `node.ts`.
 */
export { trainSteps, stepSeed, epochsFor, NonFiniteLossError, TrainerError } from './trainer.js';
export type { StepFn, TrainingProgress, Callback, TrainOptions, TrainResult } from './trainer.js';
export { earlyStopping, formatNumber, formatDuration } from './callbacks.js';
export type { EarlyStoppingOptions } from './callbacks.js';
export {
  checkOptionValue,
  defaultOf,
  expected,
  flagOf,
  OptionError,
  parseOptionText,
  resolveOptions,
  usedBy,
} from './options.js';
export type {
  DefaultContext,
  GivenOption,
  OptionCommand,
  OptionDefault,
  OptionSource,
  OptionSpec,
  OptionType,
  OptionValue,
  OptionValues,
  ResolvedOptions,
} from './options.js';
export {
  COMMON_RUN_OPTIONS,
  LENGTH_OPTIONS,
  optionsOf,
  runOptionsOf,
  STEP_RUN_OPTIONS,
  trainingLength,
} from './run-options.js';
export { optimizerStates, restoreOptimizers } from './optimizers.js';
export {
  decodeRunCheckpoint,
  decodeRunFiles,
  decodeRunState,
  encodeModelCheckpoint,
  encodeRun,
  encodeRunCheckpoint,
  familyOfCheckpoint,
  metricsLines,
  prefixed,
  restoreModel,
  restoreRunOptimizers,
  RUN_FILES,
  summaryHead,
} from './run-files.js';
export type { LoadedRunCheckpoint, RunContents, RunState } from './run-files.js';
export { DEFAULT_SAMPLE_COUNT, modelSampleMetrics, sampleReference } from './sample-metrics.js';
export type { SampleReference } from './sample-metrics.js';
