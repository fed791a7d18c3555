// The typed findings a diff yields. Plain data: printed as JSON or as one line each.
export type Severity = 'critical' | 'warning' | 'info';

interface Base<K extends string> {
  kind: K;
  severity: Severity;
}
export type RouteFinding = Base<'route-missing' | 'route-added'> & {
  family: 4 | 6; table: string; dst: string; type: string; dev: string | null; gateway: string | null; metric: number;
};
export type RuleFinding = Base<'rule-missing' | 'rule-added'> & { family: 4 | 6; priority: number; table: string; selector: string };
export type LinkFinding = Base<'link-missing' | 'link-added'> & { ifname: string; ifindex: number };
export type IfindexFinding = Base<'ifindex-changed'> & { ifname: string; before: number; after: number };
export type AddressFinding = Base<'address-missing' | 'address-added'> & { ifname: string; address: string };
export type NftStaleFinding = Base<'nft-stale-ifindex'> & {
  family: string; table: string; chain: string; handle: number; key: 'iif' | 'oif';
  // The index the rule holds, and the interface that had it in the earlier snapshot.
  index: number | null; ifname: string | null;
  // What nft prints now: a digit string (no such interface) or another interface's name.
  shown: string;
};
export type NftTableFinding = Base<'nft-table-missing' | 'nft-table-added'> & { family: string; table: string };
export type UnitRestartFinding = Base<'unit-restarted'> & {
  unit: string; before: { invocationID: string; mainPID: number }; after: { invocationID: string; mainPID: number };
};
export type UnitStateFinding = Base<'unit-state-changed'> & { unit: string; before: string; after: string };
export type ListenerFinding = Base<'listener-missing' | 'listener-added'> & {
  proto: string; address: string; port: number; iface: string | null; process: string | null;
};
export type TailscaleFinding = Base<'tailscale-state-changed'> & { field: string; before: string; after: string };
export type ProbeFinding = Base<'probe-unavailable'> & { probe: string; reason: string };

export type Finding =
  | RouteFinding | RuleFinding | LinkFinding | IfindexFinding | AddressFinding | NftStaleFinding | NftTableFinding
  | UnitRestartFinding | UnitStateFinding | ListenerFinding | TailscaleFinding | ProbeFinding;

// Multiset difference by key: duplicates count, order follows the inputs.
export function keyedDiff<T>(before: readonly T[], after: readonly T[], key: (t: T) => string): { missing: T[]; added: T[] } {
  const pool = new Map<string, T[]>();
  for (const t of before) {
    const k = key(t);
    const list = pool.get(k);
    if (list) list.push(t);
    else pool.set(k, [t]);
  }
  const added: T[] = [];
  for (const t of after) {
    const list = pool.get(key(t));
    if (list && list.length > 0) list.pop();
    else added.push(t);
  }
  const missing = [...pool.values()].flat();
  return { missing, added };
}
