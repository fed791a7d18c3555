// Pure: the known breakage signatures the watch acts on (issue 16), from the findings of the
// verified baseline against now plus what tailscale says. Drift that matches none is not acted on.
import type { Finding } from '../diff/index.js';
import { TS_IF, TS_TABLE, isTailscaleAddr, isTailscaleRule } from '../tailscale.js';

export type Signature = 'stale-iif' | 'table52-lost' | 'listener-gone' | 'backend-stuck';
export const SIGNATURES: readonly Signature[] = ['stale-iif', 'table52-lost', 'listener-gone', 'backend-stuck'];

export interface WatchFacts {
  // The baseline (last verified-good state) against the state now.
  findings: readonly Finding[];
  // tailscale's prefs (ExitNodeID, ExitNodeAllowLANAccess, AdvertiseRoutes) differ from the baseline's.
  prefsChanged: boolean;
  tailscaledActive: boolean;
  // BackendState now and in the baseline; null when tailscale cannot be asked.
  backend: string | null;
  baselineBackend: string | null;
  // tailscale0 holds a Tailscale address now.
  tsAddress: boolean;
  defaultRoute: boolean;
  // How long the backend has not been Running (or had no Tailscale address); null while it is.
  notRunningForMs: number | null;
  reconnectAfterMs: number;
}

export interface Detection {
  signature: Signature;
  evidence: string[];
}

const line = (f: Finding) => `${f.kind} ${JSON.stringify(f)}`;

export function classify(x: WatchFacts): Detection[] {
  const out: Detection[] = [];
  const add = (signature: Signature, found: readonly Finding[]) => {
    if (found.length) out.push({ signature, evidence: found.map(line) });
  };
  const running = x.backend === 'Running' && x.tsAddress;
  // Signatures 1-3 wait for a tailscaled that is up (Running, or the CLI cannot say, and its address
  // there): before that its routes are not there yet (boot, a restart) and a reload or restart now
  // cannot verify. A tailscaled that stays down is signature 4's.
  const up = (x.backend === null || x.backend === 'Running') && x.tsAddress;
  const tsLink = !x.findings.some((f) => f.kind === 'link-missing' && f.ifname === TS_IF);
  // 1. tailscale0 is back under a new index and the ruleset still holds the old one.
  add('stale-iif', tsLink && up ? x.findings.filter((f) => f.kind === 'nft-stale-ifindex') : []);
  // 2. tailscaled's routes or rules gone while nobody changed what tailscale was told to do.
  add(
    'table52-lost',
    x.prefsChanged || !up
      ? []
      : x.findings.filter(
          (f) =>
            (f.kind === 'route-missing' && f.table === TS_TABLE) || (f.kind === 'rule-missing' && isTailscaleRule(f)),
        ),
  );
  // 3. A listener on a Tailscale address gone (or never up after boot) while that address exists.
  add(
    'listener-gone',
    running ? x.findings.filter((f) => f.kind === 'listener-missing' && isTailscaleAddr(f.address)) : [],
  );
  // 4. tailscaled up but not connected for too long, when it was, and the host has a way out.
  const stuck =
    x.tailscaledActive &&
    !running &&
    x.baselineBackend === 'Running' &&
    x.defaultRoute &&
    x.notRunningForMs !== null &&
    x.notRunningForMs >= x.reconnectAfterMs;
  if (stuck)
    out.push({
      signature: 'backend-stuck',
      evidence: [
        `BackendState ${x.backend ?? 'unknown'}, tailscale address ${x.tsAddress ? 'present' : 'absent'}, for ${Math.round(x.notRunningForMs! / 1000)} s`,
      ],
    });
  return out;
}
