/**
 * Downloading a data set's files into latentlab's data directory (Node only): full MNIST's four IDX files, tried
 * from each mirror in turn, each checked against its published SHA-256 while it streams in, and moved into place
 * only once it matches, so the cache never holds a partial or corrupt file under a real name.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/** One file of a data set: its name on the mirrors and in the cache, its SHA-256 (hex) and its size. */
export interface DataFile {
  name: string;
  sha256: string;
  /** The size in bytes, for the progress of a server that sends no Content-Length. */
  bytes?: number;
}

/** A data set {@link fetchDataset} can download: its files and the base URLs that serve them, in order. */
export interface FetchableDataset {
  /** A readable name for messages (`MNIST`). */
  title: string;
  files: readonly DataFile[];
  mirrors: readonly string[];
}

/**
 * The four gzipped IDX files of MNIST (LeCun, Cortes and Burges) with the SHA-256 sums and sizes that TensorFlow
 * Datasets records for them (`tensorflow_datasets/url_checksums/mnist.txt`).
 */
export const MNIST_FILES: readonly DataFile[] = [
  {
    name: 'train-images-idx3-ubyte.gz',
    sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    bytes: 9912422,
  },
  {
    name: 'train-labels-idx1-ubyte.gz',
    sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    bytes: 28881,
  },
  {
    name: 't10k-images-idx3-ubyte.gz',
    sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    bytes: 1648877,
  },
  {
    name: 't10k-labels-idx1-ubyte.gz',
    sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    bytes: 4542,
  },
];

/**
 * Where MNIST's files are served, in the order they are tried: PyTorch's mirror (torchvision's), the one
 * TensorFlow Datasets uses, and the original page.
 */
export const MNIST_MIRRORS: readonly string[] = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'http://yann.lecun.com/exdb/mnist/',
];

/** The data sets {@link fetchDataset} knows by name. */
export const FETCHABLE_DATASETS: Readonly<Record<string, FetchableDataset>> = {
  mnist: { title: 'MNIST', files: MNIST_FILES, mirrors: MNIST_MIRRORS },
};

/** The names of {@link FETCHABLE_DATASETS}. */
export const FETCHABLE_NAMES: readonly string[] = Object.keys(FETCHABLE_DATASETS);

/** Where to look for the data directory: the environment, the platform and the home directory. */
export interface DataRootOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The user's cache directory for latentlab, whatever `LATENTLAB_DATA` says: `$XDG_CACHE_HOME/latentlab` or
 * `~/.cache/latentlab` on Linux and other Unixes, `~/Library/Caches/latentlab` on macOS, `%LOCALAPPDATA%\latentlab`
 * on Windows.
 *
 * @example
 * userCacheDir({ env: {}, platform: 'linux', home: '/home/ada' }); // '/home/ada/.cache/latentlab'
 */
export function userCacheDir({
  env = process.env,
  platform = process.platform,
  home = homedir(),
}: DataRootOptions = {}): string {
  if (platform === 'win32')
    return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'latentlab');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'latentlab');
  const xdg = env.XDG_CACHE_HOME;
  // The XDG specification says a relative value is to be ignored.
  return posix.join(
    xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.cache'),
    'latentlab',
  );
}

/**
 * latentlab's data directory: `$LATENTLAB_DATA` when it is set, else {@link userCacheDir}. A data set fetched by
 * name lives in a folder of it named after the data set (`<root>/mnist`).
 *
 * @example
 * dataRoot({ env: { LATENTLAB_DATA: '/data' } }); // '/data'
 */
export function dataRoot(options: DataRootOptions = {}): string {
  const root = (options.env ?? process.env).LATENTLAB_DATA;
  return root !== undefined && root !== '' ? root : userCacheDir(options);
}

/** Why {@link fetchDataset} failed: every mirror was out of reach (`offline`), or none gave a good file. */
export type DataFetchProblem = 'offline' | 'failed';

