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

function ruleOf(r: Obj): NftRule {
  return {
    family: str(r.family) ?? '',
    table: str(r.table) ?? '',
    chain: str(r.chain) ?? '',
    handle: num(r.handle) ?? -1,
    comment: str(r.comment) ?? null,
    ifMatches: Array.isArray(r.expr) ? r.expr.flatMap(ifMatchesOf) : [],
  };
}

// `{"match":{"left":{"meta":{"key":"iif"}},"right":"tailscale0"}}`, or an anonymous set on the right.
function ifMatchesOf(e: unknown): IfMatch[] {
  if (!isObj(e) || !isObj(e.match)) return [];
  const { left, right } = e.match;
  const meta = isObj(left) && isObj(left.meta) ? left.meta : null;
  const key = meta?.key;
  if (key !== 'iif' && key !== 'oif') return [];
  const values = isObj(right) && Array.isArray(right.set) ? right.set : [right];
  return values.flatMap((v) => (typeof v === 'string' || typeof v === 'number' ? [{ key, value: String(v) }] : []));
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
