// JSON log lines, structured fields first (pino). Hooks write to stderr: apt shows it, and
// unattended-upgrades keeps it in its log; stdout stays free for command output.
import pino, { type Logger } from 'pino';

export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

// Synchronous: a hook may exit right after logging, and must not lose the line that says why.
// With `tee`, each line is also handed to it as it is written (the journal, journald.ts).
// `level` is the context's (APT_NETGUARD_LOG_LEVEL, else the entry point's default).
export function makeLog(fd: number, level: string, tee?: (line: string) => void): Log {
  const dest = pino.destination({ fd, sync: true });
  const out = tee
    ? pino.multistream([
        { stream: dest, level: 'trace' },
        { stream: { write: tee }, level: 'trace' },
      ])
    : dest;
  return pino({ name: 'apt-netguard', level, base: { pid: process.pid } }, out);
}

// For tests: collects what would have been logged.
export function memoryLog(): Log & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => {
    lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj, msg: msg ?? '' });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
