// What a running process still maps of files that were replaced on disk (/proc/PID/maps), and which
// files a package installed (dpkg-query -L): whether a standing veto still explains a restart request.
import { readFileSync } from 'node:fs';
import type { Run } from '../exec.js';

// NOTE: proc(5): the sixth field of a maps line is the path; the kernel appends " (deleted)" once
// the file is unlinked, as dpkg does when it replaces a library. Paths are compared without /usr:
// bookworm's packages list /lib/..., a merged-/usr process maps /usr/lib/...
export const unmerged = (path: string): string => path.replace(/^\/usr(?=\/(lib|lib64|bin|sbin)\/)/, '');

export function parseDeleted(maps: string): string[] {
  const out = new Set<string>();
  for (const line of maps.split('\n')) {
    const m = /^\S+ \S+ \S+ \S+ \S+ +(\/.*) \(deleted\)$/.exec(line);
    if (m?.[1]) out.add(unmerged(m[1]));
  }
  return [...out].sort();
}

// `dpkg-query -L PKG`: one path per line (and diversion notes, which are not paths).
export function parseFileList(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('/'))
    .map(unmerged);
}

type ReadText = (path: string) => string;
const readText: ReadText = (p) => readFileSync(p, 'utf8');

// The replaced files the unit's main process maps; null when it cannot be read (not running, no /proc).
export async function deletedMappings(run: Run, unit: string, read: ReadText = readText): Promise<string[] | null> {
  try {
    const { stdout } = await run(['systemctl', 'show', '--property=MainPID', '--value', unit], { timeoutMs: 5_000 });
    const pid = Number(stdout.trim());
    if (!pid) return null;
    return parseDeleted(read(`/proc/${pid}/maps`));
  } catch {
    return null;
  }
}

// Every file the packages installed; a package dpkg does not know adds nothing.
export async function packageFiles(run: Run, packages: readonly string[]): Promise<Set<string>> {
  const files = new Set<string>();
  for (const p of packages)
    try {
      const { stdout } = await run(['dpkg-query', '-L', p], { timeoutMs: 5_000 });
      for (const f of parseFileList(stdout)) files.add(f);
    } catch {
      // not installed (any more)
    }
  return files;
}
