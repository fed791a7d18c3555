// Links, addresses, rules and routes. Interfaces are identified by name, never by index.
import type { LinksState, RoutesState, RulesState, Rule } from '../probes/index.js';
import { decodeRoute, routeKeyOf, routeTableOf } from '../probes/routes.js';
import { keyedDiff, type Finding, type Severity } from './findings.js';

// tailscaled's table and rule priorities (wgengine/router): losing these cuts the tailnet.
export const TAILSCALE_TABLE = '52';
const isTailscaleRule = (r: Rule) => r.priority >= 5200 && r.priority < 5300;

export function diffLinks(a: LinksState, b: LinksState): Finding[] {
  const out: Finding[] = [];
  const after = new Map(b.links.map((l) => [l.ifname, l]));
  const before = new Map(a.links.map((l) => [l.ifname, l]));
  for (const l of a.links) {
    const n = after.get(l.ifname);
    if (!n) out.push({ kind: 'link-missing', severity: 'critical', ifname: l.ifname, ifindex: l.ifindex });
    else if (n.ifindex !== l.ifindex) out.push({ kind: 'ifindex-changed', severity: 'warning', ifname: l.ifname, before: l.ifindex, after: n.ifindex });
  }
  for (const l of b.links) if (!before.has(l.ifname)) out.push({ kind: 'link-added', severity: 'info', ifname: l.ifname, ifindex: l.ifindex });
  // Addresses only for links present in both; a missing link already says it all.
  const addrs = (s: LinksState) => s.links.filter((l) => before.has(l.ifname) && after.has(l.ifname))
    .flatMap((l) => l.addresses.map((x) => ({ ifname: l.ifname, address: `${x.local}/${x.prefixlen}` })));
  const d = keyedDiff(addrs(a), addrs(b), (x) => `${x.ifname} ${x.address}`);
  for (const x of d.missing) out.push({ kind: 'address-missing', severity: 'warning', ...x });
  for (const x of d.added) out.push({ kind: 'address-added', severity: 'info', ...x });
  return out;
}

const ruleKey = (r: Rule) => `${r.family}|${r.priority}|${r.table}|${r.selector}`;

export function diffRules(a: RulesState, b: RulesState): Finding[] {
  const d = keyedDiff(a.rules, b.rules, ruleKey);
  const f = (kind: 'rule-missing' | 'rule-added', severity: Severity, r: Rule): Finding =>
    ({ kind, severity, family: r.family, priority: r.priority, table: r.table, selector: r.selector });
  return [
    ...d.missing.map((r) => f('rule-missing', isTailscaleRule(r) ? 'critical' : 'warning', r)),
    ...d.added.map((r) => f('rule-added', 'info', r)),
  ];
}

// ip dumps a table's routes together; grouping keeps one table's reordering from spoiling the rest.
function byTable(routes: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] = [];
  let last = '\0';
  for (const r of routes) {
    // Same family and table as the previous line: no new string for this one.
    if (!(r.startsWith(last) && r.charCodeAt(last.length) === 32)) {
      last = routeTableOf(r);
      cur = out.get(last) ?? [];
      out.set(last, cur);
    }
    cur.push(r);
  }
  return out;
}

export function diffRoutes(a: RoutesState, b: RoutesState): Finding[] {
  const ga = byTable(a.routes);
  const gb = byTable(b.routes);
  const missing: string[] = [];
  const added: string[] = [];
  for (const k of new Set([...ga.keys(), ...gb.keys()])) {
    const d = keyedDiff(ga.get(k) ?? [], gb.get(k) ?? [], routeKeyOf, (x, y) => x === y || routeKeyOf(x) === routeKeyOf(y));
    missing.push(...d.missing);
    added.push(...d.added);
  }
  const f = (kind: 'route-missing' | 'route-added', line: string): Finding => {
    const r = decodeRoute(line);
    const severity: Severity = kind === 'route-added' ? 'info' : r.table === TAILSCALE_TABLE ? 'critical' : 'warning';
    return { kind, severity, family: r.family, table: r.table, dst: r.dst, type: r.type, dev: r.dev ?? null, gateway: r.gateway ?? null, metric: r.metric ?? 0 };
  };
  return [...missing.map((r) => f('route-missing', r)), ...added.map((r) => f('route-added', r))];
}
