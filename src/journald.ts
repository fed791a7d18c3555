// Log lines also go to the journal, as `journalctl -t apt-netguard` shows them, as they happen:
// apt's terminal and unattended-upgrades' log are gone or rotated by the time someone looks, and a
// guard killed mid-restore must leave what it did up to then.
import { existsSync } from 'node:fs';
import type { Pipe } from './exec.js';

// pino level -> syslog severity (RFC 5424), facility user (1): <8 + severity>.
const SEVERITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

// Pure: the line logger(1) reads with --prio-prefix.
export function syslogLine(jsonLine: string): string {
  let level = 30;
  try {
    level = (JSON.parse(jsonLine) as { level?: number }).level ?? 30;
  } catch {
    /* not JSON: info */
  }
  return `<${8 + (SEVERITY[level] ?? 6)}>${jsonLine.trimEnd()}\n`;
}

// NOTE: logger(1) cuts messages at 1 KiB by default (--size); a restore summary can be longer.
export const loggerArgv = (socket: string) =>
  ['logger', '-t', 'apt-netguard', `--id=${process.pid}`, '--prio-prefix', '--size', '16384', '-u', socket] as const;

// One logger(1) for this process's lines (bsdutils is Essential), fed each line as it is logged.
// Never throws: the journal is a copy. null when there is no syslog socket (no journald).
export function openJournal(spawn: (argv: readonly string[]) => Pipe | null, socket = '/dev/log') {
  if (!existsSync(socket)) return null;
  const pipe = spawn(loggerArgv(socket));
  if (!pipe) return null;
  return { write: (jsonLine: string) => pipe.write(syslogLine(jsonLine)), close: () => pipe.end().catch(() => {}) };
}
