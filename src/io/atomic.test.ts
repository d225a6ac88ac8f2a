import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  appendJsonLine,
  JsonFileError,
  readJsonFile,
  readJsonFileSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeJsonAtomic,
} from './atomic.js';

// A crash between writing the temporary file and renaming it: when `failRename` is set, the next rename throws.
const disk = vi.hoisted(() => ({ failRename: false }));
const simulatedFailure = () => {
  disk.failRename = false;
  return Object.assign(new Error('EIO: i/o error, rename (simulated)'), { code: 'EIO' });
};
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (disk.failRename) throw simulatedFailure();
      return real.rename(from, to);
    },
  };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      if (disk.failRename) throw simulatedFailure();
      return real.renameSync(from, to);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'latentlab-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
/** A fresh empty folder per test. */
function freshDir(): string {
  const dir = join(root, `t${count++}`);
  mkdirSync(dir);
  return dir;
}

const writers = [
  ['writeFileAtomic', (path: string, data: Uint8Array | string) => writeFileAtomic(path, data)],
  [
    'writeFileAtomicSync',
    (path: string, data: Uint8Array | string) =>
      Promise.resolve().then(() => writeFileAtomicSync(path, data)),
  ],
] as const;

describe.each(writers)('%s', (_, write) => {
  it('writes and overwrites the file, leaving no temporary files', async () => {
    const dir = freshDir();
    const path = join(dir, 'out.bin');
    await write(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await write(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('leaves the old file intact and removes the temporary file when the rename fails', async () => {
    const dir = freshDir();
    const path = join(dir, 'config.json');
    writeFileSync(path, 'old');
    disk.failRename = true;
    await expect(write(path, 'new')).rejects.toThrow('EIO: i/o error, rename (simulated)');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('fails cleanly when the target folder is a file, which stays intact', async () => {
    const dir = freshDir();
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'keep me');
    await expect(write(join(notADir, 'out.json'), '{}')).rejects.toThrow(/ENOTDIR/);
    expect(readFileSync(notADir, 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('fails cleanly when the target is a directory, removing the temporary file', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'target'));
    writeFileSync(join(dir, 'target', 'inside'), 'x');
    await expect(write(join(dir, 'target'), 'data')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(dir, 'target', 'inside'), 'utf8')).toBe('x');
  });
});

describe('JSON files', () => {
  it('writeJsonAtomic writes 2-space JSON with a final newline', async () => {
    const path = join(freshDir(), 'summary.json');
    await writeJsonAtomic(path, { kind: 'vae', sizes: [1, 2], nested: { a: null } });
    expect(readFileSync(path, 'utf8')).toBe(
      '{\n  "kind": "vae",\n  "sizes": [\n    1,\n    2\n  ],\n  "nested": {\n    "a": null\n  }\n}\n',
    );
    await expect(writeJsonAtomic(path, undefined)).rejects.toThrow('cannot write undefined as JSON');
  });

  it('appendJsonLine appends one compact line per call, creating the file', async () => {
    const path = join(freshDir(), 'metrics.jsonl');
    await appendJsonLine(path, { epoch: 1, elbo: -120.5 });
    await appendJsonLine(path, { epoch: 2, elbo: NaN });
    expect(readFileSync(path, 'utf8')).toBe('{"epoch":1,"elbo":-120.5}\n{"epoch":2,"elbo":null}\n');
  });

  const readers = [
    ['readJsonFile', readJsonFile],
    [
      'readJsonFileSync',
      (path: string, what: string) => Promise.resolve().then(() => readJsonFileSync(path, what)),
    ],
  ] as const;

  it.each(readers)('%s parses a file and names the file in one-line errors', async (_, read) => {
    const dir = freshDir();
    writeFileSync(join(dir, 'good.json'), '{"a": [1, 2]}');
    writeFileSync(join(dir, 'bad.json'), '{"a": [1, 2}\n');
    mkdirSync(join(dir, 'sub.json'));
    await expect(read(join(dir, 'good.json'), 'config file')).resolves.toEqual({ a: [1, 2] });
    const cases: [string, RegExp][] = [
      ['missing.json', /^config file .*missing\.json does not exist$/],
      ['bad.json', /^config file .*bad\.json is not valid JSON: [^\n]+$/],
      ['sub.json', /^config file .*sub\.json is a directory, expected a JSON file$/],
    ];
    for (const [name, message] of cases) {
      const result = read(join(dir, name), 'config file');
      await expect(result).rejects.toThrow(JsonFileError);
      await expect(result).rejects.toThrow(message);
      await expect(result).rejects.toHaveProperty('name', 'JsonFileError');
    }
  });
});
