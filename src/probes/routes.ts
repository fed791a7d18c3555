// Routes in every table, both families (`ip -4/-6 -j route show table all`).
import { readProbe, jsonArray, isObj, str, num, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Route {
  family: 4 | 6;
  table: string;
  // unicast, throw, unreachable, blackhole, prohibit, local, broadcast, multicast…
  type: string;
  dst: string;
  dev?: string;
  gateway?: string;
  protocol?: string;
  metric?: number;
}
// Routes are grouped by family and table (`4 52`), the order ip dumps them in; each route in a
// group is one line, `type dst dev gateway metric protocol`, an absent field an empty token:
// `throw 10.10.10.0/24   0 `. A host with 50,000 routes stores 1.1 MB instead of 3.2 MB of objects,
// and loads and diffs them without making 50,000 objects (bench/, 2026-11).
// No field can hold a space: ip(8) prints none, and the kernel refuses one in a link name.
export interface RoutesState {
  routes: Record<string, string[]>;
}

export const probe: Probe<RoutesState> = {
  name: 'routes',
  // NOTE: without -4, `ip route show table all` dumps both families (iproute2 6.1), so name each one.
  commands: () => [
    { argv: ['ip', '-4', '-j', 'route', 'show', 'table', 'all'] },
    { argv: ['ip', '-6', '-j', 'route', 'show', 'table', 'all'] },
  ],
  parse([v4, v6]) {
    const routes: Record<string, string[]> = {};
    parseFamily(v4, 4, routes);
    parseFamily(v6, 6, routes);
    return { routes };
  },
};

function parseFamily(text: string | null | undefined, family: 4 | 6, into: Record<string, string[]>): void {
  let group: string[] = [];
  let last: unknown = null;
  const all = jsonArray(text, `ip -${family} route`);
  // An index loop: 50,000 routes in cold code, where each for-of iterator step costs (nft.ts).
  for (let i = 0; i < all.length; i++) {
    const r = all[i];
    if (!isObj(r)) continue;
    const dst = str(r.dst);
    if (dst === undefined) continue;
    if (r.table !== last) {
      last = r.table;
      // ip omits `table` for main.
      const key = groupOf(family, str(r.table) ?? (num(r.table) !== undefined ? String(r.table) : 'main'));
      group = into[key] ??= [];
    }
    // ip omits `type` for unicast. join, not a template: a template of many parts is a tree of cons
    // strings until something flattens it, 15 MB more peak RSS at 50,000 routes (bench/).
    group.push(
      [
        str(r.type) ?? 'unicast',
        dst,
        str(r.dev) ?? '',
        str(r.gateway) ?? '',
        num(r.metric) ?? 0,
        str(r.protocol) ?? '',
      ].join(' '),
    );
  }
}

export const groupOf = (family: 4 | 6, table: string): string => `${family} ${table}`;

export function encodeRoute(r: Route): [group: string, line: string] {
  return [
    groupOf(r.family, r.table),
    [r.type, r.dst, r.dev ?? '', r.gateway ?? '', r.metric ?? 0, r.protocol ?? ''].join(' '),
  ];
}

export function decodeRoute(group: string, line: string): Route {
  const [family, table = ''] = group.split(' ');
  const [type = '', dst = '', dev, gateway, metric, protocol] = line.split(' ');
  const r: Route = { family: family === '6' ? 6 : 4, table, type, dst };
  if (dev) r.dev = dev;
  if (gateway) r.gateway = gateway;
  if (protocol) r.protocol = protocol;
  if (Number(metric)) r.metric = Number(metric);
  return r;
}

// Every route as an object, in dump order (tests, small tables).
export const decodeAll = (s: RoutesState): Route[] =>
  Object.entries(s.routes).flatMap(([g, lines]) => lines.map((l) => decodeRoute(g, l)));

// What makes two routes of a group the same route: all but the protocol (the last field), so a
// route re-added by another daemon is the same route.
export const routeKeyOf = (line: string): string => line.slice(0, line.lastIndexOf(' '));

// A route as the restore plan keeps it (plain JSON, every field present), and its key: its group
// and the same fields routeKeyOf keeps of a stored line, so the two can be compared.
export type RouteSpec = Required<Pick<Route, 'family' | 'table' | 'type' | 'dst' | 'metric'>> & {
  dev: string | null;
  gateway: string | null;
};
// A decoded route or a route finding as a RouteSpec, in the order a finding prints its fields.
export const routeSpec = (r: {
  family: 4 | 6;
  table: string;
  type: string;
  dst: string;
  dev?: string | null;
  gateway?: string | null;
  metric?: number;
}): RouteSpec => ({
  family: r.family,
  table: r.table,
  dst: r.dst,
  type: r.type,
  dev: r.dev ?? null,
  gateway: r.gateway ?? null,
  metric: r.metric ?? 0,
});
export const routeSpecKey = (r: RouteSpec): string =>
  `${groupOf(r.family, r.table)}|${r.type} ${r.dst} ${r.dev ?? ''} ${r.gateway ?? ''} ${r.metric}`;

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
