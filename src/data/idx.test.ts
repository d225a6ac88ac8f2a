import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataNotFoundError } from './dataset.js';
import { IdxFormatError, parseIdx, readIdx } from './idx.js';

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

// Bytes written by numpy, independent of the parser:
//   a = np.array(values, '>u1' | '>i1' | '>i2' | '>i4' | '>f4' | '>f8').reshape(shape)
//   (bytes([0, 0, code, a.ndim]) + b''.join(struct.pack('>I', s) for s in a.shape) + a.tobytes()).hex()
const cases = [
  ['ubyte', '0000080200000002000000030001ff800709', Uint8Array, [2, 3], [0, 1, 255, 128, 7, 9]],
  ['byte', '000009010000000480ff007f', Int8Array, [4], [-128, -1, 0, 127]],
  ['short', '00000b0200000002000000028000fffe012c7fff', Int16Array, [2, 2], [-32768, -2, 300, 32767]],
  [
    'int',
    '00000c010000000480000000fffffffb000100007fffffff',
    Int32Array,
    [4],
    [-2147483648, -5, 65536, 2147483647],
  ],
  [
    'float',
    '00000d03000000020000000100000002bfc000003dcccccd7f7fc99e000116c2',
    Float32Array,
    [2, 1, 2],
    [-1.5, 0.10000000149011612, 3.3999999521443642e38, 9.99994610111476e-41],
  ],
  [
    'double',
    '00000e0100000003c0040000000000003fb999999999999a7e37e43c8800759c',
    Float64Array,
    [3],
    [-2.5, 0.1, 1e300],
  ],
] as const;

const dir = mkdtempSync(join(tmpdir(), 'latentlab-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseIdx and readIdx', () => {
  it.each(cases)(
    'read %s values, raw and gzipped, in memory and from files',
    (name, hex, Type, shape, values) => {
      const raw = fromHex(hex);
      const gz = gzipSync(raw);
      // The file names lie about compression on purpose: gzip is detected from the bytes.
      writeFileSync(join(dir, `${name}.gz`), raw);
      writeFileSync(join(dir, `${name}.idx`), gz);
      for (const result of [
        parseIdx(raw),
        parseIdx(gz),
        readIdx(join(dir, `${name}.gz`)),
        readIdx(join(dir, `${name}.idx`)),
      ]) {
        expect(result.shape).toEqual(shape);
        expect(result.data).toBeInstanceOf(Type);
        expect(Array.from(result.data)).toEqual(values);
      }
    },
  );

  const expectedMagic =
    '(expected 0x0000080N for unsigned bytes, 0x0000090N for signed bytes, 0x00000b0N for shorts, ' +
    '0x00000c0N for ints, 0x00000d0N for floats, 0x00000e0N for doubles, N = the number of dimensions)';
  const header60000 = '0000080300' + '00ea60' + '0000001c' + '0000001c';
  const errors = [
    ['an unknown type code', '00000a03', `f.gz: bad IDX magic number 0x00000a03 ${expectedMagic}`],
    ['non-zero first bytes', '12340801', `f.gz: bad IDX magic number 0x12340801 ${expectedMagic}`],
    ['zero dimensions', '00000800', `f.gz: bad IDX magic number 0x00000800 ${expectedMagic}`],
    ['a short magic number', '0000', 'f.gz: truncated: 2 bytes is too short for an IDX header'],
    [
      'a short header',
      '0000080300000002',
      'f.gz: truncated: 3 dimensions need a 16-byte header but the file has 8 bytes',
    ],
    [
      'a truncated payload',
      header60000 + '00'.repeat(1234),
      'f.gz: truncated: header says 60000x28x28 (47040000 bytes) but 1234 bytes follow',
    ],
    [
      'a payload too long',
      '00000c0100000002' + '00'.repeat(9),
      'f.gz: too long: header says 2 (8 bytes) but 9 bytes follow',
    ],
    ['corrupt gzip', '1f8b0800deadbeef', 'f.gz: corrupt gzip data (unexpected end of file)'],
  ] as const;

  it.each(errors)('%s gives a one-line IdxFormatError', (_, hex, message) => {
    const call = () => parseIdx(fromHex(hex), 'f.gz');
    expect(call).toThrow(IdxFormatError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (err) {
      expect((err as Error).message).toBe(message);
      expect((err as Error).name).toBe('IdxFormatError');
    }
  });

  it('a gzip stream with a bad body names the file', () => {
    const gz = gzipSync(fromHex(cases[0][1]));
    gz[gz.length - 5] ^= 0xff; // break the length/CRC trailer
    const path = join(dir, 'broken.gz');
    writeFileSync(path, gz);
    expect(() => readIdx(path)).toThrow(new RegExp(`^${path}: corrupt gzip data \\(.+\\)$`));
  });

  it('a missing file gives a DataNotFoundError naming it', () => {
    const path = join(dir, 'nope-idx3-ubyte.gz');
    expect(() => readIdx(path)).toThrow(DataNotFoundError);
    expect(() => readIdx(path)).toThrow(`IDX file not found: ${path}`);
  });
});

const fashion = '/usr/share/datasets/fashion-mnist';
describe.skipIf(!existsSync(fashion))(`Fashion-MNIST test files (skipped: ${fashion} is absent)`, () => {
  it('match numpy reading the same files', () => {
    const x = readIdx(join(fashion, 't10k-images-idx3-ubyte.gz'));
    const y = readIdx(join(fashion, 't10k-labels-idx1-ubyte.gz'));
    expect(x.shape).toEqual([10000, 28, 28]);
    expect(y.shape).toEqual([10000]);
    expect(x.data).toBeInstanceOf(Uint8Array);
    // d = '/usr/share/datasets/fashion-mnist/'
    // x = np.frombuffer(gzip.open(d + 't10k-images-idx3-ubyte.gz').read(), np.uint8, offset=16).reshape(-1, 28, 28)
    // y = np.frombuffer(gzip.open(d + 't10k-labels-idx1-ubyte.gz').read(), np.uint8, offset=8)
    // np.bincount(y), y[:20], x.sum(dtype=np.int64), x[0].sum(), x[9999].sum(), x[0, 14, 10:20], x[1234, 5, 5:15]
    const counts = new Array<number>(10).fill(0);
    for (const label of y.data) counts[label]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    expect(Array.from(y.data.subarray(0, 20))).toEqual([
      9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0,
    ]);
    const sum = (a: ArrayLike<number>) => {
      let s = 0;
      for (let k = 0; k < a.length; k++) s += a[k];
      return s;
    };
    expect(sum(x.data)).toBe(573469082);
    expect(sum(x.data.subarray(0, 784))).toBe(33456);
    expect(sum(x.data.subarray(9999 * 784))).toBe(24390);
    const at = (i: number, r: number, c0: number, c1: number) =>
      Array.from(x.data.subarray(i * 784 + r * 28 + c0, i * 784 + r * 28 + c1));
    expect(at(0, 14, 10, 20)).toEqual([0, 0, 98, 136, 110, 109, 110, 162, 135, 144]);
    expect(at(1234, 5, 5, 15)).toEqual([0, 131, 186, 172, 174, 179, 182, 180, 167, 161]);
  });
});
