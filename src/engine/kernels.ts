/**
 * Kernel fixes for the `wasm` backend of TensorFlow.js 4.22.
 *
 * `BatchMatMul` with `transposeA` or `transposeB` leaves XNNPACK's fast path on `wasm` (about 42 ms against 3.5 ms
 * for a 128x784x400 product), and every backward pass of a dense layer asks for a transposed product. The fix
 * replaces the kernel with a wrapper that transposes the operand explicitly (a cheap copy) and calls the original
 * kernel untransposed. It changes no numbers beyond float32 rounding of the same sums.
 *
 * In Node a native product can take over both kernels ({@link setNativeMatMul}, installed by `useNativeKernels`
 * from `latentlab/node`): it reads the operands where they lie in the backend's memory, transposed or not, and
 * writes the result there. This file only holds the hook, so it stays free of Node modules.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A native float32 product on the wasm backend's memory: C = op(A) op(B) (+ bias, then relu), with byte offsets of
 * row-major arrays in `memory`; A is [batchA, m, k] (or [batchA, k, m] with `transA`), B is [batchB, k, n] (or
 * [batchB, n, k]), C is [max(batchA, batchB), m, n]; `biasOffset` -1 means no bias.
 */
export type NativeMatMul = (
  memory: ArrayBuffer,
  aOffset: number,
  bOffset: number,
  cOffset: number,
  batchA: number,
  batchB: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  biasOffset: number,
  relu: boolean,
) => void;

let native: NativeMatMul | undefined;
let nativeDescription: string | undefined;

/**
 * Run the wasm products on `product` from now on (`description` says what it is, for `engineInfo`), or on the wasm
 * kernels again with `undefined`.
 */
export function setNativeMatMul(product: NativeMatMul | undefined, description = 'native'): void {
  native = product;
  nativeDescription = product === undefined ? undefined : description;
}

/** What runs the wasm products natively (see {@link setNativeMatMul}), or undefined for the wasm kernels. */
export function nativeMatMulDescription(): string | undefined {
  return nativeDescription;
}

/** The parts of the wasm backend the native path uses (not in its public types). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

const product = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * The product on the native path, or undefined where it does not apply: an operand not float32, a bias that is not
 * one value per output column, an activation other than linear and relu, or a shared memory (the threaded build),
 * which Node-API cannot hand to native code.
 */
function nativeProduct(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  if (native === undefined) return undefined;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation } = args.attrs as unknown as MatMulAttrs & {
    activation?: string;
  };
  if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (preluActivationWeights != null) return undefined;
  if (activation !== undefined && activation !== 'linear' && activation !== 'relu') return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (bias != null && (bias.dtype !== 'float32' || product(bias.shape) !== n || bias.shape.at(-1) !== n))
    return undefined;
  const batchA = product(a.shape.slice(0, -2));
  const batchB = product(b.shape.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const backend = args.backend as unknown as WasmHeap;
  if (
    typeof SharedArrayBuffer !== 'undefined' &&
    backend.typedArrayFromHeap(a).buffer instanceof SharedArrayBuffer
  )
    return undefined;
  const outer = (batchA >= batchB ? a : b).shape.slice(0, -2);
  // The output first: allocating may grow the memory, which replaces its buffer.
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const [A, B, C] = [a, b, out].map((t) => backend.typedArrayFromHeap(t));
  const biasOffset = bias != null ? backend.typedArrayFromHeap(bias).byteOffset : -1;
  native(
    C.buffer as ArrayBuffer,
    A.byteOffset,
    B.byteOffset,
    C.byteOffset,
    batchA,
    batchB,
    m,
    k,
    n,
    transposeA,
    transposeB,
    biasOffset,
    activation === 'relu',
  );
  return out;
}

/** The original kernels replaced by a fix, keyed by `backend/kernel`, so they can be restored (benchmarks, tests). */
const patched = new Map<string, tf.KernelConfig>();

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Swap the last two axes of `x` with the backend's own `Transpose` kernel; the caller disposes the result. */
function transposeLastTwo(
  x: tf.TensorInfo,
  backend: tf.KernelBackend,
  transposeKernel: tf.KernelConfig,
): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Replace `kernelName` on `backendName` by a wrapper that never asks the original for a transposed operand.
 * Idempotent: a second call is a no-op. Returns whether the kernel is (now) patched.
 */
function patchTransposedMatMul(kernelName: string, backendName: string): boolean {
  const key = `${backendName}/${kernelName}`;
  if (patched.has(key)) return true;
  const original = tf.getKernel(kernelName, backendName);
  const transposeKernel = tf.getKernel('Transpose', backendName);
  if (original == null || transposeKernel == null) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    // The wasm backend runs each kernel's setupFunc (binding its wasm export) when it initialises: keep it.
    ...original,
    kernelFunc: (args) => {
      const fromNative = nativeProduct(args);
      if (fromNative !== undefined) return fromNative;
      const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
      if (!transposeA && !transposeB) return original.kernelFunc(args);
      const backend = args.backend as tf.KernelBackend;
      const inputs = { ...args.inputs } as Record<string, tf.TensorInfo>;
      const temporaries: tf.TensorInfo[] = [];
      if (transposeA) {
        inputs.a = transposeLastTwo(inputs.a, backend, transposeKernel);
        temporaries.push(inputs.a);
      }
      if (transposeB) {
        inputs.b = transposeLastTwo(inputs.b, backend, transposeKernel);
        temporaries.push(inputs.b);
      }
      const out = original.kernelFunc({
        ...args,
        inputs,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
      for (const t of temporaries) backend.disposeData(t.dataId);
      return out;
    },
  });
  patched.set(key, original);
  return true;
}

/**
 * Register the `wasm` matrix-product fixes once (for `BatchMatMul` and `_FusedMatMul`). Safe to call many times and
 * before the backend is initialised; it does nothing when the wasm kernels are not registered.
 */
export function registerWasmMatMulFix(): boolean {
  const plain = patchTransposedMatMul('BatchMatMul', 'wasm');
  patchTransposedMatMul('_FusedMatMul', 'wasm');
  return plain;
}

/** Whether {@link registerWasmMatMulFix} has replaced the wasm `BatchMatMul` kernel. */
export function isWasmMatMulFixed(): boolean {
  return patched.has('wasm/BatchMatMul');
}

/**
 * Put the stock wasm matrix-product kernels back (for benchmarks and tests that compare against them); a later
 * {@link registerWasmMatMulFix} applies the fix again.
 */
export function restoreStockWasmMatMul(): void {
  for (const [key, original] of patched) {
    const [backendName, kernelName] = key.split('/');
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel(original);
    patched.delete(key);
  }
}
