// socket-on-tailscale-ip, socket-ordering-cycle: the ssh-socket incident (a socket bound to a
// Tailscale IP before the IP exists; the BindsTo=/Requires= "fixes" with After= make a boot cycle).
import { cmd, dropIn, hostOf, onTailnet, TAILNET, unitSetting } from '../evidence.js';
import type { Facts, Finding } from '../model.js';

const LISTEN_KEYS = ['ListenStream', 'ListenDatagram', 'ListenSequentialPacket'];

export function socketChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  const sockets = [...f.units.values()].filter((u) => u.id.endsWith('.socket') && u.loadState === 'loaded');
  for (const u of sockets) {
    const on = u.listen.filter((l) => onTailnet(hostOf(l.address) ?? ''));
    if (on.length && !u.freeBind)
      out.push({
        id: 'socket-on-tailscale-ip',
        severity: 'warn',
        title: `${u.id} listens on a Tailscale IP (${on.map((l) => l.address).join(', ')}) without FreeBind`,
        evidence: unitSetting(f, u, 'Socket', LISTEN_KEYS, on.map((l) => `Listen=${l.address} (${l.kind})`).join('; ')),
        why:
          `At boot the socket starts before tailscaled has added its address (${TAILNET}), the bind fails and ` +
          'the service is unreachable over Tailscale (ssh-socket incident). FreeBind=yes lets it bind first. ' +
          'Never add After=tailscaled.service to a socket unit: that makes an ordering cycle (socket-ordering-cycle).',
        fix: dropIn(
          `/etc/systemd/system/${u.id}.d`,
          'socket-on-tailscale-ip',
          '[Socket]\nFreeBind=yes\n',
          `systemctl daemon-reload && systemctl restart ${u.id}`,
        ),
      });
    if (u.defaultDependencies && u.after.includes('tailscaled.service')) {
      const cycle = f.cycles?.find((c) => c.includes(u.id));
      out.push({
        id: 'socket-ordering-cycle',
        severity: 'error',
        title: `${u.id} is ordered After=tailscaled.service: an ordering cycle at boot`,
        evidence: [
          ...unitSetting(f, u, 'Unit', ['After'], `After=${u.after.join(' ')}`).filter((e) =>
            /tailscaled/.test(e.text),
          ),
          cycle
            ? cmd('systemd-analyze verify default.target', `ordering cycle: ${[...cycle, cycle[0]].join(' -> ')}`)
            : cmd(
                'systemd-analyze verify default.target',
                'the cycle was not among those it reported (it names the first it breaks)',
              ),
        ],
        why:
          'A socket with default dependencies is part of sockets.target, which comes before basic.target and ' +
          'so before tailscaled. After=tailscaled.service closes the loop, and at boot systemd breaks it by ' +
          'deleting a job: the socket, or sockets.target, does not start. BindsTo= and Requires= cycle alike.',
        fix: {
          kind: 'admin',
          text:
            `remove After=tailscaled.service from ${u.fragmentPath || u.id} (a drop-in cannot reset After=), ` +
            'keep FreeBind=yes on the socket, then systemctl daemon-reload and systemd-analyze verify default.target',
        },
      });
    }
  }
  // A daemon that binds a Tailscale IP by itself (sshd's ListenAddress): no socket unit to fix.
  const viaUnits = new Set(sockets.flatMap((u) => u.listen.map((l) => l.address)));
  for (const l of f.sockets?.listeners ?? []) {
    if (!onTailnet(l.address) || l.process === 'systemd') continue;
    const addr = l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
    if (viaUnits.has(addr)) continue;
    out.push({
      id: 'socket-on-tailscale-ip',
      severity: 'warn',
      title: `${l.process ?? 'a process'} listens on a Tailscale IP (${addr}) and binds it by itself`,
      evidence: [cmd('ss -H -l -n -t -u -p', `${l.proto} ${addr} users:(("${l.process ?? '?'}"))`)],
      why:
        'After a reboot it starts before tailscaled has the address and fails to bind, or binds nothing; ' +
        'OpenSSH has no IP_FREEBIND option of its own (ssh-socket incident).',
      fix: {
        kind: 'admin',
        text:
          'either serve it from a socket unit with FreeBind=yes (for sshd: ssh.socket with ListenStream= on ' +
          'that address), or set net.ipv4.ip_nonlocal_bind=1 (and net.ipv6.ip_nonlocal_bind=1): the latter lets ' +
          'every program bind addresses the host does not have, and hides real mistakes',
      },
    });
  }
  return out;
}
