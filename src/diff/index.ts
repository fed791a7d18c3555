// diff(a, b): every finding between two snapshots. Pure; a probe unavailable on either side is skipped.
import type { Snapshot } from '../snapshot/model.js';
import type { ProbeName } from '../probes/index.js';
import type { Finding } from './findings.js';
import { TS_IF } from '../tailscale.js';
import { diffLinks, diffRoutes, diffRules } from './net.js';
import { diffNft } from './nft.js';
import { diffSockets, diffTailscale, diffUnits } from './services.js';

export type { Finding, Severity } from './findings.js';
export { findingLine } from './findings.js';

type Data<K extends ProbeName> = Extract<Snapshot['probes'][K], { status: 'ok' }>['data'];
const ok = <K extends ProbeName>(s: Snapshot, k: K): Data<K> | null => {
  const r = s.probes[k];
  return r?.status === 'ok' ? r.data : null;
};

export function diff(a: Snapshot, b: Snapshot): Finding[] {
  const out: Finding[] = [];
  const both = <K extends ProbeName>(k: K, f: (x: Data<K>, y: Data<K>) => Finding[]) => {
    const x = ok(a, k);
    const y = ok(b, k);
    if (x && y) out.push(...f(x, y));
  };
  both('links', diffLinks);
  both('rules', diffRules);
  both('routes', diffRoutes);
  both('nft', (x, y) => diffNft(x, y, ok(a, 'links'), ok(b, 'links')));
  both('systemd', diffUnits);
  both('tailscale', diffTailscale);
  both('sockets', (x, y) => diffSockets(x, y, ok(a, 'tailscale')?.selfIPs ?? tailscaleAddrs(a)));
  for (const [name, r] of Object.entries(a.probes)) {
    const now = b.probes[name as ProbeName];
    if (r?.status === 'ok' && now?.status === 'unavailable') {
      out.push({ kind: 'probe-unavailable', severity: 'warning', probe: name, reason: now.reason });
    }
  }
  return out;
}

// Without tailscale status, tailscale0's addresses are the Tailscale IPs.
function tailscaleAddrs(s: Snapshot): string[] {
  return (
    ok(s, 'links')
      ?.links.find((l) => l.ifname === TS_IF)
      ?.addresses.map((x) => x.local) ?? []
  );
}
