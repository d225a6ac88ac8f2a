/**
 * Crash-safe file writes. A file is written under a temporary name in its own folder, flushed to disk, and renamed
 * over the target; the rename is atomic on POSIX file systems, so a reader (or a run restarted after a crash) sees
 * either the old file or the new one, never half of one. The folder is flushed too, so the rename itself survives a
 * power cut.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Thrown by {@link readJsonFile} when a JSON file is missing, unreadable or not valid JSON. Its message is one line
 * naming the file, so a command-line tool can print it as it is.
 */
export class JsonFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonFileError';
  }
}

/** `.${base}.tmp-${pid}-${random}` beside `path`: hidden, unique per process and call, on the same file system. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Errors that mean "this platform cannot fsync a directory" (Windows, some network file systems), not failure. */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'ENOTSUP']);

function isUnsupportedDirSync(err: unknown): boolean {
  return DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '');
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (!isUnsupportedDirSync(err)) throw err;
  }
}

/**
 * Write `data` to `path` atomically: to a temporary file in the same folder, fsync it, rename it over `path`, fsync
 * the folder. On failure the temporary file is removed and an existing `path` is left as it was.
 *
 * @example
 * await writeFileAtomic('out/summary.txt', 'done\n');
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(path);
  let created = false;
  try {
    const handle = await open(tmp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    created = false;
  } catch (err) {
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/**
 * The synchronous twin of {@link writeFileAtomic}, for exit handlers and other places that cannot wait.
 *
 * @example
 * writeFileAtomicSync('out/summary.txt', 'done\n');
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const tmp = tempPathFor(path);
  let created = false;
  try {
    const fd = openSync(tmp, 'wx');
    created = true;
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    created = false;
  } catch (err) {
    if (created) rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (!isUnsupportedDirSync(err)) throw err;
  }
}

/** `value` as 2-space indented JSON with a final newline; throws on values JSON cannot hold (BigInt, cycles). */
function toJsonText(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as JSON`);
  return `${text}\n`;
}

/**
 * Write `value` to `path` as 2-space indented JSON plus a newline, atomically (see {@link writeFileAtomic}).
 *
 * @example
 * await writeJsonAtomic('out/summary.json', { epochs: 10, elbo: -98.7 });
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, toJsonText(value));
}

/**
 * Append `value` to `path` as one line of compact JSON and fsync, creating the file if needed (the JSON Lines format
 * of `metrics.jsonl`). A crash can at worst cut the last line short; earlier lines stay intact. Non-finite numbers
 * become `null`, as `JSON.stringify` writes them.
 *
 * @example
 * await appendJsonLine('out/metrics.jsonl', { epoch: 1, elbo: -120.5 });
 */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as JSON`);
  const handle = await open(path, 'a');
  try {
    await handle.writeFile(`${text}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new JsonFileError(`${what} ${path} is not valid JSON: ${reason}`);
  }
}

function readError(err: unknown, path: string, what: string): JsonFileError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new JsonFileError(`${what} ${path} does not exist`);
  if (code === 'EISDIR') return new JsonFileError(`${what} ${path} is a directory, expected a JSON file`);
  return new JsonFileError(`cannot read ${what} ${path}: ${(err as Error).message}`);
}

/**
 * Read and parse the JSON file at `path`. `what` names the file in errors (`'config file'`, `'checkpoint config'`):
 * a missing file or invalid JSON throws a {@link JsonFileError} such as
 * `config file run/config.json is not valid JSON: Unexpected token ...`. The result is `unknown`: check its shape.
 *
 * @example
 * const config = await readJsonFile('run/config.json', 'config file');
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw readError(err, path, what);
  }
  return parseJson(text, path, what);
}

/**
 * The synchronous twin of {@link readJsonFile}.
 *
 * @example
 * const config = readJsonFileSync('run/config.json', 'config file');
 */
export function readJsonFileSync(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw readError(err, path, what);
  }
  return parseJson(text, path, what);
}
