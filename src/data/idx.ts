/**
 * The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
 * `00 00 TT NN` (type code TT, NN dimensions), NN big-endian 32-bit dimension sizes, then the values, big-endian,
 * row-major. Files are often gzipped; gzip is recognised by its magic bytes `1f 8b`, not by the file's name.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataNotFoundError } from './dataset.js';

/** The contents of an IDX file: its dimension sizes and its values, in a typed array of the file's type. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Thrown when bytes are not a well-formed IDX file: a bad magic number, a header or payload that is too short or
 * too long, or corrupt gzip data. The message is one line that starts with the file's name.
 */
export class IdxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdxFormatError';
  }
}

interface IdxType {
  name: string;
  itemSize: number;
  read: (view: DataView, offset: number, count: number) => IdxArray['data'];
}

const TYPES: Record<number, IdxType> = {
  0x08: {
    name: 'unsigned bytes',
    itemSize: 1,
    read: (v, o, n) => new Uint8Array(v.buffer, v.byteOffset + o, n).slice(),
  },
  0x09: {
    name: 'signed bytes',
    itemSize: 1,
    read: (v, o, n) => new Int8Array(v.buffer, v.byteOffset + o, n).slice(),
  },
  0x0b: {
    name: 'shorts',
    itemSize: 2,
    read: (v, o, n) => fill(new Int16Array(n), (i) => v.getInt16(o + 2 * i)),
  },
  0x0c: {
    name: 'ints',
    itemSize: 4,
    read: (v, o, n) => fill(new Int32Array(n), (i) => v.getInt32(o + 4 * i)),
  },
  0x0d: {
    name: 'floats',
    itemSize: 4,
    read: (v, o, n) => fill(new Float32Array(n), (i) => v.getFloat32(o + 4 * i)),
  },
  0x0e: {
    name: 'doubles',
    itemSize: 8,
    read: (v, o, n) => fill(new Float64Array(n), (i) => v.getFloat64(o + 8 * i)),
  },
};

function fill<T extends Int16Array | Int32Array | Float32Array | Float64Array>(
  out: T,
  at: (i: number) => number,
): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

const hex = (value: number, digits: number) => `0x${value.toString(16).padStart(digits, '0')}`;

const EXPECTED_MAGIC =
  Object.entries(TYPES)
    .map(([code, t]) => `0x0000${Number(code).toString(16).padStart(2, '0')}0N for ${t.name}`)
    .join(', ') + ', N = the number of dimensions';

/**
 * Parse the bytes of an IDX file, gzipped or not. `source` names the bytes in error messages (a file name).
 *
 * @example
 * // 2 unsigned bytes in a 1-D array: magic 00 00 08 01, size 2, values 7 and 9
 * parseIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 7, 9), 'tiny'); // { shape: [2], data: Uint8Array [7, 9] }
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new IdxFormatError(`${source}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4)
    throw new IdxFormatError(`${source}: truncated: ${bytes.length} bytes is too short for an IDX header`);
  const magic = view.getUint32(0);
  const type = TYPES[bytes[2]];
  const ndim = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || ndim === 0)
    throw new IdxFormatError(`${source}: bad IDX magic number ${hex(magic, 8)} (expected ${EXPECTED_MAGIC})`);
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize)
    throw new IdxFormatError(
      `${source}: truncated: ${ndim} dimensions need a ${headerSize}-byte header but the file has ${bytes.length} bytes`,
    );
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.itemSize;
  const actual = bytes.length - headerSize;
  if (actual !== expected)
    throw new IdxFormatError(
      `${source}: ${actual < expected ? 'truncated' : 'too long'}: header says ${shape.join('x')} ` +
        `(${expected} bytes) but ${actual} bytes follow`,
    );
  return { shape, data: type.read(view, headerSize, count) };
}

/**
 * Read an IDX file, gzipped or not (detected from its first bytes), checking its header against its size.
 * Throws {@link DataNotFoundError} when the file does not exist and {@link IdxFormatError} when it is malformed.
 *
 * @example
 * const { shape, data } = readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * // shape = [10000], data = Uint8Array of labels 0..9
 */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataNotFoundError(`IDX file not found: ${path}`);
    throw new IdxFormatError(`${path}: cannot read the file (${code ?? (err as Error).message})`);
  }
  return parseIdx(bytes, path);
}
