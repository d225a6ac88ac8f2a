import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import {
  CheckpointError,
  decodeSafetensors,
  DTYPES,
  encodeSafetensors,
  namedArrayToTensor,
  tensorToNamedArray,
  type NamedArray,
} from './safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'latentlab-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One tensor of every dtype, with awkward values, a scalar and zero-size tensors. */
function everyDtype(): Map<string, NamedArray> {
  return new Map<string, NamedArray>([
    [
      'f32',
      { dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 1e-40]) },
    ],
    ['f64.scalar', { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) }],
    ['i64', { dtype: 'I64', shape: [3], data: new BigInt64Array([-(2n ** 62n), 0n, 2n ** 40n + 7n]) }],
    ['i32', { dtype: 'I32', shape: [1, 2, 2], data: new Int32Array([-2147483648, 2147483647, 0, -5]) }],
    ['u8', { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) }],
    ['bool', { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) }],
    ['empty.f32', { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) }],
    ['empty.i32', { dtype: 'I32', shape: [2, 0], data: new Int32Array(0) }],
    ['u8.scalar', { dtype: 'U8', shape: [], data: new Uint8Array([9]) }],
  ]);
}

/** The raw bytes of an array, so that NaN, -0 and 64-bit integers compare bit for bit. */
const bytesOf = (a: NamedArray) =>
  Array.from(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));

