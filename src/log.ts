// JSON log lines, structured fields first (pino). Hooks write to stderr: apt shows it, and
// unattended-upgrades keeps it in its log; stdout stays free for command output.
import type { LogFn, Logger } from 'pino';

export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'> & {
  // Builds the logger now if it is not built yet: a hook calls it while its probes run (issue 18).
  prepare?: () => void;
};

// pino's numbers for its level names.
const LEVEL: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

// Synchronous: a hook may exit right after logging, and must not lose the line that says why.
// With `tee`, each line is also handed to it as it is written (the journal, journald.ts).
// `level` is the context's (APT_NETGUARD_LOG_LEVEL, else the entry point's default).
// pino is loaded on the first line at or above `level`, or by prepare(): its loading (with
// worker_threads and assert) took ~10 ms of each hook before its first process started.
export function makeLog(fd: number, level: string, tee?: (line: string) => void): Log {
  let real: Logger | null = null;
  const get = () => (real ??= build(fd, level, tee));
  const min = LEVEL[level] ?? (level === 'silent' ? Infinity : 0);
  const at =
    (name: 'info' | 'warn' | 'error' | 'debug'): LogFn =>
    (...args: Parameters<LogFn>) => {
      if (LEVEL[name]! >= min) get()[name](...args);
    };
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), prepare: () => void get() };
}

function build(fd: number, level: string, tee?: (line: string) => void): Logger {
  // A require(), not an import: esbuild bundles it all the same, but runs pino's module code only
  // when this line runs. import() would be asynchronous, and the first line must be written now.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pino = require('pino') as typeof import('pino');
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
