/**
 * The embedded MNIST digits as one compact file for the studio (`data/mnist.bin`, written by its build): the
 * package's pixel values are rounded to three decimals and take at most 256 distinct values, so each pixel is a byte
 * indexing a palette of float32 values, and the page gets exactly the values Node's `loadMnist` reads.
 *
 * Layout: `MNST`, then n as a little-endian uint32, the 256 palette values as little-endian float32, the n labels as
 * bytes, and n * 784 palette indices, digits in the package's order (all 0s, then all 1s, ...).
 */
import type { Dataset } from '../src/data/dataset.js';

const MAGIC = 'MNST';
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const HEADER = 4 + 4 + 256 * 4;

/** The bytes of `digits` (every digit, as Node's `readDigits` returns them). */
export function encodeMnistBytes(digits: Dataset): Uint8Array {
  const palette = [...new Set(digits.values)].sort((a, b) => a - b);
  if (palette.length > 256)
    throw new RangeError(
      `encodeMnistBytes: the digits hold ${palette.length} distinct values, at most 256 fit`,
    );
  const index = new Map(palette.map((v, i) => [v, i]));
  const bytes = new Uint8Array(HEADER + digits.n + digits.n * PIXELS);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, digits.n, true);
  palette.forEach((v, i) => view.setFloat32(8 + 4 * i, v, true));
  bytes.set(digits.labels!, HEADER);
  const pixels = bytes.subarray(HEADER + digits.n);
  digits.values.forEach((v, i) => (pixels[i] = index.get(v)!));
  return bytes;
}

/** The digits of {@link encodeMnistBytes}'s bytes; errors name `source`. */
export function decodeMnistBytes(bytes: Uint8Array, source: string): Dataset {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  const n = bytes.length >= 8 ? view.getUint32(4, true) : -1;
  if (magic !== MAGIC || bytes.length !== HEADER + n + n * PIXELS)
    throw new Error(`${source}: not the studio's MNIST file (${bytes.length} bytes)`);
  const palette = new Float32Array(256);
  for (let i = 0; i < 256; i++) palette[i] = view.getFloat32(8 + 4 * i, true);
  const labels = Int32Array.from(bytes.subarray(HEADER, HEADER + n));
  const values = new Float32Array(n * PIXELS);
  const pixels = bytes.subarray(HEADER + n);
  for (let i = 0; i < values.length; i++) values[i] = palette[pixels[i]];
  return { name: 'mnist', kind: 'image', shape: [SIDE, SIDE, 1], values, labels, n, numClasses: 10 };
}
