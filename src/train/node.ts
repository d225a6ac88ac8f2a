/**
 * The run lifecycle, for Node: start, resume, load and evaluate a run of any family in a directory; its
 * checkpoint swap and lock; and the terminal's progress display.
 */
export { startRun, resumeRun, loadRun, ModelSizeError, TrainingDivergedError } from './run.js';
export type { LoadedRun, ResumeRequest, RunIO, RunResult, StartRequest } from './run.js';
export {
  findCheckpointDir,
  isResumable,
  loadRunCheckpoint,
  RUN_CHECKPOINT,
  saveRunCheckpoint,
  writeRunCheckpoint,
} from './run-checkpoint.js';
export { abandonRunDirectories, LOCK_FILE, RunDirectory, RunDirectoryError } from './run-directory.js';
export type { RunDirectoryProblem } from './run-directory.js';
export { progressCallback } from './progress.js';
export type { ProgressOptions } from './progress.js';
