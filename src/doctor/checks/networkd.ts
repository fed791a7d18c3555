// networkd-foreign-routes, networkd-foreign-rules: the 2026-05-02 incident (throw routes in table 52
// flushed by a networkd restart; tailscaled puts back rules but never routes).
import { settings } from '../../probes/catconfig.js';
import { cmd, dropIn } from '../evidence.js';
import type { Facts, Finding } from '../model.js';

const CAT = 'systemd-analyze cat-config systemd/networkd.conf';
const KEYS = [
  {
    id: 'networkd-foreign-routes',
    key: 'ManageForeignRoutes',
    what: 'routes',
    why:
      'A networkd restart (needrestart, an admin, networkctl reload) removes the routes it did not make: ' +
      "Tailscale's throw routes in table 52 go, and tailscaled never puts routes back (incident 2026-05-02, " +
      'tailscale issue 9413). Trade-off: networkd then leaves stale foreign routes alone too.',
  },
  {
    id: 'networkd-foreign-rules',
    key: 'ManageForeignRoutingPolicyRules',
    what: 'ip rules',
    why:
      "A networkd restart removes the ip rules it did not make: Tailscale's rules 5210-5270 go until tailscaled " +
      'notices (it re-adds rules, rate-limited). Trade-off: networkd then leaves stale foreign rules alone too.',
  },
] as const;

export function networkdChecks(f: Facts): Finding[] {
  const ts = f.units.get('tailscaled.service');
  if (!f.networkd || ts?.loadState !== 'loaded') return [];
  const networkd = f.units.get('systemd-networkd.service');
  if (networkd && networkd.loadState !== 'loaded') return [];
  return KEYS.flatMap(({ id, key, what, why }) => {
    const set = settings(f.networkd!, 'Network', key).at(-1);
    if (set && /^(no|false|0|off)$/i.test(set.value)) return [];
    return [
      {
        id,
        severity: 'warn' as const,
        title: `networkd manages foreign ${what} (${key}=${set?.value ?? 'yes, the default'}) and Tailscale uses table 52`,
        evidence: [
          set
            ? { file: set.file, line: set.line, text: `${key}=${set.value}` }
            : cmd(CAT, `no ${key}= in [Network]: the default, yes`),
          cmd('systemctl show tailscaled.service', `LoadState=loaded ActiveState=${ts.activeState}`),
        ],
        why,
        fix: dropIn(
          '/etc/systemd/networkd.conf.d',
          id,
          `[Network]\n${key}=no\n`,
          'systemctl restart systemd-networkd (or reboot)',
        ),
      },
    ];
  });
}
