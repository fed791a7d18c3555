// Pure: which findings of baseline-against-final mean the restore did not restore.
import type { Finding } from '../diff/index.js';

// State that is gone or broken. Anything else (added routes, a restarted unit that runs, a
// recreated TUN whose nft matches resolve) is the expected trace of an upgrade and a restore.
const LOSS = new Set<Finding['kind']>([
  'route-missing',
  'rule-missing',
  'link-missing',
  'address-missing',
  'nft-stale-ifindex',
  'nft-table-missing',
  'probe-unavailable',
]);

// Links that came back with a new ifindex (tailscale0 after a tailscaled restart).
export function recreatedLinks(findings: readonly Finding[]): Set<string> {
  return new Set(findings.flatMap((f) => (f.kind === 'ifindex-changed' ? [f.ifname] : [])));
}

// NOTE: the kernel gives every new link its own IPv6 link-local address, with its fe80::/64, local and
// ff00::/8 routes; a TUN has no MAC, so the address is random (ip-link(8) addrgenmode). A recreated
// tailscale0 cannot keep the old one: the demo's tailscale0, once it had carrier, showed exactly this.
function kernelLinkLocal(f: Finding, recreated: Set<string>): boolean {
  const linkLocal = (a: string) => /^fe[89ab][0-9a-f]:/i.test(a);
  if (f.kind === 'address-missing') return recreated.has(f.ifname) && linkLocal(f.address);
  if (f.kind === 'route-missing')
    return f.family === 6 && f.dev !== null && recreated.has(f.dev) && (linkLocal(f.dst) || f.dst === 'ff00::/8');
  return false;
}

export function isUnexpected(f: Finding, recreated: Set<string> = new Set()): boolean {
  if (kernelLinkLocal(f, recreated)) return false;
  if (LOSS.has(f.kind)) return true;
  if (f.kind === 'unit-state-changed') return !f.after.startsWith('active/');
  if (f.kind === 'listener-missing') return f.severity === 'critical';
  if (f.kind === 'tailscale-state-changed') return f.severity === 'critical';
  return false;
}

export function classify(findings: readonly Finding[]): { unexpected: Finding[]; expected: Finding[] } {
  const recreated = recreatedLinks(findings);
  return {
    unexpected: findings.filter((f) => isUnexpected(f, recreated)),
    expected: findings.filter((f) => !isUnexpected(f, recreated)),
  };
}
