// The nftables ruleset (`nft -j list ruleset`), reduced to what the guard reasons about.
import { readProbe, isObj, str, num, type Obj, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface NftTable {
  family: string;
  name: string;
}
// One `meta iif`/`meta oif` comparison. `value` is as nft prints it: an interface name, or a
// digit string when the index the rule holds no longer resolves to any interface.
export interface IfMatch {
  key: 'iif' | 'oif';
  value: string;
}
export interface NftChain {
  family: string;
  table: string;
  name: string;
  hook: string | null;
}
export interface NftRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  comment: string | null;
  ifMatches: IfMatch[];
}
export interface NftState {
  tables: NftTable[];
  chains: NftChain[];
  rules: NftRule[];
}

export const probe: Probe<NftState> = {
  name: 'nft',
  commands: () => [{ argv: ['nft', '-j', 'list', 'ruleset'] }],
  parse([text]) {
    const doc: unknown = JSON.parse(text ?? '');
    const items = isObj(doc) && Array.isArray(doc.nftables) ? doc.nftables : null;
    if (!items) throw new Error('nft: expected {"nftables": [...]}');
    const state: NftState = { tables: [], chains: [], rules: [] };
    for (const item of items) {
      if (!isObj(item)) continue;
      if (isObj(item.table)) state.tables.push({ family: str(item.table.family) ?? '', name: str(item.table.name) ?? '' });
      else if (isObj(item.chain)) state.chains.push(chainOf(item.chain));
      else if (isObj(item.rule)) state.rules.push(ruleOf(item.rule));
    }
    return state;
  },
};

function chainOf(c: Obj): NftChain {
  return { family: str(c.family) ?? '', table: str(c.table) ?? '', name: str(c.name) ?? '', hook: str(c.hook) ?? null };
}

// Plain loops: this walks every expression of every rule (20,000 at 5,000 rules) in code that is
// still cold; flatMap with an array per expression cost ~1 ms more there (bench/, 2026-11).
function ruleOf(r: Obj): NftRule {
  const ifMatches: IfMatch[] = [];
  if (Array.isArray(r.expr)) for (const e of r.expr) addIfMatches(e, ifMatches);
  return { family: str(r.family) ?? '', table: str(r.table) ?? '', chain: str(r.chain) ?? '', handle: num(r.handle) ?? -1, comment: str(r.comment) ?? null, ifMatches };
}

// `{"match": {"left": {"meta": {"key": "iif"}}, "right": "tailscale0"}}`; the right side may be a
// set (`iif { "eth0", "tailscale0" }`). An index that no longer resolves is printed bare.
function addIfMatches(e: unknown, out: IfMatch[]): void {
  const m = isObj(e) ? e.match : undefined;
  if (!isObj(m) || !isObj(m.left) || !isObj(m.left.meta)) return;
  const key = m.left.meta.key;
  if (key !== 'iif' && key !== 'oif') return;
  const right = m.right;
  for (const v of isObj(right) && Array.isArray(right.set) ? right.set : [right]) {
    if (typeof v === 'string' || typeof v === 'number') out.push({ key, value: String(v) });
  }
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
