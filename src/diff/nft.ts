// nftables: tables that vanished, and iif/oif matches whose stored index went stale.
import type { LinksState, NftState, NftRule } from '../probes/index.js';
import { keyedDiff, type Finding } from './findings.js';

const ruleId = (r: NftRule) => `${r.family}|${r.table}|${r.chain}|${r.handle}`;
const isIndex = (v: string) => /^\d+$/.test(v);

// `links` are the two snapshots' link probes, when they were available.
export function diffNft(a: NftState, b: NftState, linksA: LinksState | null, linksB: LinksState | null): Finding[] {
  const out: Finding[] = [];
  const t = keyedDiff(a.tables, b.tables, (x) => `${x.family} ${x.name}`);
  for (const x of t.missing)
    out.push({ kind: 'nft-table-missing', severity: 'critical', family: x.family, table: x.name });
  for (const x of t.added) out.push({ kind: 'nft-table-added', severity: 'info', family: x.family, table: x.name });

  const nameAt = new Map(linksA?.links.map((l) => [l.ifindex, l.ifname]) ?? []);
  const indexNow = new Map(linksB?.links.map((l) => [l.ifname, l.ifindex]) ?? []);
  const prevRules = new Map<string, NftRule>();
  for (let i = 0; i < a.rules.length; i++) prevRules.set(ruleId(a.rules[i]!), a.rules[i]!);
  // Index loops over the rules (thousands): see findings.ts.
  for (let i = 0; i < b.rules.length; i++) {
    const r = b.rules[i]!;
    if (!r.ifMatches.length) continue;
    const prev = prevRules.get(ruleId(r));
    // Bare indexes each key printed before: as many new names are the rule resolving again.
    const repairs = new Map<string, number>();
    for (const p of prev?.ifMatches ?? []) if (isIndex(p.value)) repairs.set(p.key, (repairs.get(p.key) ?? 0) + 1);
    for (const m of r.ifMatches) {
      // Same rule, same key: the names it printed before (set elements may come back in another order).
      const was = prev?.ifMatches.filter((p) => p.key === m.key).map((p) => p.value) ?? [];
      let index: number | null;
      if (isIndex(m.value)) {
        // NOTE: nft prints the bare index when no interface has it any more (nft 1.0.6, checked in a netns).
        index = Number(m.value);
      } else if (prev && !was.includes(m.value)) {
        // A name it did not print before. Where a bare index went away for it, the rule resolves
        // again: the repair of a baseline that was already broken, not a loss.
        const left = repairs.get(m.key) ?? 0;
        if (left > 0) {
          repairs.set(m.key, left - 1);
          continue;
        }
        // Else it printed another name before: its index was reused by a different interface.
        index = indexNow.get(m.value) ?? null;
      } else continue;
      const lost = was.filter((v) => !isIndex(v) && !r.ifMatches.some((x) => x.key === m.key && x.value === v));
      const ifname = (index !== null ? nameAt.get(index) : undefined) ?? lost[0] ?? null;
      out.push({
        kind: 'nft-stale-ifindex',
        severity: 'critical',
        family: r.family,
        table: r.table,
        chain: r.chain,
        handle: r.handle,
        key: m.key,
        index,
        ifname,
        shown: m.value,
      });
    }
  }
  return out;
}
