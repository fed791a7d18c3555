// A V8 code cache for the bundle. Node 18 and 20 have no compile cache for ES modules
// (module.enableCompileCache came in 22.1), and compiling the bundle's functions was a third of a
// snapshot's wall time (bench/snapshot.mjs, 2026-11). The cache holds what one run compiled.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trustedEntry, writeFileAtomic } from '../fsutil.js';

export const DEFAULT_CACHE_DIR = '/var/cache/apt-netguard';

// One file per command: V8 stores the functions a run compiled, and `status` compiles others than a hook.
export function cacheKey(argv: readonly string[]): string {
  const word = (s: string | undefined): s is string => s !== undefined && /^[a-z][a-z-]{0,31}$/.test(s);
  const [cmd, sub] = argv;
  if (!word(cmd)) return 'other';
  return (cmd === 'hook' || cmd === 'policy') && word(sub) ? `${cmd}-${sub}` : cmd;
}

// NOTE: V8 matches a cache to its source by length only (code-serializer.cc SourceHash), so the
// bundle's content hash is in the name: a rebuilt bundle of the same length must not load old code.
export const cacheFile = (dir: string, key: string, hash: string) => join(dir, `${key}.${hash}.v8`);

// The cached data, or undefined when absent or not trusted (then the bundle compiles as usual).
export function readCache(file: string, euid: number): Buffer | undefined {
  try {
    return trustedEntry(dirname(file), euid, 'dir') && trustedEntry(file, euid, 'file')
      ? readFileSync(file)
      : undefined;
  } catch {
    return undefined;
  }
}

// Atomic, like every file the guard writes; drops caches of other bundles. Only into a trusted dir
// that exists: the package makes it, a checkout run as root does not spill into /var/cache.
export function writeCache(file: string, data: Buffer, hash: string, euid: number): boolean {
  const dir = dirname(file);
  try {
    if (!trustedEntry(dir, euid, 'dir')) return false;
    writeFileAtomic(file, data, 0o644);
    for (const f of readdirSync(dir))
      if (f.endsWith('.v8') && !f.endsWith(`.${hash}.v8`)) rmSync(join(dir, f), { force: true });
    return true;
  } catch {
    return false;
  }
}
