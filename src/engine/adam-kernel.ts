/**
 * Adam's update as one WebAssembly SIMD kernel for the `wasm` backend.
 *
 * Written as TensorFlow.js ops, one Adam step of a 784-400-20 VAE is about 130 small element-wise kernels (9 to 11
 * ms of a 50 to 70 ms training step on one core). This kernel reads the parameter, both moments and the gradient
 * where they live in the backend's memory and writes the three new tensors in one pass, four lanes at a time:
 *
 *   m' = b1 m + (1 - b1) g,   v' = b2 v + (1 - b2) g^2,   p' = p - lrT m' / (sqrt(v' s2) + eps),
 *
 * with lrT = lr / (1 - b1^t) and s2 = 1 / (1 - b2^t): PyTorch's `torch.optim.Adam` update. The module is 200 bytes
 * of hand-assembled WebAssembly, built here (no binary file, no build step); it imports the backend's own memory.
 *
 * References: D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", 2015,
 * https://arxiv.org/abs/1412.6980; the WebAssembly SIMD opcodes: https://github.com/WebAssembly/simd
 */
import * as tf from '@tensorflow/tfjs-core';
import { F32, get, I32, set, simd, singleFunctionModule, V128 } from './wasm-assembler.js';

export const ADAM_KERNEL = 'LatentlabAdam';

const f32 = (x: number) => [...new Uint8Array(new Float32Array([x]).buffer)];
// v128.load, v128.store, f32x4.splat, f32x4.sqrt, f32x4.add, f32x4.sub, f32x4.mul, f32x4.div
const [LOAD, STORE, SPLAT, SQRT, ADD, SUB, MUL, DIV] = [0, 11, 19, 227, 228, 229, 230, 231].map(simd);
const load = [...LOAD, 0, 0];
const store = [...STORE, 0, 0];

/**
 * `adam(p, m, v, g, pOut, mOut, vOut, n, b1, b2, lrT, s2, eps)`: byte offsets of seven float32 arrays, `n` a
 * multiple of 4 (the caller finishes the tail), then the scalars. Locals: 13 i, 14 end (bytes), 15 b1, 16 1-b1,
 * 17 b2, 18 1-b2, 19 lrT, 20 s2, 21 eps (each splatted to 4 lanes), 22 g, 23 m', 24 v'.
 */
function adamModule(shared = false): Uint8Array {
  const at = (base: number) => [...get(base), ...get(13), 0x6a]; // base + i
  const code = [
    ...get(7), 0x41, 2, 0x74, ...set(14), // end = n << 2
    ...get(8), ...SPLAT, ...set(15),
    0x43, ...f32(1), ...get(8), 0x93, ...SPLAT, ...set(16),
    ...get(9), ...SPLAT, ...set(17),
    0x43, ...f32(1), ...get(9), 0x93, ...SPLAT, ...set(18),
    ...get(10), ...SPLAT, ...set(19),
    ...get(11), ...SPLAT, ...set(20),
    ...get(12), ...SPLAT, ...set(21),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(13), ...get(14), 0x4f, 0x0d, 1, // if i >= end: break
    ...at(3), ...load, ...set(22),
    ...at(1), ...load, ...get(15), ...MUL, ...get(16), ...get(22), ...MUL, ...ADD, ...set(23),
    ...at(2), ...load, ...get(17), ...MUL, ...get(18), ...get(22), ...MUL, ...get(22), ...MUL, ...ADD, ...set(24),
    ...at(5), ...get(23), ...store,
    ...at(6), ...get(24), ...store,
    ...at(4),
    ...at(0), ...load, ...get(19), ...get(23), ...MUL, ...get(24), ...get(20), ...MUL, ...SQRT, ...get(21), ...ADD,
    ...DIV, ...SUB, ...store,
    ...get(13), 0x41, 16, 0x6a, ...set(13), // i += 16
    0x0c, 0, 0x0b, 0x0b, // br loop, end, end
  ]; // prettier-ignore
  const params = Array.from({ length: 13 }, (_, i) => (i < 8 ? I32 : F32));
  return singleFunctionModule(
    'adam',
    params,
    [
      [2, I32],
      [10, V128],
    ],
    code,
    { shared },
  );
}

/** The parts of the wasm backend this kernel uses (not in its public types). */
interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

type AdamFn = (...args: number[]) => void;
let adamFn: AdamFn | undefined;

function instantiate(backend: WasmBackendInternals): AdamFn {
  const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  if (!memory) throw new Error('Adam kernel: the wasm backend does not expose its memory');
  // The threaded build's memory is shared, and a module must declare that to import it.
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(adamModule(shared) as BufferSource), {
    env: { memory },
  });
  return instance.exports.adam as AdamFn;
}

/** The scalars of one step. */
export interface AdamKernelAttrs {
  b1: number;
  b2: number;
  /** lr / (1 - b1^t) */
  lrT: number;
  /** 1 / (1 - b2^t) */
  s2: number;
  eps: number;
}

function adamKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}) {
  const b = backend as WasmBackendInternals;
  adamFn ??= instantiate(b);
  const { p, m, v, g } = inputs as Record<'p' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const { b1, b2, lrT, s2, eps } = attrs as unknown as AdamKernelAttrs;
  // Outputs first: allocating may grow the memory, which detaches views taken before.
  const outs = [0, 1, 2].map(() => b.makeOutput(p.shape, 'float32'));
  const [P, M, V, G, P2, M2, V2] = [p, m, v, g, ...outs].map((t) => b.typedArrayFromHeap(t));
  const n = P.length;
  const n4 = n - (n % 4);
  adamFn(
    P.byteOffset,
    M.byteOffset,
    V.byteOffset,
    G.byteOffset,
    P2.byteOffset,
    M2.byteOffset,
    V2.byteOffset,
    n4,
    b1,
    b2,
    lrT,
    s2,
    eps,
  );
  for (let i = n4; i < n; i++) {
    M2[i] = b1 * M[i] + (1 - b1) * G[i];
    V2[i] = b2 * V[i] + (1 - b2) * G[i] * G[i];
    P2[i] = P[i] - (lrT * M2[i]) / (Math.sqrt(V2[i] * s2) + eps);
  }
  return outs;
}

/** Register the kernel for `wasm` (once). Where WebAssembly SIMD is missing the module fails to compile: false. */
export function registerWasmAdamKernel(): boolean {
  if (tf.getKernel(ADAM_KERNEL, 'wasm') != null) return true;
  if (!WebAssembly.validate(adamModule() as BufferSource)) return false;
  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: 'wasm',
    kernelFunc: adamKernel,
  });
  return true;
}

/** Whether the fused update runs on the current backend. */
export function hasFusedAdam(): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(ADAM_KERNEL, 'wasm') != null;
}

/** One fused Adam update on the wasm backend: the new parameter and moments, `[p', m', v']` (the caller owns them). */
export function fusedAdamUpdate(
  p: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  attrs: AdamKernelAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf
    .engine()
    .runKernel(ADAM_KERNEL, { p, m, v, g }, attrs as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}
