// Post-conditions: which probes a check needs (shell), and whether fresh state meets it (pure).
import { probes, type ProbeName } from '../probes/index.js';
import type {
  LinksState,
  NftState,
  RoutesState,
  RulesState,
  SocketsState,
  SystemdState,
  TailscaleState,
} from '../probes/index.js';
import type { Run } from '../exec.js';
import type { ProbeContext } from '../probes/types.js';
import { routeKeyOf, routeSpecKey } from '../probes/routes.js';
import { ruleKey } from '../probes/rules.js';
import type { Check } from './model.js';

export interface Live {
  links?: LinksState;
  routes?: RoutesState;
  rules?: RulesState;
  nft?: NftState;
  systemd?: SystemdState;
  tailscale?: TailscaleState;
  sockets?: SocketsState;
}

const NEEDS: Record<Check['kind'], ProbeName> = {
  'unit-active': 'systemd',
  'link-present': 'links',
  'tailscale-running': 'tailscale',
  'routes-present': 'routes',
  'rules-present': 'rules',
  'nft-resolves': 'nft',
  listening: 'sockets',
};

// Pure: null when met, else what is wrong, in words.
export function unmet(c: Check, s: Live): string | null {
  const missing = (what: string) => `${what} could not be read`;
  switch (c.kind) {
    case 'unit-active': {
      if (!s.systemd) return missing('systemd');
      const u = s.systemd.units.find((x) => x.id === c.unit);
      return u?.activeState === 'active' ? null : `${c.unit} is ${u ? `${u.activeState}/${u.subState}` : 'unknown'}`;
    }
    case 'link-present':
      if (!s.links) return missing('links');
      return s.links.links.some((l) => l.ifname === c.ifname) ? null : `${c.ifname} is absent`;
    case 'tailscale-running':
      if (!s.tailscale) return missing('tailscale status');
      return s.tailscale.backendState === 'Running' ? null : `tailscale BackendState is ${s.tailscale.backendState}`;
    case 'routes-present': {
      if (!s.routes) return missing('routes');
      const have = new Set(
        Object.entries(s.routes.routes).flatMap(([g, lines]) => lines.map((l) => `${g}|${routeKeyOf(l)}`)),
      );
      const lost = c.routes.filter((r) => !have.has(routeSpecKey(r)));
      return lost.length
        ? `${lost.length} routes still missing, e.g. ${lost[0]!.type} ${lost[0]!.dst} table ${lost[0]!.table}`
        : null;
    }
    case 'rules-present': {
      if (!s.rules) return missing('rules');
      const have = new Set(s.rules.rules.map(ruleKey));
      const lost = c.rules.filter((r) => !have.has(ruleKey(r)));
      return lost.length ? `${lost.length} rules still missing, e.g. priority ${lost[0]!.priority}` : null;
    }
    case 'nft-resolves': {
      if (!s.nft) return missing('nft ruleset');
      const matches = s.nft.rules.flatMap((r) => r.ifMatches);
      const stale = matches.filter((m) => /^\d+$/.test(m.value)).length;
      const named = matches.filter((m) => m.value === c.ifname).length;
      if (stale) return `${stale} iif/oif matches still hold a bare ifindex`;
      return named >= c.count ? null : `${named} of ${c.count} iif/oif matches print ${c.ifname}`;
    }
    case 'listening':
      if (!s.sockets) return missing('sockets');
      return s.sockets.listeners.some((l) => l.address === c.address && l.port === c.port)
        ? null
        : `nothing listens on ${c.address}:${c.port}`;
  }
}

// Reads only the probes the checks need, in parallel.
export async function readLive(run: Run, checks: readonly Check[], base: Omit<ProbeContext, 'units'>): Promise<Live> {
  const names = [...new Set(checks.map((c) => NEEDS[c.kind]))];
  const units = checks.flatMap((c) => (c.kind === 'unit-active' ? [c.unit] : []));
  const results = await Promise.all(names.map((n) => probes[n].read(run, { ...base, units })));
  const live: Record<string, unknown> = {};
  names.forEach((n, i) => {
    const r = results[i]!;
    if (r.status === 'ok') live[n] = r.data;
  });
  return live;
}

// Pure: a check that waiting cannot meet. A unit in `failed` (its start limit hit, ExecStart broken)
// stays failed until something restarts it; polling it out to the step timeout only cost apt time.
export const hopeless = (checks: readonly Check[], s: Live): boolean =>
  checks.some(
    (c) => c.kind === 'unit-active' && s.systemd?.units.some((u) => u.id === c.unit && u.activeState === 'failed'),
  );

export const unmetAll = (checks: readonly Check[], s: Live): string[] =>
  checks.map((c) => unmet(c, s)).filter((x): x is string => x !== null);
