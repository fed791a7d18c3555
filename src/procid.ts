// Who holds a lock or runs a restore, told apart from whoever gets the same pid later: the pid, the
// process's start time, and the boot. A copied state dir, or one from before a reboot, names no
// process of this boot.
import { readFileSync } from 'node:fs';

export interface Holder {
  pid: number;
  // Start time in clock ticks since boot.
  start: string;
  boot: string;
}

// NOTE: proc(5): field 22 of /proc/<pid>/stat is starttime; field 2 (comm) may hold spaces and
// parentheses, so fields are counted after the last ')'.
export function parseStart(stat: string): string | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const v = rest[19];
  return v !== undefined && /^\d+$/.test(v) ? v : null;
}

type Read = (path: string) => string;
const readProc: Read = (p) => readFileSync(p, 'utf8');
const bootId = (read: Read) => {
  try {
    return read('/proc/sys/kernel/random/boot_id').trim();
  } catch {
    return '';
  }
};

export function self(read: Read = readProc): Holder {
  let start = '';
  try {
    start = parseStart(read(`/proc/${process.pid}/stat`)) ?? '';
  } catch {
    // no /proc: the pid alone, judged as such
  }
  return { pid: process.pid, start, boot: bootId(read) };
}

// Does the holder's process still run? Another boot, a gone pid, or a pid now started at another
// time means no.
export function alive(h: Holder, read: Read = readProc): boolean {
  const boot = bootId(read);
  if (h.boot && boot && h.boot !== boot) return false;
  let stat: string;
  try {
    stat = read(`/proc/${h.pid}/stat`);
  } catch {
    return false;
  }
  return !h.start || parseStart(stat) === h.start;
}

export const isHolder = (v: unknown): v is Holder =>
  typeof (v as Holder | null)?.pid === 'number' && typeof (v as Holder).start === 'string';
