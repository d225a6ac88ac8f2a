/**
 * The safetensors file format (https://github.com/huggingface/safetensors), written and read without dependencies:
 *
 *     u64 little-endian N | N bytes of UTF-8 JSON header, space-padded | raw little-endian tensor data
 *
 * The header maps each tensor name to `{ "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }`, with
 * offsets in bytes from the start of the data region; the tensors tile that region exactly, without gaps or overlap.
 * An optional `"__metadata__"` entry maps strings to strings. Files written here load in Python with
 * `safetensors.numpy.load_file` or `safetensors.torch.load_file`.
 */
import * as tf from '../engine/tf.js';

/**
 * Thrown when a checkpoint or safetensors file cannot be read or does not fit the model. Its message is one line
 * naming the file (and the tensor, where there is one), so a command-line tool can print it as it is.
 */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The safetensors dtypes latentlab reads and writes. */
export type SafetensorsDtype = 'F64' | 'F32' | 'I64' | 'I32' | 'U8' | 'BOOL';

/** A tensor's values outside TensorFlow.js: row-major `data` of `shape`, typed as `dtype` says (see {@link DTYPES}). */
export interface NamedArray {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float64Array | Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

type ArrayConstructor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | BigInt64ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor;

/** For each dtype, its typed array (`BOOL` is one byte per value, 0 or 1) and its size in bytes. */
export const DTYPES: Readonly<Record<SafetensorsDtype, { array: ArrayConstructor; itemSize: number }>> = {
  F64: { array: Float64Array, itemSize: 8 },
  F32: { array: Float32Array, itemSize: 4 },
  I64: { array: BigInt64Array, itemSize: 8 },
  I32: { array: Int32Array, itemSize: 4 },
  U8: { array: Uint8Array, itemSize: 1 },
  BOOL: { array: Uint8Array, itemSize: 1 },
};

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse the bytes of every `itemSize`-byte item in place (only needed on big-endian hosts). */
function swapBytes(bytes: Uint8Array, itemSize: number): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN || itemSize === 1) return bytes;
  for (let i = 0; i < bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
  return bytes;
}

const isDtype = (d: unknown): d is SafetensorsDtype => typeof d === 'string' && Object.hasOwn(DTYPES, d);
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const fmtShape = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * The bytes of a safetensors file holding `tensors` (and `metadata` as `__metadata__`). Tensors are laid out by
 * decreasing item size, so every tensor starts aligned to its own dtype, as Python's writer does.
 *
 * @example
 * const bytes = encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]]));
 */
export function encodeSafetensors(
  tensors: Map<string, NamedArray>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata))
      if (typeof value !== 'string')
        throw new TypeError(
          `encodeSafetensors: metadata ${JSON.stringify(key)} must be a string, got ${typeof value}`,
        );
    header.__metadata__ = metadata;
  }
  for (const [name, a] of tensors) {
    const where = `encodeSafetensors: tensor ${JSON.stringify(name)}`;
    if (name === '' || name === '__metadata__') throw new TypeError(`${where}: this name is not allowed`);
    if (!isDtype(a.dtype)) throw new TypeError(`${where}: unknown dtype ${String(a.dtype)}`);
    if (!Array.isArray(a.shape) || !a.shape.every(isCount))
      throw new TypeError(`${where}: shape must be non-negative integers, got ${JSON.stringify(a.shape)}`);
    if (!(a.data instanceof DTYPES[a.dtype].array))
      throw new TypeError(`${where}: dtype ${a.dtype} needs a ${DTYPES[a.dtype].array.name}`);
    if (a.data.length !== sizeOf(a.shape))
      throw new TypeError(
        `${where}: shape ${fmtShape(a.shape)} needs ${sizeOf(a.shape)} values, got ${a.data.length}`,
      );
  }
  const entries = [...tensors].sort(([, a], [, b]) => DTYPES[b.dtype].itemSize - DTYPES[a.dtype].itemSize);
  const begins: number[] = [];
  let offset = 0;
  for (const [name, a] of entries) {
    begins.push(offset);
    header[name] = { dtype: a.dtype, shape: a.shape, data_offsets: [offset, offset + a.data.byteLength] };
    offset += a.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces, which JSON ignores
  entries.forEach(([, a], i) => {
    const raw = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    out.set(swapBytes(Uint8Array.from(raw), DTYPES[a.dtype].itemSize), 8 + padded + begins[i]);
  });
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** Check one header entry against the dtypes, its shape and the size of the data region. */
function parseEntry(name: string, raw: unknown, dataLength: number, fail: (msg: string) => never): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    fail(`${where}: header entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isDtype(dtype))
    fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
    fail(
      `${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`,
    );
  const [begin, end] = offsets;
  if (end > dataLength)
    fail(
      `${where}: data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes; truncated?)`,
    );
  const needed = sizeOf(shape) * DTYPES[dtype].itemSize;
  if (end - begin !== needed)
    fail(
      `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} shape ${fmtShape(shape)} needs ${needed}`,
    );
  return { name, dtype, shape, begin, end };
}

/**
 * Parse the bytes of a safetensors file, checking everything: the header length against the file size, the JSON,
 * each dtype, shape and offset, and that the tensors tile the data region exactly. Any problem throws a
 * {@link CheckpointError} whose message starts with `source` (the file name) and names the tensor. The returned
 * arrays are copies, so `bytes` can be dropped.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(await readFile(path), path);
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
): { tensors: Map<string, NamedArray>; metadata: Record<string, string> } {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  if (bytes.length < 8)
    fail(`file is ${bytes.length} bytes, too short for a safetensors header (needs at least 8)`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8))
    fail(
      `header length ${headerLength} bytes exceeds the ${bytes.length - 8} bytes after it (truncated, or not safetensors)`,
    );
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    fail(`header is not valid UTF-8 JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail('header must be a JSON object mapping tensor names to entries');

  const { __metadata__: rawMetadata, ...rawEntries } = header as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if (rawMetadata !== undefined) {
    if (rawMetadata === null || typeof rawMetadata !== 'object' || Array.isArray(rawMetadata))
      fail('__metadata__ must be an object mapping strings to strings');
    for (const [key, value] of Object.entries(rawMetadata as object)) {
      if (typeof value !== 'string')
        fail(`__metadata__ ${JSON.stringify(key)} must be a string, got ${JSON.stringify(value)}`);
      metadata[key] = value as string;
    }
  }

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries = Object.entries(rawEntries).map(([name, raw]) => parseEntry(name, raw, dataLength, fail));
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const e of byOffset) {
    if (e.begin < covered)
      fail(
        `tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${JSON.stringify(previous)}`,
      );
    if (e.begin > covered)
      fail(`data bytes [${covered}, ${e.begin}) belong to no tensor (before ${JSON.stringify(e.name)})`);
    covered = e.end;
    previous = e.name;
  }
  if (covered !== dataLength) fail(`the last ${dataLength - covered} data bytes belong to no tensor`);

  const tensors = new Map<string, NamedArray>();
  for (const e of entries) {
    // A fresh, aligned copy: `bytes` is often a Node Buffer, whose `slice` shares memory with a larger pool.
    const copy = swapBytes(
      Uint8Array.from(bytes.subarray(dataStart + e.begin, dataStart + e.end)),
      DTYPES[e.dtype].itemSize,
    );
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: new DTYPES[e.dtype].array(copy.buffer as ArrayBuffer),
    });
  }
  return { tensors, metadata };
}

