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

// NOTE: proc(5): in /proc/<pid>/stat field 2 is comm, 4 ppid and 22 starttime; comm may hold
// spaces and parentheses, so fields are counted after the last ')'.
export function parseStat(stat: string): { comm: string; ppid: number; start: string } | null {
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  const [ppid, start] = [rest[1], rest[19]];
  if (close < 0 || !ppid || !/^\d+$/.test(ppid) || !start || !/^\d+$/.test(start)) return null;
  return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(ppid), start };
}
export const parseStart = (stat: string): string | null => parseStat(stat)?.start ?? null;

// The shells between apt and a hook: apt runs each hook through `sh -c`, and the shims are sh.
// comm is cut at 15 characters (proc(5)), so pre-install-pkgs shows as pre-install-pkg.
const SHELLS = /^(sh|dash|bash|run-hook|pre-install-pkg|needrestart-res)$/;

// The process that runs this hook: the first ancestor that is not a shell (apt, apt-get,
// unattended-upgr, aptitude, packagekitd...). Null when /proc cannot tell, or it is PID 1.
export function frontend(read: Read = readProc, from = process.ppid): Holder | null {
  const boot = bootId(read);
  for (let pid = from, hops = 0; pid > 1 && hops < 16; hops++) {
    let st: ReturnType<typeof parseStat>;
    try {
      st = parseStat(read(`/proc/${pid}/stat`));
    } catch {
      return null;
    }
    if (!st) return null;
    if (!SHELLS.test(st.comm)) return { pid, start: st.start, boot };
    pid = st.ppid;
  }
  return null;
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
