// Routes in every table, both families (`ip -4/-6 -j route show table all`).
import { readProbe, jsonArray, isObj, str, num, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Route {
  family: 4 | 6;
  table: string;
  // unicast, throw, unreachable, blackhole, prohibit, local, broadcast, multicast…
  type: string;
  dst: string;
  // Absent rather than null: a host with 50k routes stores a third less (bench/).
  dev?: string;
  gateway?: string;
  protocol?: string;
  metric?: number;
}
export interface RoutesState {
  routes: Route[];
}

export const probe: Probe<RoutesState> = {
  name: 'routes',
  // NOTE: without -4, `ip route show table all` dumps both families (iproute2 6.1), so name each one.
  commands: () => [
    { argv: ['ip', '-4', '-j', 'route', 'show', 'table', 'all'] },
    { argv: ['ip', '-6', '-j', 'route', 'show', 'table', 'all'] },
  ],
  parse([v4, v6]) {
    return { routes: [...parseFamily(v4, 4), ...parseFamily(v6, 6)] };
  },
};

function parseFamily(text: string | null | undefined, family: 4 | 6): Route[] {
  const out: Route[] = [];
  for (const r of jsonArray(text, `ip -${family} route`)) {
    if (!isObj(r)) continue;
    const dst = str(r.dst);
    if (dst === undefined) continue;
    // ip omits `table` for main and `type` for unicast.
    const route: Route = { family, table: str(r.table) ?? (num(r.table) !== undefined ? String(r.table) : 'main'), type: str(r.type) ?? 'unicast', dst };
    const [dev, gateway, protocol, metric] = [str(r.dev), str(r.gateway), str(r.protocol), num(r.metric)];
    if (dev !== undefined) route.dev = dev;
    if (gateway !== undefined) route.gateway = gateway;
    if (protocol !== undefined) route.protocol = protocol;
    if (metric) route.metric = metric;
    out.push(route);
  }
  return out;
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
