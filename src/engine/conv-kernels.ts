/**
 * Convolution gradients for the `wasm` backend of TensorFlow.js 4.22, built from its fast XNNPACK `Conv2D`.
 *
 * 1. `Conv2DBackpropFilter` is missing on `wasm`: without it no convolution (nor transposed convolution) can be
 *    trained there.
 * 2. `Conv2DBackpropInput` (the input gradient of a convolution, and the forward pass of a transposed one) exists
 *    but is a plain loop, about ten times slower than `Conv2D` on the same work (250 ms against 26 ms for a batch
 *    of 128 7x7x64 maps to 14x14x32 with a 4x4 kernel); it is replaced by a `Conv2D`.
 * 3. `Conv2D` and `FusedConv2D` with `pad: 'same'` give wrong numbers when the stride exceeds the kernel (kernel 2,
 *    stride 3: XNNPACK's own 'same' mode pads differently); they are given TensorFlow's explicit pads instead.
 *
 * The filter gradient is itself a convolution. For a forward convolution with stride s and padding (top, left),
 *
 *   dW[i, j, c, o] = sum_{n, p, q} x[n, p s + i - top, q s + j - left, c] dy[n, p, q, o],
 *
 * which is a stride-1 convolution of the input with channels and batch swapped (`[C, H, W, N]`) by the output
 * gradient read as a filter (`[OH, OW, N, O]`) with dilation s; its output `[C, KH, KW, O]` is transposed to the
 * filter layout `[KH, KW, C, O]`.
 *
 * The input gradient is one stride-1 convolution of dy whose filter holds the s^2 phases of the flipped kernel
 * (the sub-pixel form of a transposed convolution), followed by a depth-to-space interleave. Everything but the
 * small filter rearrangement runs in the backend's own kernels.
 */
import * as tf from '@tensorflow/tfjs-core';

