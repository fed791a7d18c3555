// Hook log lines also go to the journal, as `journalctl -t apt-netguard` shows them: apt's terminal
// and unattended-upgrades' log are gone or rotated by the time someone looks.
import { existsSync } from 'node:fs';
import type { Run } from './exec.js';

// pino level -> syslog severity (RFC 5424), facility user (1): <8 + severity>.
const SEVERITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

// Pure: the lines logger(1) reads with --prio-prefix.
export function syslogLines(jsonLines: readonly string[]): string {
  return jsonLines
    .map((l) => {
      let level = 30;
      try {
        level = (JSON.parse(l) as { level?: number }).level ?? 30;
      } catch {
        /* not JSON: info */
      }
      return `<${8 + (SEVERITY[level] ?? 6)}>${l.trimEnd()}\n`;
    })
    .join('');
}

// One logger(1) for a hook's lines (bsdutils is Essential). Never throws: the journal is a copy.
// The caller asks only when the context says so (APT_NETGUARD_JOURNAL=0 turns it off).
export async function toJournal(run: Run, jsonLines: readonly string[], socket = '/dev/log'): Promise<void> {
  if (!jsonLines.length || !existsSync(socket)) return;
  // NOTE: logger(1) cuts messages at 1 KiB by default (--size); a restore summary can be longer.
  await run(['logger', '-t', 'apt-netguard', `--id=${process.pid}`, '--prio-prefix', '--size', '16384', '-u', socket], {
    input: syslogLines(jsonLines),
    timeoutMs: 2000,
  }).catch(() => undefined);
}
