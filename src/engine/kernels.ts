/**
 * Kernel fixes for the `wasm` backend of TensorFlow.js 4.22.
 *
 * `BatchMatMul` with `transposeA` or `transposeB` leaves XNNPACK's fast path on `wasm` (about 42 ms against 3.5 ms
 * for a 128x784x400 product), and every backward pass of a dense layer asks for a transposed product. The fix
 * replaces the kernel with a wrapper that transposes the operand explicitly (a cheap copy) and calls the original
 * kernel untransposed. It changes no numbers beyond float32 rounding of the same sums.
 */
import * as tf from '@tensorflow/tfjs-core';

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
