/**
 * Tar archives in memory (POSIX ustar), written and read without dependencies, so that a browser can hand a whole run
 * directory over as one download and take one back. An archive is a sequence of 512-byte blocks: each entry is a
 * header block (its path, mode, size, modification time, type and a checksum, numbers in octal ASCII) followed by its
 * bytes padded to a whole block; two zero blocks end it. What {@link encodeTar} writes unpacks with `tar xf`;
 * {@link decodeTar} also reads what GNU and BSD tar write for ordinary files (long paths as a GNU `L` entry or a pax
 * `path` record).
 *
 * References: IEEE Std 1003.1 (POSIX), "pax - portable archive interchange", the ustar interchange format.
 */
import { CheckpointError } from './safetensors.js';

const BLOCK = 512;
/** A ustar header's fields: [offset, length] in bytes. */
const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  type: [156, 1],
  magic: [257, 6],
  version: [263, 2],
  prefix: [345, 155],
} as const;
/** The largest size an 11-digit octal field holds (8 GiB - 1). */
const MAX_SIZE = 8 ** 11 - 1;

/** What {@link encodeTar} takes besides the files. */
export interface TarOptions {
  /** The modification time of every entry (default: now). */
  mtime?: Date;
}

const utf8 = new TextEncoder();

function writeText(header: Uint8Array, [offset, length]: readonly [number, number], text: string): void {
  header.set(utf8.encode(text).subarray(0, length), offset);
}

/** `value` in octal, zero-padded to fill the field but its final NUL. */
function writeOctal(header: Uint8Array, field: readonly [number, number], value: number): void {
  writeText(header, field, value.toString(8).padStart(field[1] - 1, '0'));
}

/** The sum of the header's bytes with the checksum field read as spaces. */
function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++)
    sum += i >= FIELD.checksum[0] && i < FIELD.checksum[0] + FIELD.checksum[1] ? 0x20 : header[i];
  return sum;
}

/** `path` split into ustar's prefix and name fields (at a slash), or an error when it cannot be. */
function splitPath(path: string): [prefix: string, name: string] {
  const bytes = (s: string) => utf8.encode(s).length;
  if (bytes(path) <= FIELD.name[1]) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const [prefix, name] = [path.slice(0, i), path.slice(i + 1)];
    if (bytes(prefix) <= FIELD.prefix[1] && bytes(name) <= FIELD.name[1] && name !== '')
      return [prefix, name];
  }
  throw new RangeError(
    `encodeTar: path '${path}' is too long for a ustar header (a name of at most 100 bytes after a folder of at most 155)`,
  );
}

function header(path: string, type: '0' | '5', size: number, mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const [prefix, name] = splitPath(path);
  writeText(block, FIELD.name, name);
  writeText(block, FIELD.prefix, prefix);
  writeOctal(block, FIELD.mode, type === '5' ? 0o755 : 0o644);
  writeOctal(block, FIELD.uid, 0);
  writeOctal(block, FIELD.gid, 0);
  writeOctal(block, FIELD.size, size);
  writeOctal(block, FIELD.mtime, mtime);
  writeText(block, FIELD.type, type);
  writeText(block, FIELD.magic, 'ustar\0');
  writeText(block, FIELD.version, '00');
  // Six octal digits, a NUL and a space, as tar itself writes it.
  writeText(block, FIELD.checksum, `${checksumOf(block).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** Check a relative path with '/' between its parts: no empty part, no '.' or '..'. */
function checkPath(path: string): void {
  const parts = path.split('/');
  if (path === '' || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new RangeError(
      `encodeTar: path '${path}' must be relative, its parts separated by single slashes, without '.' or '..'`,
    );
}

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/**
 * An uncompressed tar archive of `files` (relative paths, '/' between folders, to their bytes), each folder an entry
 * of its own before its first file, then the files in the order given. Folders are mode 755, files 644, owned by
 * uid and gid 0.
 *
 * @example
 * const tar = encodeTar(new Map([['run/config.json', bytes]]));
 * // tar xf run.tar  ->  run/config.json
 */
export function encodeTar(
  files: ReadonlyMap<string, Uint8Array>,
  { mtime = new Date() }: TarOptions = {},
): Uint8Array {
  const seconds = Math.floor(mtime.getTime() / 1000);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new RangeError(`encodeTar: option 'mtime' must be a valid date after 1970, got ${String(mtime)}`);
  const blocks: Uint8Array[] = [];
  const folders = new Set<string>();
  for (const [path, bytes] of files) {
    checkPath(path);
    if (bytes.length > MAX_SIZE)
      throw new RangeError(`encodeTar: ${path} has ${bytes.length} bytes, more than ustar's ${MAX_SIZE}`);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (files.has(folder)) throw new RangeError(`encodeTar: '${folder}' is both a file and a folder`);
      if (!folders.has(folder)) blocks.push(header(`${folder}/`, '5', 0, seconds));
      folders.add(folder);
    }
    blocks.push(header(path, '0', bytes.length, seconds));
    const data = new Uint8Array(padded(bytes.length));
    data.set(bytes);
    blocks.push(data);
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const utf8Decoder = new TextDecoder();

function readText(block: Uint8Array, [offset, length]: readonly [number, number]): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return utf8Decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, field: readonly [number, number]): number {
  const text = readText(block, field).trim();
  return /^[0-7]*$/.test(text) ? parseInt(text || '0', 8) : NaN;
}

