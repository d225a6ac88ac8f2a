export { initEngine, engineInfo, parseBackendChoice, BACKEND_CHOICES } from './backend.js';
export type { BackendChoice, EngineInfo, EngineOptions } from './backend.js';
export { registerWasmMatMulFix, isWasmMatMulFixed, restoreStockWasmMatMul } from './kernels.js';
export { Random, setSeed, nextSeed, resolveSeed, deriveSeed } from './random.js';
export { assertNoLeaks, numTensors, TensorLeakError } from './memory.js';
export { latentlabVersion } from './version.js';
