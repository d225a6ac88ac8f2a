/**
 * A run's directory (Node only): claimed by one process at a time with a lock file, refused when it holds
 * something else, and removed again when the run fails before its first checkpoint, so that a failed start leaves
 * nothing behind to be mistaken for a run.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file in a run directory while a process writes it. */
export const LOCK_FILE = '.lock';

/** Why a directory cannot hold a new run, or cannot be written now. */
export type RunDirectoryProblem = 'not-a-directory' | 'not-empty' | 'locked' | 'missing';

/** A run directory that cannot be used: `problem` says why (the command line adds what to do about it). */
export class RunDirectoryError extends Error {
  override name = 'RunDirectoryError';
  constructor(
    message: string,
    readonly path: string,
    readonly problem: RunDirectoryProblem,
    /** For `not-empty`: whether the directory holds a run that could be resumed. */
    readonly resumable = false,
  ) {
    super(message);
  }
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? (info as LockInfo) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the lock of `dir`: create `dir/.lock` exclusively, holding this process's pid. A lock whose holder is gone
 * (a process of this host that no longer runs, or an unreadable lock file) is stale and taken over.
 */
function lock(dir: string): string {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info) + '\n');
      closeSync(fd);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(path);
      const stale = holder === null || (holder.host === hostname() && !alive(holder.pid));
      if (!stale)
        throw new RunDirectoryError(
          `${dir} is in use by another latentlab process (pid ${holder.pid} on ${holder.host}, since ` +
            `${holder.started}); if it is no longer running, remove ${path}`,
          dir,
          'locked',
        );
      rmSync(path, { force: true });
    }
  }
  throw new RunDirectoryError(`could not lock ${dir}: another process keeps taking its lock`, dir, 'locked');
}

/** The run directories this process holds, so that a signal handler can clean them up. */
const held = new Set<RunDirectory>();

/**
 * A run directory this process holds. Until {@link RunDirectory.commit} (the first checkpoint), the run can be
 * discarded without a trace; after it, a failure keeps what was written (the last good checkpoint).
 */
export class RunDirectory {
  private committed = false;
  private released = false;

  private constructor(
    readonly path: string,
    private readonly lockPath: string,
    /** Whether this run made the directory (and may remove it), or found it empty. */
    private readonly created: boolean,
    /** Whether the directory held a run already (a resumed run): it is never discarded. */
    private readonly existing: boolean,
  ) {
    held.add(this);
  }

  /**
   * Claim `path` for a new run: it must not exist, or be an empty directory. `resumable` says whether the command
   * could continue a run found there (to word the error).
   */
  static async create(
    path: string,
    { isResumable }: { isResumable: (dir: string) => Promise<boolean> },
  ): Promise<RunDirectory> {
    const info = await stat(path).catch(() => null);
    if (info !== null && !info.isDirectory())
      throw new RunDirectoryError(`${path} is a file, not a directory`, path, 'not-a-directory');
    if (info !== null && (await readdir(path)).length > 0)
      throw new RunDirectoryError(`${path} is not empty`, path, 'not-empty', await isResumable(path));
    await mkdir(path, { recursive: true });
    const lockPath = lock(path);
    // Another process may have written into it between the check and the lock.
    const entries = (await readdir(path)).filter((e) => e !== LOCK_FILE);
    if (entries.length > 0) {
      rmSync(lockPath, { force: true });
      throw new RunDirectoryError(`${path} is not empty`, path, 'not-empty', await isResumable(path));
    }
    return new RunDirectory(path, lockPath, info === null, false);
  }

  /** Claim the directory of an existing run, to continue it. */
  static async open(path: string): Promise<RunDirectory> {
    const info = await stat(path).catch(() => null);
    if (info === null) throw new RunDirectoryError(`${path} does not exist`, path, 'missing');
    if (!info.isDirectory())
      throw new RunDirectoryError(`${path} is a file, not a directory`, path, 'not-a-directory');
    return new RunDirectory(path, lock(path), false, true);
  }

  /** The run has written its first checkpoint: from now on a failure keeps the directory. */
  commit(): void {
    this.committed = true;
  }

  /** Give the lock up, keeping what the run wrote. */
  release(): Promise<void> {
    this.releaseSync();
    return Promise.resolve();
  }

  /**
   * End the run after a failure: a run that has no checkpoint yet leaves nothing (its directory is removed, or
   * emptied when it existed before); otherwise the lock is given up and the last good checkpoint kept.
   */
  async fail(): Promise<void> {
    if (this.committed || this.existing) return this.release();
    if (this.created) await rm(this.path, { recursive: true, force: true });
    else
      for (const entry of await readdir(this.path))
        await rm(join(this.path, entry), { recursive: true, force: true });
    this.released = true;
    held.delete(this);
  }

  /** {@link RunDirectory.fail} or {@link RunDirectory.release}, synchronously: for a signal handler. */
  abandonSync(): void {
    if (this.released) return;
    if (!this.committed && !this.existing && this.created)
      rmSync(this.path, { recursive: true, force: true });
    this.releaseSync();
  }

  private releaseSync(): void {
    if (this.released) return;
    rmSync(this.lockPath, { force: true });
    this.released = true;
    held.delete(this);
  }
}

/** Abandon every run directory this process holds (see {@link RunDirectory.abandonSync}): on SIGINT, say. */
export function abandonRunDirectories(): void {
  for (const dir of [...held]) dir.abandonSync();
}
