// Protected units, tailscaled's own state, and listening sockets.
import type { SocketsState, SystemdState, TailscaleState, Listener } from '../probes/index.js';
import { keyedDiff, type Finding } from './findings.js';

export function diffUnits(a: SystemdState, b: SystemdState): Finding[] {
  const out: Finding[] = [];
  const after = new Map(b.units.map((u) => [u.id, u]));
  for (const u of a.units) {
    const n = after.get(u.id);
    if (!n) continue;
    const newInvocation = u.invocationID !== '' && n.invocationID !== '' && u.invocationID !== n.invocationID;
    const newPid = u.mainPID > 0 && n.mainPID > 0 && u.mainPID !== n.mainPID;
    if (newInvocation || newPid) {
      out.push({
        kind: 'unit-restarted',
        severity: 'warning',
        unit: u.id,
        before: { invocationID: u.invocationID, mainPID: u.mainPID },
        after: { invocationID: n.invocationID, mainPID: n.mainPID },
      });
    }
    const was = `${u.activeState}/${u.subState}`;
    const now = `${n.activeState}/${n.subState}`;
    if (u.activeState !== n.activeState || u.subState !== n.subState) {
      out.push({
        kind: 'unit-state-changed',
        severity: n.activeState === 'active' ? 'info' : 'warning',
        unit: u.id,
        before: was,
        after: now,
      });
    }
  }
  return out;
}

export function diffTailscale(a: TailscaleState, b: TailscaleState): Finding[] {
  const fields: [string, string, string][] = [
    ['BackendState', a.backendState, b.backendState],
    ['TailscaleIPs', [...a.selfIPs].sort().join(','), [...b.selfIPs].sort().join(',')],
    ['ExitNodeID', a.exitNode?.id ?? '', b.exitNode?.id ?? ''],
    [
      'ExitNodeAllowLANAccess',
      String(a.prefs?.exitNodeAllowLANAccess ?? ''),
      String(b.prefs?.exitNodeAllowLANAccess ?? ''),
    ],
    ['AdvertiseRoutes', (a.prefs?.advertiseRoutes ?? []).join(','), (b.prefs?.advertiseRoutes ?? []).join(',')],
  ];
  return fields
    .filter(([, x, y]) => x !== y)
    .map(([field, before, after]) => ({
      kind: 'tailscale-state-changed' as const,
      severity: field === 'BackendState' && after !== 'Running' ? ('critical' as const) : ('warning' as const),
      field,
      before,
      after,
    }));
}

const listenerKey = (l: Listener) => `${l.proto} ${l.address} ${l.port} ${l.iface ?? ''}`;

// `tailscaleIPs`: a listener on one of these that disappears is the ssh.socket incident.
export function diffSockets(a: SocketsState, b: SocketsState, tailscaleIPs: readonly string[]): Finding[] {
  const d = keyedDiff(a.listeners, b.listeners, listenerKey);
  const f = (kind: 'listener-missing' | 'listener-added', l: Listener): Finding => ({
    kind,
    severity: kind === 'listener-added' ? 'info' : tailscaleIPs.includes(l.address) ? 'critical' : 'warning',
    proto: l.proto,
    address: l.address,
    port: l.port,
    iface: l.iface,
    process: l.process,
  });
  return [...d.missing.map((l) => f('listener-missing', l)), ...d.added.map((l) => f('listener-added', l))];
}
