/**
 * Copies that share memory on the `wasm` backend of TensorFlow.js 4.22.
 *
 * While recording a gradient, TensorFlow.js keeps every tensor a backward pass needs by cloning it (the kernel
 * `Identity`), and many gradients cast a float32 tensor to float32 (`Multiply`'s does, for both operands). On `wasm`
 * both kernels allocate and copy: a RealNVP step on two moons ran 361 Identity and 89 Cast kernels, each a fresh
 * allocation. Tensors are immutable (no kernel writes into its input, and a variable's `assign` takes a new data
 * id), so here both return the input's data with its reference count raised, as TensorFlow.js's `cpu` backend does
 * for `Identity`. A cast to another dtype still runs the original kernel, and so does a copy of data that a `Reshape`
 * shares under another shape: some wasm kernels read an operand's shape from the backend's record of its data
 * (`_FusedMatMul` and the fused convolutions insist on a rank-1 bias there), and a copy is what gives that record the
 * tensor's own shape.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The wasm backend's reference counting and its record of each data id (not in its public types). */
interface WasmData {
  incRef(dataId: tf.DataId): void;
  dataIdMap: { get(dataId: tf.DataId): { shape: number[] } | undefined };
}

const originals = new Map<string, tf.KernelConfig>();

/** Whether the backend records `x`'s data under `x`'s own shape (not a shape it was reshaped from). */
function recordedAs(x: tf.TensorInfo, backend: WasmData): boolean {
  const recorded = backend.dataIdMap.get(x.dataId)?.shape;
  return (
    recorded !== undefined && recorded.length === x.shape.length && recorded.every((d, i) => d === x.shape[i])
  );
}

function patch(kernelName: 'Identity' | 'Cast'): boolean {
  if (originals.has(kernelName)) return true;
  const original = tf.getKernel(kernelName, 'wasm');
  if (original == null) return false;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      const backend = args.backend as unknown as WasmData;
      const sameType = kernelName === 'Identity' || (args.attrs as { dtype?: string }).dtype === x.dtype;
      if (!sameType || x.dtype === 'string' || !recordedAs(x, backend)) return original.kernelFunc(args);
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  originals.set(kernelName, original);
  return true;
}

/** Make `Identity` and same-dtype `Cast` share memory on wasm (once; a no-op where wasm is not registered). */
export function registerWasmSharedCopies(): boolean {
  return patch('Identity') && patch('Cast');
}

/** Put TensorFlow.js's copying kernels back (benchmarks compare against stock TensorFlow.js). */
export function restoreStockWasmCopies(): void {
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  originals.clear();
}
