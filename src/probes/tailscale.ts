// tailscaled's view of itself: `tailscale status --json` plus the routing-relevant prefs.
import { readProbe, isObj, str, type Obj, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface ExitNode {
  id: string;
  online: boolean | null;
  ips: string[];
}
// Only these prefs are kept, so nothing secret from `debug prefs` ever reaches a snapshot.
export interface TailscalePrefs {
  wantRunning: boolean | null;
  exitNodeID: string;
  exitNodeAllowLANAccess: boolean;
  advertiseRoutes: string[];
}
export interface TailscaleState {
  // NoState, NeedsLogin, NeedsMachineAuth, Stopped, Starting, Running
  backendState: string;
  selfIPs: string[];
  exitNode: ExitNode | null;
  prefs: TailscalePrefs | null;
}

export const probe: Probe<TailscaleState> = {
  name: 'tailscale',
  commands: () => [
    { argv: ['tailscale', 'status', '--json'] },
    // Older clients lack `debug prefs`; the status alone is still worth having.
    { argv: ['tailscale', 'debug', 'prefs'], optional: true },
  ],
  parse([status, prefs]) {
    const s: unknown = JSON.parse(status ?? '');
    if (!isObj(s)) throw new Error('tailscale status: expected a JSON object');
    const self = isObj(s.Self) ? s.Self : {};
    return {
      backendState: str(s.BackendState) ?? 'unknown',
      selfIPs: strings(self.TailscaleIPs ?? s.TailscaleIPs),
      exitNode: isObj(s.ExitNodeStatus) ? exitNodeOf(s.ExitNodeStatus) : null,
      prefs: prefs === null || prefs === undefined ? null : prefsOf(JSON.parse(prefs)),
    };
  },
};

function exitNodeOf(e: Obj): ExitNode {
  return { id: str(e.ID) ?? '', online: typeof e.Online === 'boolean' ? e.Online : null, ips: strings(e.TailscaleIPs) };
}

function prefsOf(p: unknown): TailscalePrefs {
  if (!isObj(p)) throw new Error('tailscale debug prefs: expected a JSON object');
  return {
    wantRunning: typeof p.WantRunning === 'boolean' ? p.WantRunning : null,
    exitNodeID: str(p.ExitNodeID) ?? '',
    exitNodeAllowLANAccess: p.ExitNodeAllowLANAccess === true,
    advertiseRoutes: strings(p.AdvertiseRoutes),
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
