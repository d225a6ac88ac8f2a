/**
 * The elementwise half of a masked affine coupling as one kernel, with its gradient as one more, on the `wasm` and
 * `cpu` backends.
 *
 * Written as TensorFlow.js ops, the step from the conditioner's output to a RealNVP layer's result (split the output,
 * mask both halves, bound the log-scale by tanh, shift and scale, keep the masked coordinates, sum the log-dets) is
 * about 17 kernels forward and 45 backward with the tape's copies, each a few microseconds of dispatch for a few
 * hundred numbers: on two moons most of a training step. This computes, for every coordinate i with mask m and
 * c = 1 - m, from the conditioner's output split on the last axis into (r, t):
 *
 *   s = a tanh(c r),   z = x exp(s) + c t (forward)   or   z = (x - c t) exp(-s) (inverse),
 *   y = m x + c z,     logDet = sum over the event of c s (forward) or -c s (inverse),
 *
 * with a the log-scale bound, one value or one per channel (the last axis). `AffineTransform` uses it through
 * {@link fusedAffineCoupling}; elsewhere (WebGL, WebGPU) the same maths runs as separate ops.
 *
 * References: L. Dinh, J. Sohl-Dickstein and S. Bengio, "Density estimation using Real NVP", 2017,
 * https://arxiv.org/abs/1605.08803
 */
import * as tf from '@tensorflow/tfjs-core';

export const AFFINE_COUPLING_KERNEL = 'LatentlabAffineCoupling';
export const AFFINE_COUPLING_GRAD_KERNEL = 'LatentlabAffineCouplingGrad';

interface CouplingAttrs {
  inverse: boolean;
  /** Values per event (the mask's size); the log-dets sum over each run of this many. */
  eventSize: number;
}

/**
 * Float32 views of a backend's tensors, and new outputs (the two backends differ here). On wasm, allocating may grow
 * the memory and detach every view taken before, so a kernel allocates all its outputs first, then takes its views.
 */
interface Heap {
  allocate(shapes: number[][]): tf.TensorInfo[];
  view(t: tf.TensorInfo): Float32Array;
}

function heap(backend: unknown): Heap {
  const b = backend as {
    typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array;
    makeOutput?: (shape: number[], dtype: 'float32') => tf.TensorInfo;
    data?: { get(id: tf.DataId): { values: Float32Array } };
    makeTensorInfo?: (shape: number[], dtype: 'float32', values: Float32Array) => tf.TensorInfo;
  };
  if (b.typedArrayFromHeap && b.makeOutput) {
    const { typedArrayFromHeap, makeOutput } = b as Required<typeof b>;
    return {
      allocate: (shapes) => shapes.map((shape) => makeOutput.call(b, shape, 'float32')),
      view: (t) => typedArrayFromHeap.call(b, t),
    };
  }
  // cpu keeps the array it is given, so filling it after the tensor is made is filling the tensor.
  const { data, makeTensorInfo } = b as Required<typeof b>;
  return {
    allocate: (shapes) =>
      shapes.map((shape) =>
        makeTensorInfo.call(b, shape, 'float32', new Float32Array(shape.reduce((p, d) => p * d, 1))),
      ),
    view: (t) => data.get(t.dataId).values,
  };
}

type Inputs = Record<'x' | 'params' | 'mask' | 'scale', tf.TensorInfo>;

/** The coordinates of element i: its channel, its place in the event, and where r and t lie in the params. */
function layout(x: tf.TensorInfo, mask: tf.TensorInfo) {
  const channels = x.shape[x.shape.length - 1];
  return {
    channels,
    size: x.shape.reduce((p, d) => p * d, 1),
    eventSize: mask.shape.reduce((p, d) => p * d, 1),
  };
}

function forwardKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { x, params, mask, scale } = inputs as Inputs;
  const { inverse } = attrs as unknown as CouplingAttrs;
  const h = heap(backend);
  const { channels: C, size, eventSize: E } = layout(x, mask);
  const outputs = h.allocate([x.shape, x.shape.slice(0, x.shape.length - mask.shape.length)]);
  const [Y, L, X, P, M, A] = [...outputs, x, params, mask, scale].map((t) => h.view(t));
  const perChannel = A.length > 1;
  const logDet = new Float64Array(L.length);
  for (let i = 0; i < size; i++) {
    const ch = i % C;
    const row = (i - ch) * 2;
    const m = M[i % E];
    const c = 1 - m;
    const s = (perChannel ? A[ch] : A[0]) * Math.tanh(c * P[row + ch]);
    const t = c * P[row + C + ch];
    const z = inverse ? (X[i] - t) * Math.exp(-s) : X[i] * Math.exp(s) + t;
    Y[i] = m * X[i] + c * z;
    logDet[Math.floor(i / E)] += inverse ? -c * s : c * s;
  }
  L.set(logDet);
  return outputs;
}

function gradKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { dy, dLogDet, x, params, mask, scale } = inputs as Inputs & Record<'dy' | 'dLogDet', tf.TensorInfo>;
  const { inverse } = attrs as unknown as CouplingAttrs;
  const h = heap(backend);
  const { channels: C, size, eventSize: E } = layout(x, mask);
  const outputs = h.allocate([x.shape, params.shape, mask.shape, scale.shape]);
  const [DX, DP, DM, DA, G, GL, X, P, M, A] = [...outputs, dy, dLogDet, x, params, mask, scale].map((t) =>
    h.view(t),
  );
  const perChannel = A.length > 1;
  const dScale = new Float64Array(A.length);
  const sign = inverse ? -1 : 1;
  for (let i = 0; i < size; i++) {
    const ch = i % C;
    const row = (i - ch) * 2;
    const m = M[i % E];
    const c = 1 - m;
    const a = perChannel ? A[ch] : A[0];
    const th = Math.tanh(c * P[row + ch]);
    const e = Math.exp(sign * a * th);
    const t = c * P[row + C + ch];
    const g = G[i];
    // dz/ds: x exp(s) forward, -(x - c t) exp(-s) inverse; dz/dx = exp(sign s).
    const dzds = inverse ? -(X[i] - t) * e : X[i] * e;
    const gs = g * c * dzds + GL[Math.floor(i / E)] * c * sign;
    DX[i] = g * (m + c * e);
    DP[row + ch] = gs * a * (1 - th * th) * c;
    DP[row + C + ch] = inverse ? -g * c * c * e : g * c * c;
    dScale[perChannel ? ch : 0] += gs * th;
  }
  // The mask is a constant of the layer: its gradient is never asked for, but every input needs one.
  DM.fill(0);
  DA.set(dScale);
  return outputs;
}

/** Register both kernels and the gradient on `wasm` and `cpu` (once). */
export function registerCouplingKernels(): void {
  if (tf.getGradient(AFFINE_COUPLING_KERNEL) != null) return;
  for (const backendName of ['wasm', 'cpu']) {
    tf.registerKernel({ kernelName: AFFINE_COUPLING_KERNEL, backendName, kernelFunc: forwardKernel });
    tf.registerKernel({ kernelName: AFFINE_COUPLING_GRAD_KERNEL, backendName, kernelFunc: gradKernel });
  }
  tf.registerGradient({
    kernelName: AFFINE_COUPLING_KERNEL,
    inputsToSave: ['x', 'params', 'mask', 'scale'],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dLogDet] = dys as tf.Tensor[];
      const [x, params, mask, scale] = saved;
      const [dx, dParams, dMask, dScale] = tf
        .engine()
        .runKernel<tf.Tensor[]>(AFFINE_COUPLING_GRAD_KERNEL, { dy, dLogDet, x, params, mask, scale }, attrs);
      return { x: () => dx, params: () => dParams, mask: () => dMask, scale: () => dScale };
    },
  });
}

/**
 * One masked affine coupling step as one kernel (see the module documentation): `[y, logDet]`, with `logDet` of
 * the batch shape (x's shape less the mask's), or undefined where the current backend has no such kernel.
 * `x` is [...batch, ...event], `params` the conditioner's output, [...batch, ...event] with the last axis doubled
 * (r then t), `mask` of the event's shape, `scale` one value or one per channel.
 */
export function fusedAffineCoupling(
  x: tf.Tensor,
  params: tf.Tensor,
  mask: tf.Tensor,
  scale: tf.Tensor,
  inverse: boolean,
): [tf.Tensor, tf.Tensor] | undefined {
  if (tf.getKernel(AFFINE_COUPLING_KERNEL, tf.getBackend()) == null) return undefined;
  const rank = x.rank;
  const channels = x.shape[rank - 1];
  const eventRank = mask.rank;
  const shapesFit =
    params.rank === rank &&
    params.shape[rank - 1] === 2 * channels &&
    params.shape.slice(0, -1).every((d, i) => d === x.shape[i]) &&
    eventRank <= rank &&
    mask.shape.every((d, i) => d === x.shape[rank - eventRank + i]) &&
    (scale.size === 1 || (scale.rank === 1 && scale.size === channels)) &&
    [x, params, mask, scale].every((t) => t.dtype === 'float32');
  if (!shapesFit) return undefined;
  const attrs: CouplingAttrs = { inverse, eventSize: mask.size };
  return tf
    .engine()
    .runKernel<[tf.Tensor, tf.Tensor]>(
      AFFINE_COUPLING_KERNEL,
      { x, params, mask, scale },
      attrs as unknown as tf.NamedAttrMap,
    );
}
