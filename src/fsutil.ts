// Crash-safe file writes, and who may be trusted to have written a file (the lock is in lock.ts,
// so that the bundle's outer module can use these without loading proper-lockfile).
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { StateError, messageOf } from './errors.js';

// temp file in the same dir, fsync, rename, fsync the dir: a reader sees the old file or the new one, never half.
// `noClobber`: link instead of rename, so that an existing file is never replaced (EEXIST throws).
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o640, noClobber = false): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', mode);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    if (noClobber) {
      linkSync(tmp, path);
      rmSync(tmp, { force: true });
    } else renameSync(tmp, path);
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
    throw new StateError(`cannot create ${dir}: ${realCause(dir) ?? messageOf(err)}`);
  }
}

// NOTE: a recursive mkdir reports ENOENT on a read-only filesystem (node 18 and 20, checked on a
// read-only tmpfs); the first missing dir made alone gives the real error (EROFS, ENOSPC, EACCES).
function realCause(dir: string): string | null {
  let missing = dir;
  while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
  try {
    mkdirSync(missing);
    rmdirSync(missing);
    return null;
  } catch (err) {
    return messageOf(err);
  }
}

// Why a root tool must not trust this file or dir, or null: whoever can write it decides what
// apt-netguard refuses, or runs (a code cache). `st` from lstat when a symlink must not pass.
export function untrusted(path: string, uid: number, st: Pick<Stats, 'uid' | 'mode'> = statSync(path)): string | null {
  if (st.uid !== uid) return `owned by uid ${st.uid}, not ${uid === 0 ? 'root' : uid}; chown root:root ${path}`;
  if (st.mode & 0o022) return `writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod go-w ${path}`;
  return null;
}

// A cache the guard reads back (code, parsed YAML) decides what runs as root: a real dir or file
// (lstat: no symlinks), owned by `uid`, writable by nobody else. Throws when `path` is absent.
export function trustedEntry(path: string, uid: number, kind: 'dir' | 'file'): boolean {
  const st = lstatSync(path);
  return (kind === 'dir' ? st.isDirectory() : st.isFile()) && untrusted(path, uid, st) === null;
}
