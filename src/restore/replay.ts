// Pure: ip argv that put lost routes and rules back, for the opt-in `repair: replay-routes`.
import type { RouteSpec, RuleSpec } from './model.js';

export function routeArgv(r: RouteSpec): string[] {
  return [
    'ip',
    `-${r.family}`,
    'route',
    'replace',
    ...(r.type === 'unicast' ? [] : [r.type]),
    r.dst,
    ...(r.gateway ? ['via', r.gateway] : []),
    ...(r.dev ? ['dev', r.dev] : []),
    'table',
    r.table,
    ...(r.metric ? ['metric', String(r.metric)] : []),
  ];
}

// The rules probe writes the selector as `key=value` pairs (src/srclen, fwmark/fwmask, ...).
export function ruleArgv(r: RuleSpec): string[] {
  const kv = new Map(
    r.selector
      .split(' ')
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
  );
  const out = ['ip', `-${r.family}`, 'rule', 'add', 'pref', String(r.priority)];
  if (kv.has('not')) out.push('not');
  if (kv.has('src')) out.push('from', `${kv.get('src')}${kv.has('srclen') ? `/${kv.get('srclen')}` : ''}`);
  if (kv.has('dst')) out.push('to', `${kv.get('dst')}${kv.has('dstlen') ? `/${kv.get('dstlen')}` : ''}`);
  if (kv.has('fwmark')) out.push('fwmark', `${kv.get('fwmark')}${kv.has('fwmask') ? `/${kv.get('fwmask')}` : ''}`);
  for (const k of ['iif', 'oif', 'tos', 'ipproto', 'sport', 'dport', 'suppress_prefixlen'] as const)
    if (kv.has(k)) out.push(k, kv.get(k)!);
  out.push(...(['unreachable', 'blackhole', 'prohibit'].includes(r.table) ? [r.table] : ['table', r.table]));
  return out;
}
