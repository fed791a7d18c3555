// The baseline: what the planner needs to know of the snapshot it restores to, pulled out once (pure).
import { decodeRoute, groupOf, routeSpec, type RoutesState } from '../probes/routes.js';
import type { Snapshot } from '../snapshot/model.js';
import { TS_IF, TS_TABLE, isTailscaleRule } from '../tailscale.js';
import type { RouteSpec, RuleSpec } from './model.js';

export interface Baseline {
  // ActiveState of each unit the systemd probe saw; a unit absent here is unknown.
  unitStates: Record<string, string>;
  tailscaleRunning: boolean;
  tailscaleIPs: string[];
  tsLinkPresent: boolean;
  table52: RouteSpec[];
  tsRules: RuleSpec[];
  // iif/oif matches that printed tailscale0: the ones a reload must resolve again.
  nftTsMatches: number;
}

// `now`, when given, is the live state the plan starts from: a ruleset reloaded since the baseline (by the
// watch, by an nftables upgrade) names tailscale0 where the baseline held a stale index, and those
// matches go stale again with tailscaled's restart unless the loader follows it.
export function baselineOf(s: Snapshot, now?: Snapshot): Baseline {
  const p = s.probes;
  const links = p.links.status === 'ok' ? p.links.data.links : [];
  const ts = p.tailscale.status === 'ok' ? p.tailscale.data : null;
  return {
    unitStates: Object.fromEntries(
      p.systemd.status === 'ok' ? p.systemd.data.units.map((u) => [u.id, u.activeState]) : [],
    ),
    tailscaleRunning: ts?.backendState === 'Running',
    tailscaleIPs: ts?.selfIPs ?? links.find((l) => l.ifname === TS_IF)?.addresses.map((a) => a.local) ?? [],
    tsLinkPresent: links.some((l) => l.ifname === TS_IF),
    table52: p.routes.status === 'ok' ? table52Of(p.routes.data) : [],
    tsRules:
      p.rules.status === 'ok'
        ? p.rules.data.rules
            .filter(isTailscaleRule)
            .map(({ family, priority, table, selector }) => ({ family, priority, table, selector }))
        : [],
    nftTsMatches: Math.max(tsMatchesOf(s), now ? tsMatchesOf(now) : 0),
  };
}

const tsMatchesOf = (s: Snapshot) =>
  s.probes.nft.status === 'ok'
    ? s.probes.nft.data.rules.flatMap((r) => r.ifMatches).filter((m) => m.value === TS_IF).length
    : 0;

function table52Of(s: RoutesState): RouteSpec[] {
  return [groupOf(4, TS_TABLE), groupOf(6, TS_TABLE)].flatMap((g) =>
    (s.routes[g] ?? []).map((l) => routeSpec(decodeRoute(g, l))),
  );
}
