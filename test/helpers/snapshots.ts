// Builds snapshots from fixture folders, so diff tests run on real captured state.
import { probes } from '../../src/probes/index.js';
import type { ProbeResults, Snapshot } from '../../src/snapshot/model.js';
import { fixture } from './fixtures.js';

const ok = <T>(data: T) => ({ status: 'ok' as const, ms: 1, data });
const off = { status: 'unavailable' as const, ms: 1, reason: 'command not found' };

export function snapshotFromLab(dir: string, extra: Partial<ProbeResults> = {}): Snapshot {
  const f = (n: string) => fixture(`${dir}/${n}`);
  const p: ProbeResults = {
    links: ok(probes.links.probe.parse([f('ip-addr.json')])),
    rules: ok(probes.rules.probe.parse([f('ip-rule4.json'), f('ip-rule6.json')])),
    routes: ok(probes.routes.probe.parse([f('ip-route4.json'), f('ip-route6.json')])),
    nft: ok(probes.nft.probe.parse([f('nft.json')])),
    systemd: off,
    networkd: off,
    tailscale: off,
    sockets: ok(probes.sockets.probe.parse([f('ss.txt')])),
    ...extra,
  };
  return { schemaVersion: 2, id: dir, label: null, host: 'lab', takenAt: '2026-11-22T00:00:00.000Z', probes: p };
}

// A deep copy with `edit` applied to one probe's data.
export function edited<K extends keyof ProbeResults>(
  s: Snapshot,
  k: K,
  edit: (d: Extract<ProbeResults[K], { status: 'ok' }>['data']) => void,
): Snapshot {
  const c = structuredClone(s);
  const r = c.probes[k];
  if (r.status !== 'ok') throw new Error(`${k} unavailable in fixture`);
  edit(r.data);
  return c;
}

export { ok, off };
