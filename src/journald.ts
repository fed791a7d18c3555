// Log lines also go to the journal, as `journalctl -t apt-netguard` shows them, as they happen:
// apt's terminal and unattended-upgrades' log are gone or rotated by the time someone looks, and a
// guard killed mid-restore must leave what it did up to then.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

// pino level -> syslog severity (RFC 5424).
const SEVERITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

export const JOURNAL_STREAM_SOCKET = '/run/systemd/journal/stdout';

// NOTE: sd_journal_stream_fd(3), systemd's journald-stream.c: a stream client first sends seven
// lines: identifier, unit id (empty), default priority (facility user, 8, + info, 6), level prefix
// on, then forward to syslog, kmsg and console (0: journald.conf decides). systemd-cat does the same.
export const streamHeader = (identifier: string) => `${identifier}\n\n14\n1\n0\n0\n0\n`;

// Pure: one line as journald reads it. With the level prefix on, `<N>` takes a severity alone
// (0-7): journald's parser leaves a facility-bearing `<14>` in the message text.
export function journalLine(jsonLine: string): string {
  let level = 30;
  try {
    level = (JSON.parse(jsonLine) as { level?: number }).level ?? 30;
  } catch {
    /* not JSON: info */
  }
  return `<${SEVERITY[level] ?? 6}>${jsonLine.trimEnd()}\n`;
}

// One connection to journald's stream socket for this process's lines, each written as it is
// logged (no logger(1) process: ~13 ms of each hook's time went to spawning it, issue 18).
// journald takes _PID from the socket's peer credentials. Never throws: the journal is a copy.
// null when there is no such socket (no journald).
export function openJournal(socket = JOURNAL_STREAM_SOCKET, identifier = 'apt-netguard', endMs = 2_000) {
  if (!existsSync(socket)) return null;
  // NOTE: journald shuts down its side for writing once it has accepted a stream (it never answers);
  // a socket that is not half-open then ends ours too, and every later line fails with EPIPE.
  const sock = connect({ path: socket, allowHalfOpen: true });
  let open = true;
  sock.on('error', () => {
    open = false;
    sock.destroy();
  });
  sock.write(streamHeader(identifier));
  return {
    write: (jsonLine: string) => void (open && sock.write(journalLine(jsonLine))),
    close: () =>
      new Promise<void>((resolve) => {
        if (!open) return resolve();
        const t = setTimeout(() => (sock.destroy(), resolve()), endMs);
        sock.end(() => (clearTimeout(t), resolve()));
      }),
  };
}