/** A file from a header given as an object or as raw text, followed by `dataLength` zero bytes. */
function craft(header: unknown, dataLength: number): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  text += ' '.repeat((8 - (Buffer.byteLength(text) % 8)) % 8);
  const json = Buffer.from(text, 'utf8');
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const f32 = (shape: number[], begin: number, end: number) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips every dtype bit for bit, with scalars, zero-size tensors and metadata', () => {
    const tensors = everyDtype();
    const metadata = { epoch: '3', step: '1400', note: 'déjà vu' };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata), 'mem.safetensors');
    expect(decoded.metadata).toEqual(metadata);
    expect([...decoded.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, a] of tensors) {
      const b = decoded.tensors.get(name) as NamedArray;
      expect({ name, dtype: b.dtype, shape: b.shape }).toEqual({ name, dtype: a.dtype, shape: a.shape });
      expect(b.data).toBeInstanceOf(DTYPES[a.dtype].array);
      expect(bytesOf(b)).toEqual(bytesOf(a));
    }
  });

  it('pads the header so the data starts 8-byte aligned, and aligns every tensor to its item size', () => {
    for (let len = 1; len <= 9; len++) {
      const tensors = everyDtype();
      tensors.set('x'.repeat(len), { dtype: 'U8', shape: [1], data: new Uint8Array([1]) });
      const bytes = encodeSafetensors(tensors, len % 2 ? { k: 'v'.repeat(len) } : undefined);
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<
        string,
        { dtype: keyof typeof DTYPES; data_offsets: number[] }
      >;
      for (const [name, e] of Object.entries(header))
        if (name !== '__metadata__') expect(e.data_offsets[0] % DTYPES[e.dtype].itemSize).toBe(0);
    }
  });

  it('writes no __metadata__ entry when none is given, and decodes that as {}', () => {
    const bytes = encodeSafetensors(new Map());
    expect(Buffer.from(bytes.subarray(8)).toString('utf8').trim()).toBe('{}');
    expect(decodeSafetensors(bytes, 'x').metadata).toEqual({});
  });

  it('decodes a file written by hand in Python (struct + json + numpy)', () => {
    // /usr/bin/python3 with numpy 1.24:
    //   arrays = {"c": np.array(2.5, "<f8"), "big": np.array([-(2**40), 3], "<i8"),
    //             "décodeur.w": np.array([[1.5, -2.0, 3.25]], "<f4"), "b": np.array([7, -8], "<i4"),
    //             "d": np.array([1, 255], "u1"), "m": np.array([True, False, True], "?"),
    //             "empty": np.zeros((0, 2), "<f4")}
    //   header, data = {"__metadata__": {"format": "np", "step": "12"}}, b""
    //   for name, a in arrays.items():   # dtype names F64, I64, F32, I32, U8, BOOL
    //       header[name] = {"dtype": ..., "shape": list(a.shape), "data_offsets": [len(data), len(data) + a.nbytes]}
    //       data += a.tobytes()
    //   h = json.dumps(header, ensure_ascii=False).encode("utf-8"); h += b" " * (-len(h) % 8)
    //   print(base64.b64encode(struct.pack("<Q", len(h)) + h + data).decode())
    const b64 =
      'AAIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6IHsiZm9ybWF0IjogIm5wIiwgInN0ZXAiOiAiMTIifSwgImMiOiB7ImR0eXBlIjogIkY2NCIsICJzaGFwZSI6IFtdLCAiZGF0YV9vZmZzZXRzIjogWzAsIDhdfSwgImJpZyI6IHsiZHR5cGUiOiAiSTY0IiwgInNoYXBlIjogWzJdLCAiZGF0YV9vZmZzZXRzIjogWzgsIDI0XX0sICJkw6ljb2RldXIudyI6IHsiZHR5cGUiOiAiRjMyIiwgInNoYXBlIjogWzEsIDNdLCAiZGF0YV9vZmZzZXRzIjogWzI0LCAzNl19LCAiYiI6IHsiZHR5cGUiOiAiSTMyIiwgInNoYXBlIjogWzJdLCAiZGF0YV9vZmZzZXRzIjogWzM2LCA0NF19LCAiZCI6IHsiZHR5cGUiOiAiVTgiLCAic2hhcGUiOiBbMl0sICJkYXRhX29mZnNldHMiOiBbNDQsIDQ2XX0sICJtIjogeyJkdHlwZSI6ICJCT09MIiwgInNoYXBlIjogWzNdLCAiZGF0YV9vZmZzZXRzIjogWzQ2LCA0OV19LCAiZW1wdHkiOiB7ImR0eXBlIjogIkYzMiIsICJzaGFwZSI6IFswLCAyXSwgImRhdGFfb2Zmc2V0cyI6IFs0OSwgNDldfX0gICAgIAAAAAAAAARAAAAAAAD///8DAAAAAAAAAAAAwD8AAADAAABQQAcAAAD4////Af8BAAE=';
    const { tensors, metadata } = decodeSafetensors(Buffer.from(b64, 'base64'), 'python.safetensors');
    expect(metadata).toEqual({ format: 'np', step: '12' });
    const plain = Object.fromEntries(
      [...tensors].map(([name, a]) => [
        name,
        { dtype: a.dtype, shape: a.shape, values: Array.from(a.data as ArrayLike<number | bigint>) },
      ]),
    );
    expect(plain).toEqual({
      c: { dtype: 'F64', shape: [], values: [2.5] },
      big: { dtype: 'I64', shape: [2], values: [-(2n ** 40n), 3n] },
      'décodeur.w': { dtype: 'F32', shape: [1, 3], values: [1.5, -2, 3.25] },
      b: { dtype: 'I32', shape: [2], values: [7, -8] },
      d: { dtype: 'U8', shape: [2], values: [1, 255] },
      m: { dtype: 'BOOL', shape: [3], values: [1, 0, 1] },
      empty: { dtype: 'F32', shape: [0, 2], values: [] },
    });
  });

  it.each([
    [
      'a file shorter than 8 bytes',
      () => new Uint8Array(5),
      /file is 5 bytes, too short for a safetensors header/,
    ],
    [
      'a header length larger than the file',
      () => encodeSafetensors(everyDtype()).subarray(0, 40),
      /header length \d+ bytes exceeds the 32 bytes after it/,
    ],
    [
      'a header length of 2^64 - 1',
      () => new Uint8Array(16).fill(0xff),
      /header length 18446744073709551615 bytes exceeds/,
    ],
    ['a header that is not JSON', () => craft('{"w": {"dtype": "F32",', 0), /header is not valid UTF-8 JSON/],
    [
      'a header that is not UTF-8',
      () => {
        const bytes = craft('{"ab": 1}', 0);
        bytes[10] = 0xff; // the "a"
        return bytes;
      },
      /header is not valid UTF-8 JSON \(The encoded data was not valid for encoding utf-8\)/,
    ],
    ['a header that is a JSON array', () => craft([1, 2], 0), /header must be a JSON object/],
    [
      'an entry that is not an object',
      () => craft({ w: 3 }, 0),
      /tensor "w": header entry must be an object/,
    ],
    [
      'an unknown dtype',
      () => craft({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4),
      /tensor "w": unknown dtype "F16" \(supported: F64, F32, I64, I32, U8, BOOL\)/,
    ],
    [
      'a negative dimension',
      () => craft({ w: f32([-1, 2], 0, 0) }, 0),
      /tensor "w": shape must be a list of non-negative integers, got \[-1,2\]/,
    ],
    [
      'offsets that are not a pair',
      () => craft({ w: { dtype: 'F32', shape: [1], data_offsets: [4] } }, 4),
      /tensor "w": data_offsets must be \[begin, end\]/,
    ],
    [
      'offsets that do not match shape * itemsize',
      () => craft({ w: f32([3], 0, 8) }, 8),
      /tensor "w": data_offsets \[0, 8\] hold 8 bytes but F32 shape \[3\] needs 12/,
    ],
    [
      'a truncated data region',
      () => {
        const bytes = encodeSafetensors(new Map([['w', everyDtype().get('f32') as NamedArray]]));
        return bytes.subarray(0, bytes.length - 3);
      },
      /tensor "w": data_offsets \[0, 24\] run past the end of the data \(21 bytes; truncated\?\)/,
    ],
    [
      'overlapping tensors',
      () => craft({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12),
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a"/,
    ],
    [
      'a gap between tensors',
      () => craft({ a: f32([2], 0, 8), b: f32([2], 12, 20) }, 20),
      /data bytes \[8, 12\) belong to no tensor \(before "b"\)/,
    ],
    [
      'trailing bytes after the last tensor',
      () => craft({ a: f32([2], 0, 8) }, 12),
      /the last 4 data bytes belong to no tensor/,
    ],
    [
      'metadata values that are not strings',
      () => craft({ __metadata__: { epoch: 3 } }, 0),
      /__metadata__ "epoch" must be a string, got 3/,
    ],
  ])('rejects %s with a one-line CheckpointError naming the file', (_, bytes, message) => {
    const decode = () => decodeSafetensors(bytes(), 'run/weights.safetensors');
    expect(decode).toThrow(CheckpointError);
    expect(decode).toThrow(message);
    try {
      decode();
    } catch (err) {
      expect((err as Error).name).toBe('CheckpointError');
      expect((err as Error).message).toMatch(/^run\/weights\.safetensors: [^\n]+$/);
    }
  });

  it.each([
    [
      'a length that does not match the shape',
      'w',
      { dtype: 'F32', shape: [3], data: new Float32Array(2) },
      /shape \[3\] needs 3 values, got 2/,
    ],
    [
      'the wrong typed array',
      'w',
      { dtype: 'F64', shape: [1], data: new Float32Array(1) },
      /dtype F64 needs a Float64Array/,
    ],
    [
      'a reserved name',
      '__metadata__',
      { dtype: 'U8', shape: [0], data: new Uint8Array(0) },
      /this name is not allowed/,
    ],
    [
      'an unknown dtype',
      'w',
      { dtype: 'F16', shape: [1], data: new Uint8Array(2) },
      /encodeSafetensors: tensor "w": unknown dtype F16/,
    ],
  ])('encodeSafetensors refuses %s', (_, name, array, message) => {
    expect(() => encodeSafetensors(new Map([[name, array as NamedArray]]))).toThrow(message);
  });
});

