// Links, addresses, rules and routes. Interfaces are identified by name, never by index.
import type { LinksState, RoutesState, RulesState, Rule } from '../probes/index.js';
import { decodeRoute, routeKeyOf, routeSpec } from '../probes/routes.js';
import { ruleKey } from '../probes/rules.js';
import { TS_TABLE, isTailscaleRule } from '../tailscale.js';
import { keyedDiff, type Finding, type Severity } from './findings.js';

export function diffLinks(a: LinksState, b: LinksState): Finding[] {
  const out: Finding[] = [];
  const after = new Map(b.links.map((l) => [l.ifname, l]));
  const before = new Map(a.links.map((l) => [l.ifname, l]));
  for (const l of a.links) {
    const n = after.get(l.ifname);
    if (!n) out.push({ kind: 'link-missing', severity: 'critical', ifname: l.ifname, ifindex: l.ifindex });
    else if (n.ifindex !== l.ifindex)
      out.push({ kind: 'ifindex-changed', severity: 'warning', ifname: l.ifname, before: l.ifindex, after: n.ifindex });
  }
  for (const l of b.links)
    if (!before.has(l.ifname)) out.push({ kind: 'link-added', severity: 'info', ifname: l.ifname, ifindex: l.ifindex });
  // Addresses only for links present in both; a missing link already says it all.
  const addrs = (s: LinksState) =>
    s.links
      .filter((l) => before.has(l.ifname) && after.has(l.ifname))
      .flatMap((l) => l.addresses.map((x) => ({ ifname: l.ifname, address: `${x.local}/${x.prefixlen}` })));
  const d = keyedDiff(addrs(a), addrs(b), (x) => `${x.ifname} ${x.address}`);
  for (const x of d.missing) out.push({ kind: 'address-missing', severity: 'warning', ...x });
  for (const x of d.added) out.push({ kind: 'address-added', severity: 'info', ...x });
  return out;
}

export function diffRules(a: RulesState, b: RulesState): Finding[] {
  const d = keyedDiff(a.rules, b.rules, ruleKey);
  const f = (kind: 'rule-missing' | 'rule-added', severity: Severity, r: Rule): Finding => ({
    kind,
    severity,
    family: r.family,
    priority: r.priority,
    table: r.table,
    selector: r.selector,
  });
  return [
    ...d.missing.map((r) => f('rule-missing', isTailscaleRule(r) ? 'critical' : 'warning', r)),
    ...d.added.map((r) => f('rule-added', 'info', r)),
  ];
}

// Routes are compared within their family and table (ip dumps each table whole), so one table's
// reordering cannot spoil the comparison of the rest.
export function diffRoutes(a: RoutesState, b: RoutesState): Finding[] {
  const missing: Finding[] = [];
  const added: Finding[] = [];
  const f = (kind: 'route-missing' | 'route-added', group: string, line: string): Finding => {
    const r = decodeRoute(group, line);
    const severity: Severity = kind === 'route-added' ? 'info' : r.table === TS_TABLE ? 'critical' : 'warning';
    return { kind, severity, ...routeSpec(r) };
  };
  for (const g of new Set([...Object.keys(a.routes), ...Object.keys(b.routes)])) {
    const d = keyedDiff(a.routes[g] ?? [], b.routes[g] ?? [], routeKeyOf, (x, y) => routeKeyOf(x) === routeKeyOf(y));
    for (const l of d.missing) missing.push(f('route-missing', g, l));
    for (const l of d.added) added.push(f('route-added', g, l));
  }
  return [...missing, ...added];
}
