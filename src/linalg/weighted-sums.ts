/**
 * Weighted sums of rows, the M-step of a mixture: S_j = sum_i r_ij x_i (for the means) and
 * D_j = sum_i r_ij (x_i - c_j)^2 coordinatewise (for diagonal covariances), leaving out the weights r_ij at or
 * below a threshold per j. Each coordinate is summed over i in order, in either engine: a two-lane float64
 * WebAssembly SIMD kernel (each lane its own coordinate, so the sums are those of the plain loop, bit for bit), or
 * plain JavaScript where SIMD is missing.
 */
import {
  F64_LOAD,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_SPLAT,
  F64X2_SUB,
  functionsModule,
  get,
  I32,
  i32,
  I32_ADD as ADD,
  I32_GE_U as GE_U,
  I32_LOAD,
  I32_MUL as MUL,
  ownMemoryKernel,
  set,
  V128,
  V128_LOAD as V_LOAD,
  V128_STORE as V_STORE,
  type OwnMemoryKernel,
} from '../engine/wasm-assembler.js';
import { packRows } from './row-dots.js';

/**
 * Two functions of the arguments `(x, centres, out, is, js, rs, count, dp)`, over rows of dp float64s (dp even): for
 * t < count, `sums` adds rs[t] x[is[t]] to out[js[t]], and `deviations` adds (rs[t] e) e with e = x[is[t]] -
 * centres[js[t]]. Locals: 8 row bytes, 9 t, 10 x row, 11 out row, 12 c (bytes), 13 centre row; v128 14 r, 15 e.
 */
function weightedSumsModule(): Uint8Array {
  const body = (squared: boolean) => {
    const term = squared
      ? [
          ...get(10), ...get(12), ...ADD, ...V_LOAD, ...get(13), ...get(12), ...ADD, ...V_LOAD, ...F64X2_SUB, ...set(15),
          ...get(14), ...get(15), ...F64X2_MUL, ...get(15), ...F64X2_MUL,
        ]
      : [...get(14), ...get(10), ...get(12), ...ADD, ...V_LOAD, ...F64X2_MUL]; // prettier-ignore
    return [
      ...get(7), ...i32(8), ...MUL, ...set(8),
      ...i32(0), ...set(9),
      0x02, 0x40, 0x03, 0x40, // for t < count
      ...get(9), ...get(6), ...GE_U, 0x0d, 1,
      ...get(0), ...get(3), ...get(9), ...i32(4), ...MUL, ...ADD, ...I32_LOAD, ...get(8), ...MUL, ...ADD, ...set(10),
      ...get(4), ...get(9), ...i32(4), ...MUL, ...ADD, ...I32_LOAD, ...get(8), ...MUL, ...set(13),
      ...get(2), ...get(13), ...ADD, ...set(11),
      ...get(1), ...get(13), ...ADD, ...set(13),
      ...get(5), ...get(9), ...i32(8), ...MUL, ...ADD, ...F64_LOAD, ...F64X2_SPLAT, ...set(14),
      ...i32(0), ...set(12),
      0x02, 0x40, 0x03, 0x40, // for c < row bytes
      ...get(12), ...get(8), ...GE_U, 0x0d, 1,
      ...get(11), ...get(12), ...ADD,
      ...get(11), ...get(12), ...ADD, ...V_LOAD, ...term, ...F64X2_ADD,
      ...V_STORE,
      ...get(12), ...i32(16), ...ADD, ...set(12),
      0x0c, 0, 0x0b, 0x0b,
      ...get(9), ...i32(1), ...ADD, ...set(9),
      0x0c, 0, 0x0b, 0x0b,
    ]; // prettier-ignore
  };
  const params = new Array<number>(8).fill(I32);
  const locals: [number, number][] = [
    [6, I32],
    [2, V128],
  ];
  return functionsModule([
    { name: 'sums', params, locals, code: body(false) },
    { name: 'deviations', params, locals, code: body(true) },
  ]);
}

let kernel: OwnMemoryKernel | null | undefined;