/**
 * A copy of `t`'s values as a {@link NamedArray}: float32 to `F32`, int32 to `I32`, bool to `BOOL`.
 *
 * @example
 * tensorToNamedArray(tf.tensor([[1, 2]])); // { dtype: 'F32', shape: [1, 2], data: Float32Array [1, 2] }
 */
export function tensorToNamedArray(t: tf.Tensor): NamedArray {
  const shape = [...t.shape];
  if (t.dtype === 'float32')
    return { dtype: 'F32', shape, data: Float32Array.from(t.dataSync() as Float32Array) };
  if (t.dtype === 'int32') return { dtype: 'I32', shape, data: Int32Array.from(t.dataSync() as Int32Array) };
  if (t.dtype === 'bool') return { dtype: 'BOOL', shape, data: Uint8Array.from(t.dataSync() as Uint8Array) };
  throw new TypeError(`tensorToNamedArray: cannot store a ${t.dtype} tensor in safetensors`);
}

/**
 * A new tensor holding `a`'s values. TensorFlow.js has fewer dtypes than safetensors: `F64` becomes float32 (rounded),
 * `I64` and `U8` become int32 (an `I64` value outside the int32 range throws), `BOOL` becomes bool.
 *
 * @example
 * namedArrayToTensor({ dtype: 'F64', shape: [2], data: new Float64Array([0.5, 1]) }); // float32 [0.5, 1]
 */
export function namedArrayToTensor(a: NamedArray): tf.Tensor {
  switch (a.dtype) {
    case 'F32':
    case 'F64':
      return tf.tensor(Float32Array.from(a.data as Float32Array), a.shape, 'float32');
    case 'I32':
    case 'U8':
      return tf.tensor(Int32Array.from(a.data as Int32Array), a.shape, 'int32');
    case 'BOOL':
      return tf.tensor(Uint8Array.from(a.data as Uint8Array), a.shape, 'bool');
    case 'I64': {
      const out = new Int32Array(a.data.length);
      (a.data as BigInt64Array).forEach((v, i) => {
        if (v > 2147483647n || v < -2147483648n)
          throw new RangeError(`namedArrayToTensor: I64 value ${v} at index ${i} does not fit in int32`);
        out[i] = Number(v);
      });
      return tf.tensor(out, a.shape, 'int32');
    }
  }
}

/**
 * The arrays of a decoded file as float32 `{ shape, data }` records, the form optimizers' `loadState` and modules'
 * `loadParameters` take (F64 narrowed, integers converted).
 */
export function asFloat32Arrays(
  arrays: Map<string, NamedArray>,
): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map(
    [...arrays].map(([name, a]) => [
      name,
      {
        shape: a.shape,
        data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>),
      },
    ]),
  );
}
