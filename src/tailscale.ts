// What the guard knows about Tailscale and the units around it, in one place: the interface, its
// routing table and rule range, the unit names, and which units a snapshot asks systemd about.

export const TS_IF = 'tailscale0';
export const TS_TABLE = '52';

export const TAILSCALED = 'tailscaled.service';
export const NETWORKD = 'systemd-networkd.service';
export const NFTABLES = 'nftables.service';

// What a snapshot records when no policy names the units (snapshot, diff without --unit).
export const DEFAULT_UNITS: readonly string[] = [NETWORKD, TAILSCALED, NFTABLES];

// NOTE: tailscale wgengine/router_linux.go adds rules at 5210, 5230, 5250 and 5270 (the last one
// looks up table 52) and keeps its rules within 52xx; a rule elsewhere that looks up 52 is its too.
// Tailscale's address ranges: 100.64.0.0/10 (CGNAT) and fd7a:115c:a1e0::/48 (tailscale/net/tsaddr).
export function isTailscaleAddr(addr: string): boolean {
  const a = addr.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^100\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(a);
  if (v4) return Number(v4[1]) >= 64 && Number(v4[1]) <= 127;
  return a.startsWith('fd7a:115c:a1e0:');
}

export const isTailscaleRule = (r: { priority: number; table: string }): boolean =>
  (r.priority >= 5200 && r.priority < 5300) || r.table === TS_TABLE;

// A policy and a snapshot as far as unitsToProbe reads them: this module sits below both, so that
// the probes can use its facts too.
interface Declares {
  units: Record<string, unknown>;
}
interface Recorded {
  probes: { systemd: { status: 'ok'; data: { units: readonly { id: string }[] } } | { status: 'unavailable' } };
}

// The units to ask systemd about: the policy's (else the defaults), plus those an earlier snapshot
// recorded, so that a diff against it compares every unit it has.
export function unitsToProbe(policy: Declares | null, baseline?: Recorded): string[] {
  const seen = baseline?.probes.systemd.status === 'ok' ? baseline.probes.systemd.data.units.map((u) => u.id) : [];
  return [...new Set([...(policy ? Object.keys(policy.units) : DEFAULT_UNITS), ...seen])];
}