/** The kernels, instantiated once; null where WebAssembly SIMD is missing. */
function simdKernel(): OwnMemoryKernel | null {
  if (kernel === undefined) kernel = ownMemoryKernel(weightedSumsModule());
  return kernel;
}

/** Whether the weighted sums run on WebAssembly SIMD here. */
export function hasSimdWeightedSums(): boolean {
  return simdKernel() !== null;
}

/** Rows of x copied into the kernel's memory per call. */
const CHUNK_ROWS = 1024;

/**
 * sum_i r_ij x_i for each j (`centres` absent) or sum_i r_ij (x_i - c_j)^2 coordinatewise (`centres` given, k x d),
 * over the n x d rows of `x` with the n x k weights `resp`, leaving out r_ij <= skip[j]. Returns k x d.
 *
 * @example
 * const sums = weightedRowSums(x, n, d, resp, k, skip); // then divide row j by N_j for the means
 */
export function weightedRowSums(
  x: Float64Array,
  n: number,
  d: number,
  resp: Float64Array,
  k: number,
  skip: Float64Array,
  centres?: Float64Array,
): Float64Array {
  if (x.length !== n * d)
    throw new Error(`weightedRowSums: argument 'x' must have n * d = ${n * d} entries, got ${x.length}`);
  if (resp.length !== n * k)
    throw new Error(
      `weightedRowSums: argument 'resp' must have n * k = ${n * k} entries, got ${resp.length}`,
    );
  if (centres !== undefined && centres.length !== k * d)
    throw new Error(
      `weightedRowSums: argument 'centres' must have k * d = ${k * d} entries, got ${centres.length}`,
    );
  // Short rows cost more in bookkeeping than the kernel saves.
  const wasm = d >= 32 && n * d >= 65536 ? simdKernel() : null;
  if (wasm === null) return weightedRowSumsScalar(x, n, d, resp, k, skip, centres);
  const { sums, deviations } = wasm.exports;
  const dp = d + (d % 2);
  const chunk = Math.min(CHUNK_ROWS, n);
  // Layout in float64s: out (k x dp), centres (k x dp), a chunk of x (chunk x dp), its weights, then the int32 row
  // and column indices of its terms.
  const outAt = 0;
  const centresAt = k * dp;
  const xAt = 2 * k * dp;
  const weightsAt = xAt + chunk * dp;
  const rowsAt = (weightsAt + chunk * k) * 2; // in int32s
  const colsAt = rowsAt + chunk * k;
  const buffer = wasm.reserve((colsAt + chunk * k) * 4);
  const heap = new Float64Array(buffer);
  const ints = new Int32Array(buffer);
  heap.fill(0, outAt, outAt + 2 * k * dp);
  if (centres !== undefined) packRows(heap, centresAt, centres, 0, k, d, dp);
  for (let first = 0; first < n; first += chunk) {
    const rows = Math.min(chunk, n - first);
    packRows(heap, xAt, x, first, rows, d, dp);
    let count = 0;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < k; j++) {
        const w = resp[(first + r) * k + j];
        if (w <= skip[j]) continue;
        heap[weightsAt + count] = w;
        ints[rowsAt + count] = r;
        ints[colsAt + count] = j;
        count++;
      }
    const fn = centres === undefined ? sums : deviations;
    fn(xAt * 8, centresAt * 8, outAt * 8, rowsAt * 4, colsAt * 4, weightsAt * 8, count, dp);
  }
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) out.set(heap.subarray(outAt + j * dp, outAt + j * dp + d), j * d);
  return out;
}

/** {@link weightedRowSums} in plain JavaScript. */
export function weightedRowSumsScalar(
  x: Float64Array,
  n: number,
  d: number,
  resp: Float64Array,
  k: number,
  skip: Float64Array,
  centres?: Float64Array,
): Float64Array {
  const out = new Float64Array(k * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j];
      if (r <= skip[j]) continue;
      if (centres === undefined) for (let a = 0; a < d; a++) out[j * d + a] += r * x[i * d + a];
      else
        for (let a = 0; a < d; a++) {
          const c = x[i * d + a] - centres[j * d + a];
          out[j * d + a] += r * c * c;
        }
    }
  return out;
}
