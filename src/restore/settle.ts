// networkd has settled when no managed link is still being configured and Tailscale's routing
// state (its ip rules, table 52) has stopped changing for a quiet window.
import { readFileSync } from 'node:fs';
import type { Run } from '../exec.js';
import { probe as networkdProbe, type NetworkdState } from '../probes/networkd.js';
import { NETWORKD, TS_TABLE } from './model.js';

export const UNSETTLED_STATES = ['pending', 'initialized', 'configuring'];
// NOTE: networkd flushes foreign routes within ~5 ms of its restart (mechanisms.md); one that has
// been up this long is not flushing, so its links alone decide.
export const STABLE_AFTER_MS = 30_000;

export const unsettledLinks = (s: NetworkdState): string[] =>
  s.links
    .filter((l) => UNSETTLED_STATES.includes(l.administrativeState))
    .map((l) => `${l.name}:${l.administrativeState}`);

// `networkctl list` without --json (systemd < 250): IDX LINK TYPE OPERATIONAL SETUP.
export function parseNetworkctlText(text: string): NetworkdState {
  const links = text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && /^\d+$/.test(f[0]!))
    .map(([idx, name, , oper, setup]) => ({
      index: Number(idx),
      name: name!,
      operationalState: oper!,
      administrativeState: setup!,
    }));
  return { links };
}

export interface SettleIO {
  run: Run;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}
export interface SettleResult {
  settled: boolean;
  waitedMs: number;
  detail: string;
  // networkd restarted recently: what a step puts back must also hold a quiet window later.
  recent: boolean;
}

// ms networkd has been active, or null when it is not running (then there is nothing to wait for).
async function networkdUptime(io: SettleIO): Promise<number | null> {
  try {
    const { stdout } = await io.run(
      ['systemctl', 'show', '--property=ActiveState,ActiveEnterTimestampMonotonic', NETWORKD],
      { timeoutMs: 5_000 },
    );
    if (!/^ActiveState=(active|reloading)$/m.test(stdout)) return null;
    const since = Number(/^ActiveEnterTimestampMonotonic=(\d+)/m.exec(stdout)?.[1] ?? 0) / 1000;
    // NOTE: ActiveEnterTimestampMonotonic is CLOCK_MONOTONIC in µs, the clock /proc/uptime reads (proc(5)).
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    return Math.max(0, uptime - since);
  } catch {
    return null;
  }
}

async function linkStates(io: SettleIO): Promise<NetworkdState | null> {
  try {
    return networkdProbe.parse([
      (await io.run(['networkctl', 'list', '--json=short', '--no-pager'], { timeoutMs: 5_000 })).stdout,
    ]);
  } catch {
    try {
      return parseNetworkctlText(
        (await io.run(['networkctl', 'list', '--no-pager', '--no-legend'], { timeoutMs: 5_000 })).stdout,
      );
    } catch {
      return null;
    }
  }
}

const fingerprint = async (io: SettleIO): Promise<string> => {
  const outs = await Promise.all(
    [
      ['ip', '-4', '-j', 'rule'],
      ['ip', '-6', '-j', 'rule'],
      ['ip', '-4', '-j', 'route', 'show', 'table', TS_TABLE],
      ['ip', '-6', '-j', 'route', 'show', 'table', TS_TABLE],
    ].map((argv) =>
      io.run(argv, { timeoutMs: 5_000 }).then(
        (r) => r.stdout,
        (e: Error) => e.message,
      ),
    ),
  );
  return outs.join('\n');
};

// Netlink events on ip rules and table 52 routes, from `ip -o monitor rule route` (one per line).
export const routingEvents = (text: string): string[] =>
  text.split('\n').filter((l) => /^(Deleted )?\d+:\s/.test(l) || /\btable 52\b/.test(l));

// One quiet-window watch: events seen, plus a change since the previous sample, in case `ip monitor`
// was not yet listening. Sampling alone was fooled: rules that tailscaled puts back and networkd
// deletes again between two samples look unchanged (CI caught a settle at 1.3 s, mid-flush).
async function watch(io: SettleIO, ms: number, before: string): Promise<{ seen: number; after: string }> {
  const seen = await io.run(['ip', '-o', 'monitor', 'rule', 'route'], { forMs: ms }).then(
    (r) => routingEvents(r.stdout).length,
    async () => (await io.sleep(ms), 0),
  );
  const after = await fingerprint(io);
  return { seen: seen + (before !== after ? 1 : 0), after };
}

export async function waitSettled(
  io: SettleIO,
  timeoutMs: number,
  quietMs: number,
  pollMs = 100,
): Promise<SettleResult> {
  const start = io.now();
  const up = await networkdUptime(io);
  if (up === null) return { settled: true, waitedMs: 0, detail: 'systemd-networkd is not running', recent: false };
  // Up long enough not to be flushing: its links alone decide, and no routing samples are needed.
  if (up >= STABLE_AFTER_MS) {
    const links = await linkStates(io);
    if (links && !unsettledLinks(links).length)
      return {
        settled: true,
        waitedMs: io.now() - start,
        detail: `systemd-networkd up ${Math.round(up / 1000)} s, its links configured`,
        recent: false,
      };
  }
  let changes = 0;
  // The sample a window is compared against: the end of the previous window, or the first one.
  let sample: string | null = null;
  for (;;) {
    const links = await linkStates(io);
    const busy = links ? unsettledLinks(links) : [];
    let seen = 0;
    // Links still being configured: poll them; the quiet window starts once they are done.
    if (busy.length) await io.sleep(pollMs);
    else ({ seen, after: sample } = await watch(io, quietMs, sample ?? (await fingerprint(io))));
    changes += seen;
    const waited = io.now() - start;
    const recent = up + waited < STABLE_AFTER_MS;
    if (!busy.length && !seen)
      return {
        settled: true,
        waitedMs: waited,
        detail: `settled after ${waited} ms (${changes} routing changes seen)`,
        recent,
      };
    if (waited >= timeoutMs)
      return {
        settled: false,
        recent,
        waitedMs: waited,
        detail: `not settled after ${waited} ms: ${busy.length ? `links ${busy.join(', ')}` : `routing changed ${changes} times`}`,
      };
  }
}
