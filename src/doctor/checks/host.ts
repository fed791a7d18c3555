// tailscaled-before-network-online, watch-not-running, restarts-owed-long.
import { cmd, dropIn } from '../evidence.js';
import type { Facts, Finding } from '../model.js';

const WAIT_ONLINE = ['systemd-networkd-wait-online.service', 'NetworkManager-wait-online.service'];
const DAY_MS = 86_400_000;

export function hostChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const ts = f.units.get('tailscaled.service');
  if (ts?.loadState === 'loaded') {
    const ordered = ts.after.includes('network-online.target') && ts.wants.includes('network-online.target');
    if (!ordered)
      out.push({
        id: 'tailscaled-before-network-online',
        severity: 'warn',
        title: 'tailscaled is not ordered after network-online.target',
        evidence: [
          cmd('systemctl show tailscaled.service', `After=${ts.after.join(' ')}`),
          cmd('systemctl show tailscaled.service', `Wants=${ts.wants.join(' ') || '(none)'}`),
        ],
        why:
          'At boot tailscaled starts before the uplink has an address, sees no network, fails its DNS and DERP ' +
          'bootstrap, and can stay offline (ssh-socket incident, race 2).',
        fix: dropIn(
          '/etc/systemd/system/tailscaled.service.d',
          'tailscaled-before-network-online',
          '[Unit]\nWants=network-online.target\nAfter=network-online.target\n',
          'systemctl daemon-reload',
        ),
      });
    const waits = WAIT_ONLINE.map((id) => f.units.get(id)).filter((u) => u?.loadState === 'loaded');
    const networkd = f.units.get('systemd-networkd.service')?.activeState === 'active';
    if (!waits.some((u) => /^enabled/.test(u!.unitFileState)))
      out.push({
        id: 'tailscaled-before-network-online',
        severity: 'warn',
        title: 'nothing makes network-online.target wait for the network (no wait-online service enabled)',
        evidence: WAIT_ONLINE.map((id) =>
          cmd(`systemctl show ${id}`, `UnitFileState=${f.units.get(id)?.unitFileState || '(not installed)'}`),
        ),
        why: 'Without a wait-online service network-online.target is reached at once, and ordering after it orders nothing.',
        fix: networkd
          ? { kind: 'command', argv: ['systemctl', 'enable', 'systemd-networkd-wait-online.service'] }
          : { kind: 'admin', text: 'enable the wait-online service of the network manager in use' },
      });
  }
  const watch = f.units.get('apt-netguard-watch.service');
  if (watch?.loadState === 'loaded' && watch.activeState !== 'active')
    out.push({
      id: 'watch-not-running',
      severity: 'warn',
      title: `the apt-netguard watch is not running (${watch.activeState}, ${watch.unitFileState})`,
      evidence: [cmd('systemctl show apt-netguard-watch.service', `ActiveState=${watch.activeState}`)],
      why: 'Outside apt runs nothing then restores what a tailscaled crash or a networkd restart breaks.',
      fix: { kind: 'command', argv: ['systemctl', 'enable', '--now', 'apt-netguard-watch.service'] },
    });
  const old = f.owed.filter((p) => f.now.getTime() - Date.parse(p.since) > f.owedDays * DAY_MS);
  if (old.length)
    out.push({
      id: 'restarts-owed-long',
      severity: 'warn',
      title: `${old.length} restart(s) owed for more than ${f.owedDays} days`,
      evidence: old.map((p) => cmd('apt-netguard status', `${p.unit}: owed since ${p.since}`)),
      why: 'Each of these daemons has run a replaced binary or library since then (doctor.owed-days in config.yaml).',
      fix: { kind: 'command', argv: ['apt-netguard', 'restart-pending'] },
    });
  return out;
}
