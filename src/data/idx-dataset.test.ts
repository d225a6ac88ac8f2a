import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { IdxFormatError } from './idx.js';
import { hasIdxFiles, loadIdxDirectory } from './idx-dataset.js';

/** IDX bytes: magic 00 00 code ndim, big-endian sizes, then the values (one byte each, or big-endian int32). */
function idx(shape: number[], values: number[], code = 0x08): Uint8Array {
  const itemSize = code === 0x0c ? 4 : 1;
  const view = new DataView(new ArrayBuffer(4 + 4 * shape.length + values.length * itemSize));
  view.setUint32(0, (code << 8) | shape.length);
  shape.forEach((s, i) => view.setUint32(4 + 4 * i, s));
  const start = 4 + 4 * shape.length;
  values.forEach((v, i) => (itemSize === 4 ? view.setInt32(start + 4 * i, v) : view.setUint8(start + i, v)));
  return new Uint8Array(view.buffer);
}

const root = mkdtempSync(join(tmpdir(), 'latentlab-idxdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory `name` holding the given files. */
function makeDir(name: string, files: Record<string, Uint8Array>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, file), bytes);
  return dir;
}

const trainPixels = [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]; // 3 images of 2x3
const testPixels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]; // 2 images of 2x3
const good = {
  'train-images-idx3-ubyte.gz': gzipSync(idx([3, 2, 3], trainPixels)),
  'train-labels.idx1-ubyte': idx([3], [2, 0, 4]),
  't10k-images.idx3-ubyte.gz': gzipSync(idx([2, 2, 3], testPixels)),
  't10k-labels-idx1-ubyte': idx([2], [1, 1]),
};

describe('loadIdxDirectory', () => {
  it('reads the four files under any accepted name, scales pixels to [0, 1] and counts classes', () => {
    const dir = makeDir('good', good);
    expect(hasIdxFiles(dir)).toBe(true);
    const { name, train, test } = loadIdxDirectory(dir);
    expect(name).toBe(`idx:${dir}`);
    expect([train.n, ...train.shape, train.numClasses, train.kind]).toEqual([3, 2, 3, 1, 5, 'image']);
    expect([test.n, ...test.shape, test.numClasses]).toEqual([2, 2, 3, 1, 5]);
    expect(train.values).toBeAllClose(
      trainPixels.map((v) => v / 255),
      { rtol: 1e-6 },
    );
    expect(test.values).toBeAllClose(
      testPixels.map((v) => v / 255),
      { rtol: 1e-6 },
    );
    expect(Array.from(train.labels ?? [])).toEqual([2, 0, 4]);
    expect(Array.from(test.labels ?? [])).toEqual([1, 1]);
    expect(loadIdxDirectory(dir, 'mine').train.name).toBe('mine-train');
  });

  it('a missing directory gives a DataNotFoundError naming it', () => {
    const dir = join(root, 'absent');
    expect(() => loadIdxDirectory(dir)).toThrow(DataNotFoundError);
    expect(() => loadIdxDirectory(dir)).toThrow(`IDX data directory not found: ${dir}`);
  });

  it('a missing file gives a DataNotFoundError naming the path it looked for', () => {
    const { 't10k-labels-idx1-ubyte': _, ...rest } = good;
    const dir = makeDir('no-test-labels', rest);
    expect(hasIdxFiles(dir)).toBe(false);
    expect(() => loadIdxDirectory(dir)).toThrow(DataNotFoundError);
    expect(() => loadIdxDirectory(dir)).toThrow(
      `IDX file not found: looked for ${join(dir, 't10k-labels-idx1-ubyte')} (also with .gz, or named ` +
        't10k-labels.idx1-ubyte)',
    );
  });

  const bad = [
    [
      '2-D images',
      { 'train-images-idx3-ubyte': idx([3, 6], trainPixels) },
      (d: string) =>
        `${join(d, 'train-images-idx3-ubyte')}: expected 3-D unsigned-byte images (n x height x width), got 2-D Uint8Array`,
    ],
    [
      'int32 images',
      { 'train-images-idx3-ubyte': idx([3, 2, 3], trainPixels, 0x0c) },
      (d: string) =>
        `${join(d, 'train-images-idx3-ubyte')}: expected 3-D unsigned-byte images (n x height x width), got 3-D Int32Array`,
    ],
    [
      'too few labels',
      { 'train-labels.idx1-ubyte': idx([2], [2, 0]) },
      (d: string) =>
        `${join(d, 'train-labels.idx1-ubyte')}: 2 labels for the 3 images of ${join(d, 'train-images-idx3-ubyte.gz')}`,
    ],
    [
      '2-D labels',
      { 'train-labels.idx1-ubyte': idx([3, 1], [2, 0, 4]) },
      (d: string) => `${join(d, 'train-labels.idx1-ubyte')}: expected 1-D labels, got shape 3x1`,
    ],
    [
      'negative labels',
      { 'train-labels.idx1-ubyte': idx([3], [2, -1, 4], 0x0c) },
      (d: string) =>
        `${join(d, 'train-labels.idx1-ubyte')}: label -1 at position 1 is not a non-negative integer`,
    ],
    [
      'test images of another size',
      { 't10k-images.idx3-ubyte.gz': idx([2, 3, 2], testPixels) },
      (d: string) => `${d}: training images are 2x3 but test images are 3x2`,
    ],
  ] as const;

  it.each(bad)('%s give a one-line IdxFormatError', (name, replace, message) => {
    const dir = makeDir(name.replace(/ /g, '-'), { ...good, ...replace });
    expect(() => loadIdxDirectory(dir)).toThrow(IdxFormatError);
    expect(() => loadIdxDirectory(dir)).toThrow(message(dir));
  });
});
