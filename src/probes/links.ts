// Links with their ifindex, kind, state and addresses, from one `ip -d -j addr show`.
import { readProbe, jsonArray, isObj, str, num, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Address {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
}
export interface Link {
  ifname: string;
  ifindex: number;
  // linkinfo.info_kind: tun, veth, bridge…; null for physical NICs and lo.
  kind: string | null;
  operstate: string;
  addresses: Address[];
}
export interface LinksState {
  links: Link[];
}

export const probe: Probe<LinksState> = {
  name: 'links',
  // -d adds linkinfo (the kind) so one spawn gives links and addresses.
  commands: () => [{ argv: ['ip', '-d', '-j', 'addr', 'show'] }],
  parse([text]) {
    const links: Link[] = [];
    for (const l of jsonArray(text, 'ip addr')) {
      if (!isObj(l)) continue;
      const ifname = str(l.ifname);
      const ifindex = num(l.ifindex);
      if (ifname === undefined || ifindex === undefined) continue;
      const info = isObj(l.linkinfo) ? l.linkinfo : {};
      links.push({
        ifname,
        ifindex,
        kind: str(info.info_kind) ?? null,
        operstate: str(l.operstate) ?? 'UNKNOWN',
        addresses: addressesOf(l.addr_info),
      });
    }
    return { links };
  },
};

function addressesOf(v: unknown): Address[] {
  if (!Array.isArray(v)) return [];
  const out: Address[] = [];
  for (const a of v) {
    if (!isObj(a)) continue;
    const family = a.family === 'inet' || a.family === 'inet6' ? a.family : undefined;
    const local = str(a.local);
    const prefixlen = num(a.prefixlen);
    if (family && local !== undefined && prefixlen !== undefined) out.push({ family, local, prefixlen });
  }
  return out;
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
