/** Files, for Node: crash-safe writes, JSON files, and checkpoints as directories. */
export {
  appendJsonLine,
  JsonFileError,
  readJsonFile,
  readJsonFileSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
} from './atomic.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint-dir.js';