interface BackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Run the wasm backend's own kernel `name` on tensor infos; the caller disposes the result. */
function run(
  name: string,
  backend: tf.KernelBackend,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config == null) throw new Error(`Conv2DBackpropFilter (wasm): the '${name}' kernel is missing`);
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** `Conv2DBackpropFilter` built from the backend's `Transpose`, `Conv2D` and `Slice` kernels. */
function backpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as tf.KernelBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as BackpropFilterAttrs;
  if (dataFormat === 'NCHW')
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat 'NCHW' is not supported; use 'NHWC'`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const { top, left } = info.padInfo;
  // Pad the far side just enough for the dilated "filter" to produce KH x KW outputs; when the forward pass never
  // reached the last rows (a 'valid' convolution whose stride skips them), take no padding and crop the surplus.
  const bottom = kh - info.inHeight - top + (info.outHeight - 1) * info.strideHeight;
  const right = kw - info.inWidth - left + (info.outWidth - 1) * info.strideWidth;
  const temporaries: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temporaries.push(t), t);
  try {
    const xt = keep(run('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
    const dyt = keep(run('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    let grad = keep(
      run(
        'Conv2D',
        backend,
        { x: xt, filter: dyt },
        {
          strides: [1, 1],
          dilations: [info.strideHeight, info.strideWidth],
          pad: [
            [0, 0],
            [top, Math.max(bottom, 0)],
            [left, Math.max(right, 0)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ),
    );
    if (grad.shape[1] !== kh || grad.shape[2] !== kw)
      grad = keep(run('Slice', backend, { x: grad }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] }));
    return run('Transpose', backend, { x: grad }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** The stock `Conv2DBackpropInput` of wasm, kept for NCHW data and to be restored. */
let stockBackpropInput: tf.KernelConfig | undefined;

/**
 * The filter of the sub-pixel form of a transposed convolution: F[a, b, o, (rh, rw, c)] =
 * W[(JH - 1 - a) sh + rh, (JW - 1 - b) sw + rw, c, o], zero where the index passes the kernel.
 */
function phaseFilter(
  w: ArrayLike<number>,
  [kh, kw, cin, cout]: number[],
  sh: number,
  sw: number,
): Float32Array {
  const [jh, jw] = [Math.ceil(kh / sh), Math.ceil(kw / sw)];
  const out = new Float32Array(jh * jw * cout * sh * sw * cin);
  let at = 0;
  for (let a = 0; a < jh; a++)
    for (let b = 0; b < jw; b++)
      for (let o = 0; o < cout; o++)
        for (let rh = 0; rh < sh; rh++)
          for (let rw = 0; rw < sw; rw++) {
            const [i, j] = [(jh - 1 - a) * sh + rh, (jw - 1 - b) * sw + rw];
            for (let c = 0; c < cin; c++, at++)
              if (i < kh && j < kw) out[at] = w[((i * kw + j) * cin + c) * cout + o];
          }
  return out;
}

/**
 * `Conv2DBackpropInput` in sub-pixel form: one stride-1 `Conv2D` of dy with a filter holding the sh x sw phases of
 * the flipped kernel as extra output channels, then a depth-to-space interleave and a crop of the padding. With
 * p = y + top the padded input row, p = q s + r, and k = j s + r the kernel rows of phase r,
 *
 *   dx[p] = sum_j dy[q - j] W[j s + r],
 *
 * a stride-1 correlation of dy with the phase's sub-kernel, flipped; all phases share dy, so they are one
 * convolution with s^2 times the channels and no multiplications by inserted zeros.
 */
function backpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as tf.KernelBackend;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    args.attrs as unknown as BackpropInputAttrs;
  if (dataFormat === 'NCHW')
    return stockBackpropInput!.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [jh, jw] = [Math.ceil(info.filterHeight / sh), Math.ceil(info.filterWidth / sw)];
  const [n, oh, ow] = dy.shape;
  const [h, w, cin] = [info.inHeight, info.inWidth, info.inChannels];
  const { top, left } = info.padInfo;
  // Rows q of every phase, enough to cover the padded rows top .. top + h - 1.
  const [qh, qw] = [Math.ceil((top + h) / sh), Math.ceil((left + w) / sw)];
  const [hz, wz] = [Math.max(qh, oh), Math.max(qw, ow)];
  const temporaries: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo) => (temporaries.push(t), t);
  try {
    const values = phaseFilter(backend.readSync(filter.dataId) as Float32Array, filter.shape, sh, sw);
    const shape = [jh, jw, dy.shape[3], sh * sw * cin];
    const phases = keep({ dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' });
    const z = keep(
      run(
        'Conv2D',
        backend,
        { x: dy, filter: phases },
        {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [
            [0, 0],
            [jh - 1, hz - oh],
            [jw - 1, wz - ow],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ),
    );
    // [n, hz, wz, (sh, sw, c)] -> [n, hz sh, wz sw, c] (depth to space), then crop the padding.
    const split = keep(run('Reshape', backend, { x: z }, { shape: [n * hz, wz, sh, sw * cin] }));
    const moved = keep(run('Transpose', backend, { x: split }, { perm: [0, 2, 1, 3] }));
    const joined = keep(run('Reshape', backend, { x: moved }, { shape: [n, hz * sh, wz * sw, cin] }));
    return run('Slice', backend, { x: joined }, { begin: [0, top, left, 0], size: [n, h, w, cin] });
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** The stock kernels replaced here, keyed by name, so they can be restored. */
const stock = new Map<string, tf.KernelConfig>();

/** Wrap the wasm kernel `name` so that `pad: 'same'` reaches it as TensorFlow's explicit pads. */
function explicitSamePadding(name: 'Conv2D' | 'FusedConv2D'): void {
  const original = tf.getKernel(name, 'wasm');
  if (original == null || stock.has(name)) return;
  stock.set(name, original);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as { pad: unknown; strides: number | [number, number] } & Record<
        string,
        unknown
      >;
      if (attrs.pad !== 'same') return original.kernelFunc(args);
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        (attrs.dilations as number | [number, number] | undefined) ?? 1,
        'same',
      );
      const { top, bottom, left, right } = info.padInfo;
      const pad = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad } });
    },
  });
}

/**
 * Register `Conv2DBackpropFilter` for `wasm` unless the backend already has one. Idempotent; returns whether the
 * kernel is registered afterwards. Runs on import.
 */
export function registerWasmConvFilterGrad(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') != null) return true;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter });
  return true;
}

/**
 * Replace the wasm `Conv2DBackpropInput` by the `Conv2D`-based one (keeping the stock kernel's `setupFunc`, which
 * the backend runs when it starts). Idempotent; returns
 * whether the replacement is registered.
 */
export function registerWasmConvInputGrad(): boolean {
  if (stockBackpropInput !== undefined) return true;
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (original == null) return false;
  stockBackpropInput = original;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: backpropInput });
  return true;
}

/**
 * Make the wasm `Conv2D` and `FusedConv2D` take `pad: 'same'` as explicit pads (see 3. above). Idempotent; returns
 * whether both are wrapped.
 */
export function registerWasmSamePaddingFix(): boolean {
  explicitSamePadding('Conv2D');
  explicitSamePadding('FusedConv2D');
  return stock.has('Conv2D') && stock.has('FusedConv2D');
}

/** Put the stock wasm `Conv2D` and `FusedConv2D` back (for tests that compare against them). */
export function restoreStockWasmSamePadding(): void {
  for (const [name, original] of stock) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  stock.clear();
}

/** Put the stock wasm `Conv2DBackpropInput` back (for tests and benchmarks that compare against it). */
export function restoreStockWasmConvInputGrad(): void {
  if (stockBackpropInput === undefined) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel(stockBackpropInput);
  stockBackpropInput = undefined;
}

registerWasmConvFilterGrad();
registerWasmConvInputGrad();
registerWasmSamePaddingFix();
