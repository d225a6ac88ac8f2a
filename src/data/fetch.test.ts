import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DataFetchError,
  dataRoot,
  fetchDataset,
  MNIST_FILES,
  MNIST_MIRRORS,
  userCacheDir,
  type DataFile,
  type FetchEvent,
} from './fetch.js';
import { loadDataset } from './registry.js';

// Small stand-ins for MNIST's four files: 3 training and 2 test images of 28x28 bytes, gzipped IDX as served.
const TRAIN_N = 3;
const TEST_N = 2;

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, data]));
}

const pixels = (n: number, offset: number) =>
  Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7 + offset) % 256);
const FIXTURE: Record<string, Buffer> = {
  'train-images-idx3-ubyte.gz': idx(0x803, [TRAIN_N, 28, 28], pixels(TRAIN_N, 0)),
  'train-labels-idx1-ubyte.gz': idx(0x801, [TRAIN_N], Uint8Array.of(5, 0, 4)),
  't10k-images-idx3-ubyte.gz': idx(0x803, [TEST_N, 28, 28], pixels(TEST_N, 3)),
  't10k-labels-idx1-ubyte.gz': idx(0x801, [TEST_N], Uint8Array.of(7, 9)),
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const FILES: DataFile[] = Object.entries(FIXTURE).map(([name, bytes]) => ({ name, sha256: sha256(bytes) }));

/**
 * How a mirror answers a file: the file, a 404, a corrupted copy, a transfer cut off halfway (a Content-Length
 * larger than what arrives before the socket closes), a redirect to mirror `good`, or no answer at all.
 */
type Behaviour = 'ok' | '404' | 'corrupt' | 'interrupt' | 'redirect' | 'stall';

let server: Server;
let base: string;
const requests: string[] = [];
/** Per mirror (the first path segment), per file or `*`: how it answers; a mirror not listed serves the files. */
let behaviours: Record<string, Record<string, Behaviour>> = {};

function answer(res: ServerResponse, behaviour: Behaviour, file: string): void {
  const body = FIXTURE[file];
  if (behaviour === 'stall') return;
  if (behaviour === '404' || body === undefined) {
    res.writeHead(404).end('not found');
    return;
  }
  if (behaviour === 'redirect') {
    res.writeHead(302, { location: `/good/${file}` }).end();
    return;
  }
  if (behaviour === 'interrupt') {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, body.length >> 1), () => res.destroy());
    return;
  }
  const sent = behaviour === 'corrupt' ? Buffer.from(body).fill(0x2a, 20, 30) : body;
  res.writeHead(200, { 'content-length': String(sent.length) }).end(sent);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, mirror, file] = (req.url ?? '').split('/');
    requests.push(`${mirror}/${file}`);
    answer(res, behaviours[mirror]?.[file] ?? behaviours[mirror]?.['*'] ?? 'ok', file);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const roots: string[] = [];
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'latentlab-fetch-'));
  roots.push(root);
  return root;
}

