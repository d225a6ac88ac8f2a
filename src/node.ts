/**
 * latentlab for Node (`latentlab/node`): what reads and writes files, beside the core that `latentlab` exports.
 * Data loaders (IDX files, the embedded MNIST digits, Fashion-MNIST, table files, `loadDataset`), atomic writes and
 * checkpoint directories, the shipped feature classifiers of the sample metrics, figures rendered to PNG, the run lifecycle (start, resume, load a run of any family), and
 * the command line.
 *
 * @example
 * import { initEngine, vaeFamily } from 'latentlab';
 * import { startRun } from 'latentlab/node';
 *
 * await initEngine();
 * await startRun({ family: vaeFamily, kind: 'vae', out: 'runs/vae', given: { epochs: { value: 5, source: 'code' } } });
 */
export * from './data/node.js';
export * from './io/node.js';
export * from './metrics/node.js';
export * from './plot/node.js';
export * from './train/node.js';
export { threadsFromEnvironment, useThreadedWasm } from './engine/threaded-wasm.js';
export {
  nativeFromEnvironment,
  nativeKernelsInfo,
  nativeThreadsFromEnvironment,
  stopNativeKernels,
  useNativeKernels,
} from './engine/native-kernels.js';
export type { NativeKernelsInfo, NativeKernelsOptions } from './engine/native-kernels.js';
export { runCli } from './cli/program.js';
export type { CliIO } from './cli/io.js';
