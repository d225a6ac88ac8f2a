import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MNIST_FILES } from '../data/fetch.js';
import { engineInfo, initEngine } from '../engine/backend.js';
import { FAMILIES } from '../families/index.js';
import { flagOf } from '../train/options.js';
import type { CliIO } from './io.js';
import { runCli } from './program.js';
import { kindOptions } from './run-command.js';

function capture(): CliIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdout: () => out,
    stderr: () => err,
  };
}

async function run(argv: string[]) {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('latentlab info', () => {
  it("prints the engine's backend, threads and versions", async () => {
    const { code, out } = await run(['info']);
    expect(code).toBe(0);
    const info = engineInfo((await initEngine()).requested);
    expect(out).toMatch(new RegExp(`^backend +${info.backend}( \\(auto\\))?$`, 'm'));
    const threads = info.threads === 0 ? 'native \\(set by the backend\\)' : String(info.threads);
    expect(out).toMatch(new RegExp(`^threads +${threads}$`, 'm'));
    expect(out).toMatch(/^tfjs-core +4\.22\.0$/m);
  });

  it('--json --backend cpu switches the backend and says so', async () => {
    const { code, out } = await run(['info', '--json', '--backend', 'cpu']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ backend: 'cpu', requested: 'cpu', threads: 1 });
    expect((await run(['info', '--backend', 'wasm'])).code).toBe(0);
  });
});