// An independent reader, written from the format's description with struct, json and numpy only.
const PYTHON_READER = `
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert (8 + n) % 8 == 0, "data does not start 8-byte aligned"
header = json.loads(raw[8:8 + n].decode("utf-8"))
data = raw[8 + n:]
types = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "I32": "<i4", "U8": "u1", "BOOL": "?"}
out = {"metadata": header.pop("__metadata__", {}), "tensors": {}}
end = 0
for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
    begin, stop = e["data_offsets"]
    assert begin == end, name
    a = np.frombuffer(data[begin:stop], dtype=types[e["dtype"]]).reshape(e["shape"])
    out["tensors"][name] = {"dtype": e["dtype"], "shape": list(a.shape), "values": [repr(v) for v in a.ravel().tolist()]}
    end = stop
assert end == len(data), "data not fully covered"
print(json.dumps(out))
`;
const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** Python's repr of a value back to a JS number (or BigInt for I64). */
function fromRepr(s: string, dtype: string): number | bigint {
  if (dtype === 'I64') return BigInt(s);
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, True: 1, False: 0 };
  return s in special ? special[s] : Number(s);
}

describe.skipIf(!hasNumpy)(
  'files read by an independent Python reader (skipped: /usr/bin/python3 lacks numpy)',
  () => {
    it('reads every dtype, shape, value and the metadata as written', () => {
      const path = join(dir, 'every-dtype.safetensors');
      const tensors = everyDtype();
      writeFileSync(path, encodeSafetensors(tensors, { epoch: '7', é: 'ü' }));
      const run = spawnSync('/usr/bin/python3', ['-c', PYTHON_READER, path], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const read = JSON.parse(run.stdout) as {
        metadata: Record<string, string>;
        tensors: Record<string, { dtype: string; shape: number[]; values: string[] }>;
      };
      expect(read.metadata).toEqual({ epoch: '7', é: 'ü' });
      expect(Object.keys(read.tensors).sort()).toEqual([...tensors.keys()].sort());
      for (const [name, a] of tensors) {
        const py = read.tensors[name];
        expect({ name, dtype: py.dtype, shape: py.shape }).toEqual({ name, dtype: a.dtype, shape: a.shape });
        const values = py.values.map((s) => fromRepr(s, py.dtype));
        // Object.is tells -0 from 0 and NaN equals NaN: an exact comparison.
        values.forEach((v, i) => expect(Object.is(v, a.data[i]), `${name}[${i}]: ${String(v)}`).toBe(true));
      }
    });
  },
);

describe('tensorToNamedArray / namedArrayToTensor', () => {
  it('round-trips float32, int32 and bool tensors, copying the values', () => {
    const t = tf.tensor([
      [1.5, -2],
      [3, 4],
    ]);
    const a = tensorToNamedArray(t);
    expect(a).toEqual({ dtype: 'F32', shape: [2, 2], data: new Float32Array([1.5, -2, 3, 4]) });
    a.data[0] = 99;
    expect(t.dataSync()[0]).toBe(1.5);
    expect(tensorToNamedArray(tf.tensor([3, -4], [2], 'int32'))).toEqual({
      dtype: 'I32',
      shape: [2],
      data: new Int32Array([3, -4]),
    });
    expect(tensorToNamedArray(tf.tensor([true, false], [2], 'bool'))).toEqual({
      dtype: 'BOOL',
      shape: [2],
      data: new Uint8Array([1, 0]),
    });
    expect(tensorToNamedArray(tf.scalar(2))).toEqual({
      dtype: 'F32',
      shape: [],
      data: new Float32Array([2]),
    });
    for (const a of [...everyDtype().values()].filter((x) => x.dtype !== 'I64')) {
      const back = namedArrayToTensor(a);
      expect(back.shape).toEqual(a.shape);
      expect(back.dtype).toBe(
        { F32: 'float32', F64: 'float32', I64: 'int32', I32: 'int32', U8: 'int32', BOOL: 'bool' }[a.dtype],
      );
      tf.dispose(back);
    }
    tf.dispose(t);
  });

  it('narrows F64 to float32 and I64 to int32, refusing I64 values outside int32', () => {
    const t = namedArrayToTensor({ dtype: 'F64', shape: [2], data: new Float64Array([0.1, -3]) });
    expect(t).toBeAllClose([0.1, -3], { rtol: 1e-7 });
    const i = namedArrayToTensor({ dtype: 'I64', shape: [2], data: new BigInt64Array([-5n, 2147483647n]) });
    expect(Array.from(i.dataSync())).toEqual([-5, 2147483647]);
    tf.dispose([t, i]);
    expect(() =>
      namedArrayToTensor({ dtype: 'I64', shape: [1], data: new BigInt64Array([2n ** 31n]) }),
    ).toThrow(/I64 value 2147483648 at index 0 does not fit in int32/);
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const sum = tf.tidy(() => tf.add(tf.ones([3]), 1));
      const a = tensorToNamedArray(sum);
      tf.dispose(sum);
      tf.dispose(namedArrayToTensor(a));
      expect(() =>
        namedArrayToTensor({ dtype: 'I64', shape: [1], data: new BigInt64Array([2n ** 40n]) }),
      ).toThrow();
    }, 'safetensors conversions');
  });
});
