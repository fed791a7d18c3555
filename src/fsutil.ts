// Crash-safe file writes and the state-dir lock.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError, messageOf } from './errors.js';

// temp file in the same dir, fsync, rename, fsync the dir: a reader sees the old file or the new one, never half.
export function writeFileAtomic(path: string, data: string, mode = 0o640): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', mode);
    const buf = Buffer.from(data);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    fsyncDir(dir);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new StateError(`cannot write ${path}: ${messageOf(err)}`);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function ensureDir(dir: string, mode = 0o750): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
  } catch (err) {
    throw new StateError(`cannot create ${dir}: ${messageOf(err)}`);
  }
}

// Holds `<dir>/.lock` around fn. A holder killed with SIGKILL leaves a lock that goes stale after 10 s.
export async function withLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  ensureDir(dir);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, '.lock'),
      stale: 10_000,
      retries: { retries: 60, factor: 1, minTimeout: 250, maxTimeout: 250 },
      // A compromised lock (mtime not refreshable) must not crash a hook from a timer callback.
      onCompromised: () => {},
    });
  } catch (err) {
    throw new StateError(`cannot lock ${dir}: ${messageOf(err)}`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
