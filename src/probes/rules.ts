// IPv4 and IPv6 policy routing rules (`ip -j rule`); tailscaled's live at 5210–5270.
import { readProbe, jsonArray, isObj, str, num, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Rule {
  family: 4 | 6;
  priority: number;
  // The lookup table, or the action (unreachable, blackhole, prohibit) when there is none.
  table: string;
  // Everything else that selects packets, as `key=value` in a stable order.
  selector: string;
}
export interface RulesState {
  rules: Rule[];
}

const SELECTOR_KEYS = [
  'src',
  'srclen',
  'dst',
  'dstlen',
  'fwmark',
  'fwmask',
  'iif',
  'oif',
  'not',
  'tos',
  'ipproto',
  'sport',
  'dport',
  'uidrange',
  'suppress_prefixlen',
  'l3mdev',
];

export const probe: Probe<RulesState> = {
  name: 'rules',
  commands: () => [{ argv: ['ip', '-4', '-j', 'rule', 'show'] }, { argv: ['ip', '-6', '-j', 'rule', 'show'] }],
  parse([v4, v6]) {
    return { rules: [...parseFamily(v4, 4), ...parseFamily(v6, 6)] };
  },
};

function parseFamily(text: string | null | undefined, family: 4 | 6): Rule[] {
  const out: Rule[] = [];
  for (const r of jsonArray(text, `ip -${family} rule`)) {
    if (!isObj(r)) continue;
    const priority = num(r.priority);
    if (priority === undefined) continue;
    const table = str(r.table) ?? str(r.action) ?? 'none';
    const selector = SELECTOR_KEYS.filter((k) => r[k] !== undefined && !(k === 'src' && r[k] === 'all'))
      .map((k) => `${k}=${typeof r[k] === 'object' ? JSON.stringify(r[k]) : String(r[k] as string | number | boolean)}`)
      .join(' ');
    out.push({ family, priority, table, selector });
  }
  return out;
}

// What makes two rules the same rule (the diff and the restore's checks both use it).
export const ruleKey = (r: Rule): string => `${r.family}|${r.priority}|${r.table}|${r.selector}`;

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
