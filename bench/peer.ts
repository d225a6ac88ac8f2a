/**
 * Running the peer programs: the reference implementations in the libraries users would otherwise pick (PyTorch,
 * scikit-learn), kept in `../shared/peers` beside this repository. Each prints one JSON line; a missing Python
 * package is reported with the command that installs it instead of a Python traceback.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<root>/bench`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How to install what every peer needs (Debian's packages: pip cannot reach PyPI on the project's machines). */
export const PEER_INSTALL = 'apt-get install -y python3-torch python3-sklearn';

/** The Python that has PyTorch and scikit-learn (the `python3` on PATH may be another one). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The JSON object a peer prints on its last line. */
export type PeerOutput = Record<string, unknown>;

/** A peer could not run or gave no result; the message says why and what to do. */
export class PeerError extends Error {
  override name = 'PeerError';
}

/** The peers folder: `LATENTLAB_PEERS`, else `../shared/peers`, both relative to the repository root. */
export function peersDir(env: NodeJS.ProcessEnv = process.env, root: string = REPO_ROOT): string {
  return resolve(root, env.LATENTLAB_PEERS || '../shared/peers');
}

/** The Python that runs the peers: `LATENTLAB_PYTHON`, else `/usr/bin/python3`. */
export function pythonPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LATENTLAB_PYTHON || DEFAULT_PYTHON;
}

/** Where and how peers run. */
export interface PeerRunOptions {
  dir: string;
  python: string;
  /** Kill the peer after this long; default 20 minutes. */
  timeoutMs?: number;
}

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

function execute(command: string, args: string[], timeoutMs: number): Promise<Finished> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Not spawn's own `timeout`: its timer outlives a child that never started and keeps Node from exiting.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs).unref();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (spawnError: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ status: null, stdout, stderr, spawnError });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Run `script` from `options.dir` with `options.python` and return the JSON object on its last output line.
 * Throws a {@link PeerError} naming the fix when the script or Python is missing, a Python module is missing
 * (with {@link PEER_INSTALL}), the peer fails, or it prints no JSON.
 */
export async function runPeer(script: string, args: string[], options: PeerRunOptions): Promise<PeerOutput> {
  const { dir, python, timeoutMs = 20 * 60_000 } = options;
  const path = join(dir, script);
  if (!existsSync(path))
    throw new PeerError(
      `peer program ${script} not found in ${dir}; set LATENTLAB_PEERS to the peers folder`,
    );
  const run = await execute(python, [path, ...args], timeoutMs);
  if (run.spawnError !== undefined)
    throw new PeerError(
      `cannot run ${python} (${run.spawnError.code ?? run.spawnError.message}); ` +
        `set LATENTLAB_PYTHON to a Python 3 that has PyTorch and scikit-learn`,
    );
  const missing = /No module named '([\w.]+)'/.exec(run.stderr);
  if (run.status !== 0 && missing !== null)
    throw new PeerError(
      `${script} needs the Python module '${missing[1].split('.')[0]}', which ${python} lacks; ` +
        `install it with: ${PEER_INSTALL}`,
    );
  if (run.status !== 0)
    throw new PeerError(
      `${script} ${run.status === null ? 'was killed (timeout?)' : `exited with status ${run.status}`}: ` +
        tail(run.stderr),
    );
  const last = run.stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new PeerError(`${script} printed no JSON object on its last line; got '${tail(last, 1)}'`);
  return parsed as PeerOutput;
}

/** The number `key` of a peer's output, or a {@link PeerError} naming the key. */
export function peerNumber(output: PeerOutput, key: string, script: string): number {
  const value = output[key];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new PeerError(`${script}: expected a number '${key}' in its output, got ${JSON.stringify(value)}`);
  return value;
}