afterEach(() => {
  requests.length = 0;
  behaviours = {};
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

/** The DataFetchError that `fetching` rejects with (a test failure when it resolves or rejects otherwise). */
async function fetchError(fetching: Promise<unknown>): Promise<DataFetchError> {
  const error: unknown = await fetching.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFetchError);
  return error as DataFetchError;
}

describe('fetchDataset', () => {
  it('downloads the four files, checks them, and the second call downloads nothing', async () => {
    const root = freshRoot();
    const events: FetchEvent[] = [];
    const first = await fetchDataset('mnist', {
      root,
      mirrors: [`${base}/a/`],
      files: FILES,
      onProgress: (e) => events.push(e),
    });
    expect(first.dir).toBe(join(root, 'mnist'));
    expect(requests).toEqual(FILES.map((f) => `a/${f.name}`));
    expect(first.files.map((f) => [f.name, f.downloaded, f.url])).toEqual(
      FILES.map((f) => [f.name, true, `${base}/a/${f.name}`]),
    );
    for (const f of FILES) expect(readFileSync(join(root, 'mnist', f.name))).toEqual(FIXTURE[f.name]);
    expect(readdirSync(join(root, 'mnist')).sort()).toEqual(FILES.map((f) => f.name).sort());
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last).toMatchObject({
      file: 't10k-labels-idx1-ubyte.gz',
      received: FIXTURE['t10k-labels-idx1-ubyte.gz'].length,
    });

    const again = await fetchDataset('mnist', { root, mirrors: [`${base}/a/`], files: FILES });
    expect(requests).toHaveLength(FILES.length);
    expect(again.files.every((f) => !f.downloaded)).toBe(true);
  });

  it.each([
    ['answers 404', '404' as const],
    ['serves a corrupted copy', 'corrupt' as const],
    ['cuts the transfer off halfway', 'interrupt' as const],
    ['does not answer within the timeout', 'stall' as const],
  ])('takes the next mirror when the first %s', async (_, behaviour) => {
    const root = freshRoot();
    behaviours = { a: { 'train-images-idx3-ubyte.gz': behaviour } };
    const failures: FetchEvent[] = [];
    const result = await fetchDataset('mnist', {
      root,
      mirrors: [`${base}/a/`, `${base}/b`],
      files: FILES,
      timeoutMs: 300,
      onProgress: (e) => e.type === 'failed' && failures.push(e),
    });
    expect(result.files[0].url).toBe(`${base}/b/train-images-idx3-ubyte.gz`);
    expect(result.files.slice(1).map((f) => f.url)).toEqual(FILES.slice(1).map((f) => `${base}/a/${f.name}`));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      file: 'train-images-idx3-ubyte.gz',
      url: `${base}/a/train-images-idx3-ubyte.gz`,
    });
    expect(readFileSync(join(root, 'mnist', 'train-images-idx3-ubyte.gz'))).toEqual(
      FIXTURE['train-images-idx3-ubyte.gz'],
    );
    expect(readdirSync(join(root, 'mnist')).filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('follows redirects', async () => {
    const root = freshRoot();
    behaviours = { r: { '*': 'redirect' } };
    await fetchDataset('mnist', { root, mirrors: [`${base}/r/`], files: FILES });
    expect(requests.slice(0, 2)).toEqual(['r/train-images-idx3-ubyte.gz', 'good/train-images-idx3-ubyte.gz']);
    expect(existsSync(join(root, 'mnist', 't10k-labels-idx1-ubyte.gz'))).toBe(true);
  });

  it('a corrupted file is a checksum error naming the file and both hashes, and leaves nothing in the cache', async () => {
    const root = freshRoot();
    behaviours = { a: { '*': 'corrupt' } };
    const file = FILES[0];
    const corrupt = Buffer.from(FIXTURE[file.name]).fill(0x2a, 20, 30);
    const error = await fetchError(fetchDataset('mnist', { root, mirrors: [`${base}/a/`], files: FILES }));
    expect(error).toMatchObject({ problem: 'failed', file: file.name });
    expect(error.message).toContain(
      `could not fetch ${file.name} (${base}/a/${file.name}: checksum mismatch: sha256 ${sha256(corrupt)}, ` +
        `expected ${file.sha256}); nothing of it was kept; download`,
    );
    expect(error.message).not.toContain('\n');
    expect(readdirSync(join(root, 'mnist'))).toEqual([]);
  });

  it('an interrupted transfer on the only mirror is an error, and leaves nothing in the cache', async () => {
    const root = freshRoot();
    behaviours = { a: { 't10k-images-idx3-ubyte.gz': 'interrupt' } };
    const error = await fetchError(fetchDataset('mnist', { root, mirrors: [`${base}/a/`], files: FILES }));
    const size = FIXTURE['t10k-images-idx3-ubyte.gz'].length;
    expect(error).toMatchObject({ problem: 'failed', file: 't10k-images-idx3-ubyte.gz' });
    expect(error.message).toMatch(
      new RegExp(
        `^could not fetch t10k-images-idx3-ubyte\\.gz \\(\\S+: interrupted after \\d+ (of ${size} )?bytes`,
      ),
    );
    // The two files before it are complete and verified, so they stay; nothing of the third is there.
    expect(readdirSync(join(root, 'mnist')).sort()).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
  });

  it('offline, fails with one line saying where to put the files by hand', async () => {
    const root = freshRoot();
    const port = await closedPort();
    const mirrors = [`http://127.0.0.1:${port}/mnist/`, `http://127.0.0.1:${port}/other/`];
    const error = await fetchError(fetchDataset('mnist', { root, mirrors }));
    expect(error.problem).toBe('offline');
    const dir = join(root, 'mnist');
    expect(error.message).toBe(
      `cannot reach any MNIST mirror: 127.0.0.1:${port} (ECONNREFUSED); download train-images-idx3-ubyte.gz, ` +
        'train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from ' +
        `http://127.0.0.1:${port}/mnist/ on a machine that is online and put them in ${dir}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a cached file whose checksum is wrong', async () => {
    const root = freshRoot();
    mkdirSync(join(root, 'mnist'));
    writeFileSync(join(root, 'mnist', FILES[1].name), 'not the labels');
    const result = await fetchDataset('mnist', { root, mirrors: [`${base}/a/`], files: FILES });
    expect(result.files[1].downloaded).toBe(true);
    expect(readFileSync(join(root, 'mnist', FILES[1].name))).toEqual(FIXTURE[FILES[1].name]);
  });

  it('puts the files in $LATENTLAB_DATA/mnist, where loadDataset("mnist-full") reads them', async () => {
    const root = freshRoot();
    const saved = process.env.LATENTLAB_DATA;
    process.env.LATENTLAB_DATA = root;
    try {
      const { dir } = await fetchDataset('mnist', { mirrors: [`${base}/a/`], files: FILES });
      expect(dir).toBe(join(root, 'mnist'));
      const { name, train, test } = loadDataset('mnist-full');
      expect(name).toBe('mnist-full');
      expect(test).not.toBeNull();
      expect([train.kind, train.n, ...train.shape, train.numClasses]).toEqual([
        'image',
        TRAIN_N,
        28,
        28,
        1,
        10,
      ]);
      expect([test?.n, ...(test?.shape ?? [])]).toEqual([TEST_N, 28, 28, 1]);
      expect(Array.from(train.labels ?? [])).toEqual([5, 0, 4]);
      expect(Array.from(test?.labels ?? [])).toEqual([7, 9]);
      // Pixel i of the training images is (7 i) mod 256, of the test images (7 i + 3) mod 256, scaled by 1/255.
      expect(train.values[1000]).toBeCloseTo(((7 * 1000) % 256) / 255, 6);
      expect(test?.values[784 + 5]).toBeCloseTo(((7 * 789 + 3) % 256) / 255, 6);
    } finally {
      if (saved === undefined) delete process.env.LATENTLAB_DATA;
      else process.env.LATENTLAB_DATA = saved;
    }
  });

  it.each([
    [
      'an unknown data set',
      'cifar10',
      {},
      "fetchDataset: argument 'name' must be one of mnist, got 'cifar10'",
    ],
    [
      'a mirror that is not an http URL',
      'mnist',
      { mirrors: ['ftp://example.org/mnist/'] },
      "fetchDataset: option 'mirrors' must hold http or https URLs, got 'ftp://example.org/mnist/'",
    ],
  ])('rejects %s', async (_, name, options, message) => {
    await expect(fetchDataset(name, { root: freshRoot(), ...options })).rejects.toThrow(message);
  });
});

describe('the MNIST table', () => {
  it('has a 64-hex-digit SHA-256 and the size of each of the four standard files', () => {
    expect(MNIST_FILES.map((f) => f.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    for (const f of MNIST_FILES) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The sizes of the files as served (tensorflow_datasets/url_checksums/mnist.txt).
    expect(MNIST_FILES.map((f) => f.bytes)).toEqual([9912422, 28881, 1648877, 4542]);
    for (const m of MNIST_MIRRORS) expect(m).toMatch(/^https?:\/\/[^/]+\/.*\/$/);
  });
});

describe('dataRoot', () => {
  it.each([
    ['LATENTLAB_DATA first', { LATENTLAB_DATA: '/data', XDG_CACHE_HOME: '/xdg' }, 'linux', '/data'],
    ['XDG_CACHE_HOME on Linux', { XDG_CACHE_HOME: '/xdg' }, 'linux', '/xdg/latentlab'],
    ['~/.cache without it', {}, 'linux', '/home/ada/.cache/latentlab'],
    [
      '~/.cache for a relative XDG_CACHE_HOME',
      { XDG_CACHE_HOME: 'rel' },
      'linux',
      '/home/ada/.cache/latentlab',
    ],
    ['~/.cache for an empty LATENTLAB_DATA', { LATENTLAB_DATA: '' }, 'freebsd', '/home/ada/.cache/latentlab'],
    ['~/Library/Caches on macOS', { XDG_CACHE_HOME: '/xdg' }, 'darwin', '/home/ada/Library/Caches/latentlab'],
    [
      '%LOCALAPPDATA% on Windows',
      { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
      'win32',
      'C:\\Users\\ada\\AppData\\Local\\latentlab',
    ],
  ] as const)('%s', (_, env, platform, expected) => {
    expect(dataRoot({ env, platform, home: '/home/ada' })).toBe(expected);
  });

  it('the cache directory ignores LATENTLAB_DATA', () => {
    expect(userCacheDir({ env: { LATENTLAB_DATA: '/data' }, platform: 'linux', home: '/h' })).toBe(
      '/h/.cache/latentlab',
    );
  });
});
