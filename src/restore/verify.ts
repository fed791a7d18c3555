// Pure: which findings of baseline-against-final mean the restore did not restore.
import type { Finding } from '../diff/index.js';

// State that is gone or broken. Anything else (added routes, a restarted unit that runs, a
// recreated TUN whose nft matches resolve) is the expected trace of an upgrade and a restore.
const LOSS = new Set<Finding['kind']>([
  'route-missing', 'rule-missing', 'link-missing', 'address-missing', 'nft-stale-ifindex', 'nft-table-missing', 'probe-unavailable',
]);

export function isUnexpected(f: Finding): boolean {
  if (LOSS.has(f.kind)) return true;
  if (f.kind === 'unit-state-changed') return !f.after.startsWith('active/');
  if (f.kind === 'listener-missing') return f.severity === 'critical';
  if (f.kind === 'tailscale-state-changed') return f.severity === 'critical';
  return false;
}

export function classify(findings: readonly Finding[]): { unexpected: Finding[]; expected: Finding[] } {
  return { unexpected: findings.filter(isUnexpected), expected: findings.filter((f) => !isUnexpected(f)) };
}
