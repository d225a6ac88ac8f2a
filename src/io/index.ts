/** Files: crash-safe writes, JSON helpers, the safetensors format and latentlab checkpoints. */
export {
  appendJsonLine,
  JsonFileError,
  readJsonFile,
  readJsonFileSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
} from './atomic.js';
export {
  asFloat32Arrays,
  CheckpointError,
  decodeSafetensors,
  DTYPES,
  encodeSafetensors,
  namedArrayToTensor,
  tensorToNamedArray,
} from './safetensors.js';
export type { NamedArray, SafetensorsDtype } from './safetensors.js';
export {
  assignWeights,
  CHECKPOINT_FILES,
  CHECKPOINT_FORMAT,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
export type { CheckpointConfig, CheckpointContents, LoadedCheckpoint } from './checkpoint.js';