/** Whether `bytes` starts with a ustar header (POSIX `ustar\0` or GNU `ustar  `): a tar archive. */
export function isTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false;
  const magic = utf8Decoder.decode(bytes.subarray(FIELD.magic[0], FIELD.magic[0] + 5));
  return magic === 'ustar';
}

const SPACE = 0x20;
const EQUALS = 0x3d;

/**
 * The `path` record of a pax extended header ("<length> <key>=<value>\n" records), if it has one. A record's length
 * counts bytes, so the records are split on the bytes and only the value is decoded (a path may hold any UTF-8).
 */
function paxPath(data: Uint8Array): string | undefined {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(SPACE, at);
    const digits = space < 0 ? '' : utf8Decoder.decode(data.subarray(at, space));
    const length = /^[0-9]+$/.test(digits) ? parseInt(digits, 10) : NaN;
    if (!(length > space - at + 1) || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(EQUALS);
    if (equals >= 0 && utf8Decoder.decode(record.subarray(0, equals)) === 'path')
      return utf8Decoder.decode(record.subarray(equals + 1));
    at += length;
  }
  return undefined;
}

/**
 * The files of a tar archive, by path (a leading `./` dropped), in archive order; folders, links and devices are
 * skipped. `where` names the archive in errors, which are one-line {@link CheckpointError}s such as
 * `run.tar: entry 'run/weights.safetensors' is cut short (1024 of 38112 bytes)`.
 *
 * @example
 * const files = decodeTar(new Uint8Array(await file.arrayBuffer()), file.name);
 * files.get('vae-step200/checkpoint/config.json');
 */
export function decodeTar(bytes: Uint8Array, where: string): Map<string, Uint8Array> {
  if (!isTar(bytes))
    throw new CheckpointError(
      bytes[0] === 0x1f && bytes[1] === 0x8b
        ? `${where} is compressed (gzip): unpack it, or give the .tar itself`
        : `${where} is not a tar archive (no ustar header)`,
    );
  const files = new Map<string, Uint8Array>();
  let longPath: string | undefined;
  for (let at = 0; at + BLOCK <= bytes.length;) {
    const block = bytes.subarray(at, at + BLOCK);
    if (block.every((b) => b === 0)) break;
    const stored = readOctal(block, FIELD.checksum);
    if (stored !== checksumOf(block))
      throw new CheckpointError(
        `${where}: the header at byte ${at} is damaged (its checksum does not match)`,
      );
    const prefix = readText(block, FIELD.prefix);
    const name = readText(block, FIELD.name);
    const path = (longPath ?? (prefix === '' ? name : `${prefix}/${name}`)).replace(/^(\.\/)+/, '');
    const size = readOctal(block, FIELD.size);
    if (!Number.isFinite(size))
      throw new CheckpointError(`${where}: entry '${path}' has a size tar's octal field cannot hold`);
    const start = at + BLOCK;
    if (start + size > bytes.length)
      throw new CheckpointError(
        `${where}: entry '${path}' is cut short (${bytes.length - start} of ${size} bytes)`,
      );
    const data = bytes.subarray(start, start + size);
    const type = String.fromCharCode(block[FIELD.type[0]]);
    longPath = undefined;
    if (type === 'L') longPath = utf8Decoder.decode(data).replace(/\0+$/, '');
    else if (type === 'x') longPath = paxPath(data);
    else if ((type === '0' || type === '\0' || type === '7') && path !== '') files.set(path, data);
    at = start + padded(size);
  }
  return files;
}
