// Pure: what the watch knows of a snapshot against its baseline: the facts classify needs, whether
// tailscale's prefs changed on purpose, and whether a state is good enough to become the baseline.
import { diff } from '../diff/index.js';
import { groupOf } from '../probes/routes.js';
import type { TailscaleState } from '../probes/tailscale.js';
import type { Snapshot } from '../snapshot/model.js';
import { TAILSCALED, TS_IF, isTailscaleAddr } from '../tailscale.js';
import type { WatchFacts } from './classify.js';

const tsOf = (s: Snapshot) => (s.probes.tailscale.status === 'ok' ? s.probes.tailscale.data : null);
// The prefs that change routing, as one comparable string; null when tailscale cannot say.
export const prefsKey = (ts: TailscaleState | null): string | null => {
  const p = ts?.prefs;
  return p ? JSON.stringify([p.exitNodeID, p.exitNodeAllowLANAccess, [...p.advertiseRoutes].sort()]) : null;
};
export const prefsOf = (s: Snapshot) => prefsKey(tsOf(s));
// tailscale's prefs differ on purpose (both known, and not equal).
export const prefsChanged = (base: Snapshot, live: Snapshot) =>
  prefsOf(base) !== null && prefsOf(live) !== null && prefsOf(base) !== prefsOf(live);
// tailscale0 holds a Tailscale address.
export const tsAddressIn = (s: Snapshot) =>
  s.probes.links.status === 'ok' &&
  s.probes.links.data.links.some((l) => l.ifname === TS_IF && l.addresses.some((a) => isTailscaleAddr(a.local)));

// Pure: the facts classify needs, from the baseline and the state now.
export function factsOf(
  base: Snapshot,
  live: Snapshot,
  doc: { notRunningSince: string | null },
  now: Date,
  reconnectAfterMs: number,
): WatchFacts {
  const units = live.probes.systemd.status === 'ok' ? live.probes.systemd.data.units : [];
  const main4 = live.probes.routes.status === 'ok' ? (live.probes.routes.data.routes[groupOf(4, 'main')] ?? []) : [];
  const since = doc.notRunningSince ? Date.parse(doc.notRunningSince) : null;
  return {
    findings: diff(base, live),
    prefsChanged: prefsChanged(base, live),
    tailscaledActive: units.some((u) => u.id === TAILSCALED && u.activeState === 'active'),
    backend: tsOf(live)?.backendState ?? null,
    baselineBackend: tsOf(base)?.backendState ?? null,
    tsAddress: tsAddressIn(live),
    defaultRoute: main4.some((l) => l.split(' ')[1] === 'default'),
    notRunningForMs: since === null ? null : now.getTime() - since,
    reconnectAfterMs,
  };
}

// Good enough to become the baseline: tailscale0 with its Tailscale address, and tailscaled Running
// where the tailscale CLI can say so (a host without it is judged by the link alone).
export const good = (s: Snapshot) =>
  (s.probes.tailscale.status !== 'ok' || s.probes.tailscale.data.backendState === 'Running') && tsAddressIn(s);
