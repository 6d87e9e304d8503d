import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * PGlite has no lock between processes: two processes opening one data folder corrupt it.
 * The opener takes this lock file (O_EXCL); a stale one (its PID gone) is taken over.
 * A running server also writes its URL and an operator token here (mode 0600) so that
 * the CLI, run by the same OS user, can send its command through the server instead.
 */
export type LockInfo = { pid: number; host: string; startedAt: string; url?: string; token?: string };

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The data folder ${dataDir} is in use by another Fairbase process (PID ${holder.pid} on ${holder.host}, since ${holder.startedAt}). ` +
        'Stop that process, or run this command while it serves HTTP so the command goes through it.',
    );
    this.name = 'DataDirLockedError';
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

export function lockPath(dataDir: string): string {
  return join(dataDir, 'fairbase.lock');
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** The lock's holder if it is a live process (this one included: PGlite must not be opened twice); null if free or stale. */
export function liveHolder(dataDir: string): LockInfo | null {
  const info = readLock(dataDir);
  if (!info) return null;
  if (info.host !== hostname()) return info; // another machine: can't check, assume alive
  if (!alive(info.pid)) return null;
  return info;
}

export type DataDirLock = { update(extra: Partial<LockInfo>): void; release(): void };

export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  let info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readLock(dataDir)?.pid === process.pid) rmSync(path, { force: true });
      };
      process.once('exit', release);
      return {
        update(extra) {
          info = { ...info, ...extra };
          writeFileSync(path, JSON.stringify(info), { mode: 0o600 });
          chmodSync(path, 0o600);
        },
        release,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder && liveHolder(dataDir)) throw new DataDirLockedError(dataDir, holder);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${path}`);
}