describe('errors', () => {
  it.each([
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    [
      'an unknown backend',
      ['info', '--backend', 'tpu'],
      /--backend: unknown backend 'tpu'; expected one of auto/,
    ],
    [
      'an unknown kind',
      ['train', 'gan9'],
      /unknown kind 'gan9' for train \(expected one of vae, beta-vae, iwae, cvae, flow, gan, infogan, aae, bigan, ali, cyclegan, helmholtz\)/,
    ],
    ['a kind of the other verb', ['train', 'gmm'], /gmm is fitted: latentlab fit gmm/],
    [
      'a flag of another kind',
      ['train', 'vae', '--arch', 'glow'],
      /--arch is not an option of train vae \(it is an option of flow\)/,
    ],
    [
      'a flag of another family',
      ['train', 'flow', '--beta', '4'],
      /--beta is not an option of train flow \(it is an option of vae, beta-vae, cvae\)/,
    ],
    [
      'a flag of another VAE kind',
      ['train', 'vae', '--iw-samples', '5'],
      /--iw-samples is not an option of train vae \(it is an option of iwae\)/,
    ],
    ['a flag nobody has', ['fit', 'gmm', '--frobnicate', '1'], /--frobnicate is not an option of fit gmm$/m],
    [
      'an unknown data set to fetch',
      ['data', 'fetch', 'cifar10'],
      /unknown data set 'cifar10' for data fetch \(expected mnist; the others ship with latentlab/,
    ],
    [
      'a mirror that is not an http URL',
      ['data', 'fetch', 'mnist', '--mirror', 'ftp://example.org/'],
      /--mirror <url>' argument 'ftp:\/\/example.org\/' is invalid. expected an http or https URL/,
    ],
  ])('%s exits non-zero with one line naming the problem', async (_, argv, message) => {
    const { code, err } = await run(argv);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('help', () => {
  it('lists the commands, and the kinds of train and fit', async () => {
    const { out } = await run(['--help']);
    expect(out).toMatch(/info \[options\] +print the TensorFlow.js backend/);
    expect(out).toMatch(/^ +data +download data sets \(full MNIST\)/m);
    const train = await run(['train', '--help']);
    for (const kind of ['vae', 'beta-vae', 'iwae', 'cvae', 'flow', 'gan'])
      expect(train.out).toMatch(new RegExp(`^ +${kind} `, 'm'));
    expect(train.out).not.toMatch(/^ +gmm /m);
    expect((await run(['fit', '--help'])).out).toMatch(/^ +bayesian-gmm /m);
  });

  it.each(
    FAMILIES.flatMap((f) =>
      f.kinds.map((k) => [f.training === 'steps' ? 'train' : 'fit', k.name, f] as const),
    ),
  )('%s %s --help lists exactly the options that kind uses', async (verb, kind, family) => {
    const { code, out } = await run([verb, kind, '--help']);
    expect(code).toBe(0);
    const listed = [...out.matchAll(/^ +(--[a-z0-9-]+)/gm)].map((m) => m[1].replace(/^--no-/, '--'));
    const expected = kindOptions(family, kind).map((s) => flagOf(s));
    for (const flag of expected) expect(listed, flag).toContain(flag);
    const cli = ['--out', '--resume', '--config', '--backend', '--pictures', '--help'];
    for (const flag of listed) expect([...expected, ...cli], flag).toContain(flag);
  });

  it("shows each kind's own defaults, per kind of data where they differ", async () => {
    const beta = (await run(['train', 'beta-vae', '--help'])).out;
    expect(beta).toMatch(/--beta <b> +KL weight after the warm-up \(default 4\)/);
    expect((await run(['train', 'vae', '--help'])).out).toMatch(
      /--beta <b> +KL weight after the warm-up \(default 1\)/,
    );
    const flow = (await run(['train', 'flow', '--help'])).out.replace(/\s+/g, ' ');
    expect(flow).toContain('--epochs <n> epochs to train (default 5 on images)');
    expect(flow).toContain('(default 1500 on vectors)');
    expect(flow).toContain('--batch-size <n> examples per step (default 64 on images, 256 on vectors)');
    expect(flow).toContain('--data <name|path>');
    expect(flow).toMatch(/default moons\)/);
  });
});

describe('docs', () => {
  it('docs/options.md is what `latentlab docs` prints from the option declarations (run it to update the file)', async () => {
    const { readFileSync } = await import('node:fs');
    const { code, out } = await run(['docs']);
    expect(code).toBe(0);
    expect(readFileSync(new URL('../../docs/options.md', import.meta.url), 'utf8')).toBe(out);
    for (const family of FAMILIES)
      for (const kind of family.kinds)
        for (const spec of kindOptions(family, kind.name))
          expect(out).toContain(`| \`${flagOf(spec)}\` | \`${spec.name}\` |`);
  });
});

describe('latentlab data', () => {
  /** Call `use` with LATENTLAB_DATA set to a fresh directory, and the user's cache directory inside it. */
  async function withDataRoot<T>(use: (root: string) => Promise<T>): Promise<T> {
    const root = mkdtempSync(join(tmpdir(), 'latentlab-cli-data-'));
    const saved = { LATENTLAB_DATA: process.env.LATENTLAB_DATA, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    Object.assign(process.env, { LATENTLAB_DATA: root, XDG_CACHE_HOME: join(root, 'cache') });
    try {
      return await use(root);
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('fetch, offline, exits non-zero with one line saying where to put the files by hand', async () => {
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    await withDataRoot(async (root) => {
      const mirror = `http://127.0.0.1:${port}/mnist/`;
      const { code, err } = await run(['data', 'fetch', 'mnist', '--mirror', mirror]);
      expect(code).toBe(1);
      const lines = err.trim().split('\n');
      expect(lines.slice(0, -1)).toEqual([
        `fetch mnist: ${mirror}train-images-idx3-ubyte.gz failed (ECONNREFUSED)`,
      ]);
      expect(lines.at(-1)).toBe(
        `latentlab: cannot reach any MNIST mirror: 127.0.0.1:${port} (ECONNREFUSED); download ` +
          `${MNIST_FILES.map((f) => f.name).join(', ')} from ${mirror} on a machine that is online and put ` +
          `them in ${join(root, 'mnist')}`,
      );
      expect(readdirSync(join(root, 'mnist'))).toEqual([]);
    });
  });

  it('fetch --dir, from a mirror with a wrong file, names the file and both checksums, and keeps nothing', async () => {
    const server = createServer((_, res) => res.writeHead(200, { 'content-length': '5' }).end('junk\n'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-cli-fetch-'));
    try {
      const { code, out, err } = await run(['data', 'fetch', 'mnist', '--dir', dir, '--mirror', mirror]);
      expect([code, out]).toEqual([1, '']);
      expect(err.trim().split('\n').at(-1)).toMatch(
        new RegExp(
          `^latentlab: could not fetch train-images-idx3-ubyte\\.gz \\(${mirror}train-images-idx3-ubyte\\.gz: ` +
            `checksum mismatch: sha256 [0-9a-f]{64}, expected ${MNIST_FILES[0].sha256}\\); nothing of it was kept; ` +
            `download .* and put them in ${join(dir, 'mnist')}$`,
        ),
      );
      expect(readdirSync(join(dir, 'mnist'))).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('list says whether full MNIST is in the data directory', async () => {
    await withDataRoot(async (root) => {
      const before = await run(['data', 'list']);
      expect(before.code).toBe(0);
      expect(before.out).toMatch(/^mnist +ready: 10,000 digits embedded in the package \(the default\)$/m);
      expect(before.out).toContain(
        `mnist-full     not fetched: run 'latentlab data fetch mnist' (into ${root}/mnist)`,
      );
      expect(before.out).toMatch(/^moons +ready: a 2-D density made in code$/m);
      mkdirSync(join(root, 'mnist'));
      for (const f of MNIST_FILES) writeFileSync(join(root, 'mnist', f.name), '');
      expect((await run(['data', 'list'])).out).toContain(`mnist-full     ready: in ${root}/mnist`);
    });
  });
});
