// Parsed YAML, kept beside the code cache and keyed by what stat(2) says of every file and dir it
// came from. Each hook process would otherwise load the YAML library and parse config.yaml and the
// policy files again: ~16 ms of a hook's wall time, twice per dpkg run (issue 18, bookworm lab).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trustedEntry, writeFileAtomic } from './fsutil.js';

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

// The stored value when its key matches; undefined otherwise (absent, stale, untrusted, corrupt).
// Its result decides what the guard refuses or arms: the code cache's trust rule (trustedEntry).
export function recall<T>(file: string, key: string, uid: number): T | undefined {
  try {
    if (!trustedEntry(dirname(file), uid, 'dir') || !trustedEntry(file, uid, 'file')) return undefined;
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
    if (trustedEntry(dirname(file), uid, 'dir')) writeFileAtomic(file, JSON.stringify({ key, value }), 0o600);
  } catch {
    /* a cache */
  }
}

// `name`'s result from the cache while `inputs` are unchanged, else `parse`d (which the caller
// imports lazily, so that the YAML library loads only on a miss) and kept. No cache: parsed.
export async function throughCache<T>(
  cache: ParseCache | null | undefined,
  name: string,
  inputs: readonly string[],
  uid: number,
  parse: () => Promise<T>,
): Promise<T> {
  if (!cache) return parse();
  const file = join(cache.dir, `${name}.json`);
  const key = fingerprint(cache.build, inputs);
  const hit = recall<T>(file, key, uid);
  if (hit) return hit;
  const value = await parse();
  remember(file, key, uid, value);
  return value;
}