/** Thrown by {@link fetchDataset}; the message is one line, saying what to do (where to put the files by hand). */
export class DataFetchError extends Error {
  override name = 'DataFetchError';
  constructor(
    message: string,
    readonly problem: DataFetchProblem,
    /** The file that could not be fetched. */
    readonly file: string,
  ) {
    super(message);
  }
}

/** What {@link fetchDataset} reports while it works, to show progress. */
export type FetchEvent =
  | { type: 'cached'; file: string; path: string }
  | { type: 'start'; file: string; url: string; total: number | undefined }
  | { type: 'progress'; file: string; url: string; received: number; total: number | undefined }
  | { type: 'done'; file: string; url: string; bytes: number }
  | { type: 'failed'; file: string; url: string; reason: string };

/** Options of {@link fetchDataset}. */
export interface FetchOptions {
  /** The data directory; the files go in its folder named after the data set. Default {@link dataRoot}. */
  root?: string;
  /** Base URLs to try in order instead of the data set's own (the file name is appended to each). */
  mirrors?: readonly string[];
  /** The files and their checksums instead of the data set's own (tests serve small stand-ins). */
  files?: readonly DataFile[];
  /** Give up on a mirror when it sends nothing for this many milliseconds (default 30,000). */
  timeoutMs?: number;
  onProgress?: (event: FetchEvent) => void;
}

/** One file of a fetched data set, and whether this call downloaded it (or found it already there). */
export interface FetchedFile {
  name: string;
  path: string;
  downloaded: boolean;
  /** The mirror URL it came from, when downloaded. */
  url?: string;
}

/** The folder a fetched data set is in, and its files. */
export interface FetchResult {
  dir: string;
  files: FetchedFile[];
}

/** A mirror's failure for one file: `unreachable` (no answer at all) or anything after an answer. */
interface Attempt {
  url: string;
  unreachable: boolean;
  reason: string;
}

/** The SHA-256 (hex) of the file at `path`, or `undefined` when there is no such file. */
function fileSha256(path: string): string | undefined {
  if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return undefined;
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * The short reason of a failed request: the error code of a connection that failed (`ECONNREFUSED`, `ENOTFOUND`),
 * the message of one that broke off (`other side closed`).
 */
function networkReason(error: unknown, prefer: 'code' | 'message'): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const best = prefer === 'code' ? (cause?.code ?? cause?.message) : (cause?.message ?? cause?.code);
  return best ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Download one file from `url` to `temp`, hashing it as it streams. Resolves to the failure, or to `undefined`
 * once `temp` holds the file with the expected checksum.
 */
async function download(
  url: string,
  file: DataFile,
  temp: string,
  timeoutMs: number,
  onProgress: (event: FetchEvent) => void,
): Promise<Attempt | undefined> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (e) {
      const reason = timedOut ? `no answer in ${timeoutMs / 1000} s` : networkReason(e, 'code');
      return { url, unreachable: true, reason };
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      return { url, unreachable: false, reason: `HTTP ${response.status}` };
    }
    // A body the server compressed on the way has another length than its header says; the checksum still holds.
    const header = response.headers.get('content-length');
    const declared =
      header !== null && !response.headers.has('content-encoding') ? Number(header) : undefined;
    const total = declared ?? file.bytes;
    onProgress({ type: 'start', file: file.name, url, total });
    const hash = createHash('sha256');
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        arm();
        hash.update(chunk);
        received += chunk.length;
        onProgress({ type: 'progress', file: file.name, url, received, total });
        callback(null, chunk);
      },
    });
    const sink = createWriteStream(temp, { flags: 'wx' });
    try {
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), count, sink);
    } catch (e) {
      // A transfer that breaks off early can do so before the file is even open: wait until the stream has opened
      // and closed it, or the caller's cleanup could run first and the file appear after it.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
      const why = timedOut ? `no data for ${timeoutMs / 1000} s` : networkReason(e, 'message');
      return { url, unreachable: false, reason: `interrupted after ${received} bytes (${why})` };
    }
    if (declared !== undefined && received !== declared)
      return { url, unreachable: false, reason: `interrupted after ${received} of ${declared} bytes` };
    const got = hash.digest('hex');
    if (got !== file.sha256)
      return { url, unreachable: false, reason: `checksum mismatch: sha256 ${got}, expected ${file.sha256}` };
    onProgress({ type: 'done', file: file.name, url, bytes: received });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The one line that says how to fetch the files by hand. */
