/**
 * Checkpoints as data: the safetensors format and latentlab's checkpoint files, encoded and decoded in memory, and
 * tar archives to carry a run's files as one (a browser can save them as downloads). Writing them to disk,
 * atomically, is Node's: see `node.ts`.
 */
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
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint.js';
export type {
  CheckpointConfig,
  CheckpointContents,
  CheckpointFiles,
  LoadedCheckpoint,
  SavedArrays,
} from './checkpoint.js';
export { decodeTar, encodeTar, isTar } from './tar.js';
export type { TarOptions } from './tar.js';
