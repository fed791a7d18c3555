// Pure: which probes of a snapshot could not see, in a way that matters. A failure (a timeout, an
// exit code, output that does not parse) always does; a tool that is simply absent (no tailscale
// CLI, systemd not PID 1) only where this host's probe could see before. The tailscale CLI failing
// while tailscaled is not active is not blindness: the daemon is down, and the systemd probe says so.
import type { ProbeName } from '../probes/index.js';
import { TAILSCALED } from '../tailscale.js';
import type { Snapshot } from './model.js';

export interface Blind {
  probe: string;
  reason: string;
  // Before dpkg (pre), after it (post), or verifying a restore.
  when: 'pre' | 'post';
}

const ABSENT = /^(.* )?command not found$|^systemd is not running/;

export function blindProbes(snap: Pick<Snapshot, 'probes'>, seen: ReadonlySet<string>, when: Blind['when']): Blind[] {
  const out: Blind[] = [];
  for (const [probe, r] of Object.entries(snap.probes)) {
    if (r.status === 'ok' || (probe === 'tailscale' && tailscaledDown(snap))) continue;
    if (!ABSENT.test(r.reason) || seen.has(probe)) out.push({ probe, reason: r.reason, when });
  }
  return out;
}

// The probes that have seen on this host, this snapshot's included.
export const seenAfter = (seen: ReadonlySet<string>, snap: Pick<Snapshot, 'probes'>): string[] =>
  [
    ...new Set([...seen, ...(Object.keys(snap.probes) as ProbeName[]).filter((n) => snap.probes[n].status === 'ok')]),
  ].sort();

function tailscaledDown(snap: Pick<Snapshot, 'probes'>): boolean {
  // A partial snapshot (tests, an older document) may lack the systemd probe.
  const sd = snap.probes.systemd as Snapshot['probes']['systemd'] | undefined;
  return sd?.status === 'ok' && sd.data.units.some((u) => u.id === TAILSCALED && u.activeState !== 'active');
}