function byHand(files: readonly DataFile[], mirrors: readonly string[], dir: string): string {
  const names = files.map((f) => f.name).join(', ');
  return `download ${names} from ${mirrors[0] ?? 'a mirror'} on a machine that is online and put them in ${dir}`;
}

/**
 * Download the data set `name` (`mnist`: the 70,000 digits of full MNIST in IDX form) into `<root>/<name>`,
 * where `root` is the option, else `$LATENTLAB_DATA`, else the user's cache directory ({@link dataRoot}).
 *
 * A file already there with the right SHA-256 is kept. Each other file is tried from the mirrors in turn: it
 * streams into a temporary `.part` file beside its place while its SHA-256 is computed, and is renamed into place
 * only when the checksum matches; a failed, interrupted or corrupt transfer is deleted and the next mirror tried.
 * When no mirror can be reached, the error is a {@link DataFetchError} (`problem: 'offline'`) whose one-line
 * message names the files, where they come from and the folder to put them in by hand.
 *
 * @example
 * const { dir } = await fetchDataset('mnist'); // then loadDataset('mnist-full') reads it
 */
export async function fetchDataset(name: string, options: FetchOptions = {}): Promise<FetchResult> {
  const known = Object.hasOwn(FETCHABLE_DATASETS, name) ? FETCHABLE_DATASETS[name] : undefined;
  if (known === undefined)
    throw new RangeError(
      `fetchDataset: argument 'name' must be one of ${FETCHABLE_NAMES.join(', ')}, got '${name}'`,
    );
  const {
    root = dataRoot(),
    mirrors = known.mirrors,
    files = known.files,
    timeoutMs = 30_000,
    onProgress = () => undefined,
  } = options;
  for (const mirror of mirrors)
    if (!/^https?:\/\//.test(mirror) || !URL.canParse(mirror))
      throw new RangeError(`fetchDataset: option 'mirrors' must hold http or https URLs, got '${mirror}'`);
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const result: FetchResult = { dir, files: [] };
  for (const file of files) {
    const path = join(dir, file.name);
    if (fileSha256(path) === file.sha256) {
      onProgress({ type: 'cached', file: file.name, path });
      result.files.push({ name: file.name, path, downloaded: false });
      continue;
    }
    const attempts: Attempt[] = [];
    for (const mirror of mirrors) {
      // A base without its trailing slash would lose its last segment to the file name.
      const url = new URL(file.name, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
      const temp = `${path}.${process.pid}-${Math.random().toString(36).slice(2, 8)}.part`;
      let failure: Attempt | undefined;
      try {
        failure = await download(url, file, temp, timeoutMs, onProgress);
        if (failure === undefined) renameSync(temp, path);
      } finally {
        rmSync(temp, { force: true });
      }
      if (failure === undefined) {
        result.files.push({ name: file.name, path, downloaded: true, url });
        break;
      }
      onProgress({ type: 'failed', file: file.name, url, reason: failure.reason });
      attempts.push(failure);
    }
    if (attempts.length === mirrors.length) {
      const hand = byHand(files, mirrors, dir);
      if (attempts.every((a) => a.unreachable)) {
        const hosts = [...new Set(attempts.map((a) => `${new URL(a.url).host} (${a.reason})`))].join(', ');
        throw new DataFetchError(
          `cannot reach any ${known.title} mirror: ${hosts || 'none given'}; ${hand}`,
          'offline',
          file.name,
        );
      }
      const reasons = attempts.map((a) => `${a.url}: ${a.reason}`).join('; ');
      throw new DataFetchError(
        `could not fetch ${file.name} (${reasons}); nothing of it was kept; ${hand}`,
        'failed',
        file.name,
      );
    }
  }
  return result;
}
