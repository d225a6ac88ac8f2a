/**
 * The tar writer against the system's `tar` (GNU tar): what encodeTar writes unpacks with `tar xf` to the same bytes,
 * and what `tar cf` writes (ustar, GNU and pax formats, long paths included) decodes to the same files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from './safetensors.js';
import { decodeTar, encodeTar, isTar } from './tar.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-tar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = () => {
  const dir = join(root, `t${count++}`);
  mkdirSync(dir);
  return dir;
};

/** Bytes 0..n-1 mod 251, so that a shifted or truncated copy differs. */
const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

// A path longer than ustar's 100-byte name field, which goes through its prefix field.
const LONG = `run/${'a'.repeat(60)}/${'b'.repeat(70)}.safetensors`;
const FILES = new Map<string, Uint8Array>([
  ['vae-step3/config.json', new TextEncoder().encode('{"kind": "vae"}\n')],
  ['vae-step3/checkpoint/weights.safetensors', bytesOf(1300)],
  ['vae-step3/checkpoint/empty', new Uint8Array(0)],
  ['vae-step3/checkpoint/block', bytesOf(512)],
  [LONG, bytesOf(7)],
]);

describe('encodeTar', () => {
  it('writes an archive that tar xf unpacks to the same files, folders 755 and files 644', () => {
    const dir = fresh();
    const mtime = new Date('2024-05-01T12:00:00Z');
    writeFileSync(join(dir, 'run.tar'), encodeTar(FILES, { mtime }));
    execFileSync('tar', ['xf', 'run.tar'], { cwd: dir });
    for (const [path, bytes] of FILES)
      expect(readFileSync(join(dir, path)), path).toEqual(Buffer.from(bytes));
    const file = statSync(join(dir, 'vae-step3/checkpoint/weights.safetensors'));
    expect(file.mode & 0o777).toBe(0o644);
    expect(file.mtime.getTime()).toBe(mtime.getTime());
    expect(statSync(join(dir, 'vae-step3/checkpoint')).mode & 0o777).toBe(0o755);
    // Each folder is listed once, before its files.
    const listing = execFileSync('tar', ['tf', 'run.tar'], { cwd: dir }).toString().trim().split('\n');
    expect(listing.slice(0, 4)).toEqual([
      'vae-step3/',
      'vae-step3/config.json',
      'vae-step3/checkpoint/',
      'vae-step3/checkpoint/weights.safetensors',
    ]);
    expect(listing.filter((p) => p === 'vae-step3/')).toHaveLength(1);
  });

  it('is whole blocks: a header and padded data per file, a header per folder, two zero blocks', () => {
    const tar = encodeTar(new Map([['a/b.txt', bytesOf(513)]]));
    expect(tar.length).toBe(512 * (1 + 1 + 2 + 2));
    expect(isTar(tar)).toBe(true);
  });

  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a parent folder', 'run/../x'],
    ['an empty part', 'run//x'],
    ['a name too long for the header', `${'a'.repeat(120)}.json`],
  ])('refuses %s, naming the path', (_, path) => {
    expect(() => encodeTar(new Map([[path, bytesOf(1)]]))).toThrow(`'${path}'`);
  });

  it('refuses a path that is both a file and a folder', () => {
    const files = new Map([
      ['run', bytesOf(1)],
      ['run/x', bytesOf(1)],
    ]);
    expect(() => encodeTar(files)).toThrow("'run' is both a file and a folder");
  });
});

describe('decodeTar', () => {
  it('reads back what encodeTar writes', () => {
    expect(decodeTar(encodeTar(FILES), 'run.tar')).toEqual(FILES);
  });

  it.each(['ustar', 'gnu', 'pax'])('reads what tar cf --format=%s writes, long paths included', (format) => {
    const dir = fresh();
    for (const [path, bytes] of FILES) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    execFileSync('tar', ['cf', 'out.tar', `--format=${format}`, 'vae-step3', 'run'], { cwd: dir });
    const files = decodeTar(new Uint8Array(readFileSync(join(dir, 'out.tar'))), 'out.tar');
    expect(new Map([...files].sort())).toEqual(new Map([...FILES].sort()));
  });

  it('reads the non-ASCII paths of a pax archive, whose record lengths count bytes', () => {
    const dir = fresh();
    // 'été' is 3 characters and 5 bytes; a long one forces pax records for the name too.
    const paths = ['d/été/config.json', `d/${'é'.repeat(60)}/${'ü'.repeat(30)}.json`];
    for (const [i, path] of paths.entries()) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), bytesOf(10 + i));
    }
    execFileSync('tar', ['cf', 'out.tar', '--format=pax', 'd'], { cwd: dir });
    const files = decodeTar(new Uint8Array(readFileSync(join(dir, 'out.tar'))), 'out.tar');
    expect(new Map([...files].sort())).toEqual(
      new Map(paths.map((p, i) => [p, bytesOf(10 + i)] as const).sort()),
    );
  });

  it('drops a leading ./ (tar cf run.tar .)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'config.json'), '{}');
    execFileSync('tar', ['cf', join(root, `dot${count}.tar`), '.'], { cwd: dir });
    const files = decodeTar(new Uint8Array(readFileSync(join(root, `dot${count}.tar`))), 'dot.tar');
    expect([...files.keys()]).toEqual(['config.json']);
  });

  it('says what is wrong with an archive it cannot read, naming it', () => {
    const tar = encodeTar(FILES);
    expect(() => decodeTar(new TextEncoder().encode('{"kind": "vae"}'), 'config.json')).toThrow(
      new CheckpointError('config.json is not a tar archive (no ustar header)'),
    );
    expect(() => decodeTar(gzipSync(tar), 'run.tar.gz')).toThrow(
      'run.tar.gz is compressed (gzip): unpack it, or give the .tar itself',
    );
    // The weights' header is the fourth block (two folders and config.json's header and data come first).
    expect(() => decodeTar(tar.subarray(0, 5 * 512 + 100), 'run.tar')).toThrow(
      "run.tar: entry 'vae-step3/checkpoint/weights.safetensors' is cut short (100 of 1300 bytes)",
    );
    const damaged = tar.slice();
    damaged[512 + 10] ^= 1;
    expect(() => decodeTar(damaged, 'run.tar')).toThrow(
      'run.tar: the header at byte 512 is damaged (its checksum does not match)',
    );
  });
});
