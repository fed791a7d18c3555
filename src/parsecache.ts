// Parsed YAML, kept beside the code cache and keyed by what stat(2) says of every file and dir it
// came from. Each hook process would otherwise load the YAML library and parse config.yaml and the
// policy files again: ~16 ms of a hook's wall time, twice per dpkg run (issue 18, bookworm lab).
import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { untrusted, writeFileAtomic } from './fsutil.js';

// Where, and for which build of the program: a newer validator must not read an older one's result.
export interface ParseCache {
  dir: string;
  build: string;
}

// NOTE: stat(2): ctime changes with every write, chmod, chown or rename and cannot be set from user
// space, so an edit that keeps size and mtime still misses; a dir's ctime changes with its entries.
function stamp(path: string): unknown[] {
  try {
    const s = statSync(path, { bigint: true });
    return [path, `${s.dev}:${s.ino}`, `${s.size}`, `${s.ctimeNs}`, `${s.mtimeNs}`, Number(s.uid), Number(s.mode)];
  } catch {
    return [path, null];
  }
}

// The key of everything read: each path, and for a dir each of its files that `take` keeps.
export function fingerprint(
  build: string,
  paths: readonly string[],
  take = (n: string) => n.endsWith('.yaml'),
): string {
  const all: unknown[] = [build];
  for (const p of paths) {
    all.push(stamp(p));
    let names: string[] = [];
    try {
      if (statSync(p).isDirectory()) names = readdirSync(p).filter(take).sort();
    } catch {
      /* absent: its stamp says so */
    }
    for (const n of names) all.push(stamp(join(p, n)));
  }
  return JSON.stringify(all);
}

// Its result is what makes the guard refuse or arm: a real dir and file, owned by `uid`, writable
// by nobody else (the code cache's rule, boot/codecache.ts).
function trusted(path: string, uid: number, kind: 'dir' | 'file'): boolean {
  const st = lstatSync(path);
  return (kind === 'dir' ? st.isDirectory() : st.isFile()) && untrusted(path, uid, st) === null;
}

// The stored value when its key matches; undefined otherwise (absent, stale, untrusted, corrupt).
export function recall<T>(file: string, key: string, uid: number): T | undefined {
  try {
    if (!trusted(dirname(file), uid, 'dir') || !trusted(file, uid, 'file')) return undefined;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; value?: T };
    return doc.key === key ? doc.value : undefined;
  } catch {
    return undefined;
  }
}

// Only into a trusted dir that exists (the package makes /var/cache/apt-netguard); never throws:
// without it the next process parses again.
export function remember(file: string, key: string, uid: number, value: unknown): void {
  try {
    if (trusted(dirname(file), uid, 'dir')) writeFileAtomic(file, JSON.stringify({ key, value }), 0o600);
  } catch {
    /* a cache */
  }
}
