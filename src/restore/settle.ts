// networkd has settled when no managed link is still being configured and Tailscale's routing
// state (its ip rules, table 52) has stopped changing for a quiet window.
import type { Run } from '../exec.js';
import { routingFingerprint, watchRouting } from '../probes/monitor.js';
import { readLinks, type NetworkdState } from '../probes/networkd.js';
import { activeForMs } from '../probes/systemd.js';
import { NETWORKD } from '../tailscale.js';

export const UNSETTLED_STATES = ['pending', 'initialized', 'configuring'];
// NOTE: networkd flushes foreign routes within ~5 ms of its restart (mechanisms.md); one that has
// been up this long is not flushing, so its links alone decide.
export const STABLE_AFTER_MS = 30_000;

export const unsettledLinks = (s: NetworkdState): string[] =>
  s.links
    .filter((l) => UNSETTLED_STATES.includes(l.administrativeState))
    .map((l) => `${l.name}:${l.administrativeState}`);

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

// One quiet-window watch: events seen, plus a change since the previous sample, in case `ip monitor`
// was not yet listening. Sampling alone was fooled: rules that tailscaled puts back and networkd
// deletes again between two samples look unchanged (CI caught a settle at 1.3 s, mid-flush).
async function watch(io: SettleIO, ms: number, before: string): Promise<{ seen: number; after: string }> {
  const seen = (await watchRouting(io.run, ms)) ?? (await io.sleep(ms), 0);
  const after = await routingFingerprint(io.run);
  return { seen: seen + (before !== after ? 1 : 0), after };
}

export async function waitSettled(
  io: SettleIO,
  timeoutMs: number,
  quietMs: number,
  pollMs = 100,
): Promise<SettleResult> {
  const start = io.now();
  const up = await activeForMs(io.run, NETWORKD);
  if (up === null) return { settled: true, waitedMs: 0, detail: 'systemd-networkd is not running', recent: false };
  // Up long enough not to be flushing: its links alone decide, and no routing samples are needed.
  if (up >= STABLE_AFTER_MS) {
    const links = await readLinks(io.run);
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
    const links = await readLinks(io.run);
    const busy = links ? unsettledLinks(links) : [];
    let seen = 0;
    // Links still being configured: poll them; the quiet window starts once they are done.
    if (busy.length) await io.sleep(pollMs);
    else ({ seen, after: sample } = await watch(io, quietMs, sample ?? (await routingFingerprint(io.run))));
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
    const churn = `routing changed ${changes} times`;
    if (waited >= timeoutMs)
      return {
        settled: false,
        recent,
        waitedMs: waited,
        detail: `not settled after ${waited} ms: ${busy.length ? `links ${busy.join(', ')}` : churn}`,
      };
  }
}
