// Scenarios of issue 15: restarts that bypass policy-rc.d (a plain systemctl in a postinst or a
// trigger), needrestart in automatic mode, and Ubuntu 24.04's needrestart default under
// unattended-upgrade. The third field names the suites a scenario runs on (all when absent).
import { invocation } from '../helpers/container.mjs';
import { CONFIG, apt, check, intact, lastApt, status, steps, write } from './scenarios.mjs';

const NETWORKD = 'systemd-networkd.service';
const asked = (s, who) => s.transaction.requests.filter((r) => r.who === who).map((r) => `${r.unit} ${r.action}`);

// A local package whose postinst runs under `set -e` and restarts networkd with a bare systemctl.
const STRICT =
  'set -e; D=$(mktemp -d); mkdir -p $D/DEBIAN; ' +
  'printf "Package: ng-strict\\nVersion: $1\\nArchitecture: all\\nMaintainer: t <root@localhost>\\nDescription: e2e\\n" >$D/DEBIAN/control; ' +
  'printf "#!/bin/sh\\nset -e\\nsystemctl restart systemd-networkd.service\\nsystemctl show -p InvocationID --value systemd-networkd.service >/root/strict-inv\\n" >$D/DEBIAN/postinst; ' +
  'chmod 755 $D/DEBIAN/postinst; dpkg-deb --build $D /root/ng-strict_$1_all.deb >/dev/null';

// Debian's own package from the apt cache, one version up (+ng1), into the file:// repo of scenario 4.
const bump = (pkg) =>
  'set -e; rm -rf /tmp/pk; mkdir -p /tmp/pk; ' +
  `dpkg-deb -R /var/cache/apt/archives/${pkg}_*.deb /tmp/pk/${pkg}; ` +
  `sed -i -e "s/^Version: \\(.*\\)/Version: \\1+ng1/" /tmp/pk/${pkg}/DEBIAN/control; dpkg-deb -b /tmp/pk/${pkg} /srv/repo/ >/dev/null; ` +
  'cd /srv/repo && apt-ftparchive packages . > Packages && apt-ftparchive -o APT::FTPArchive::Release::Origin=apt-netguard-e2e -o APT::FTPArchive::Release::Suite=e2e release . > Release; ' +
  'apt-get update -qq -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/e2e.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0';

export const releases = [
  [
    '7. a local package: postinst under set -e runs a bare `systemctl restart systemd-networkd`',
    (c) => {
      write(c, '/etc/apt-netguard/config.yaml', CONFIG);
      c.out('sh', '-c', STRICT, 'sh', '1');
      // The mechanism not chosen: RefuseManualStop alone makes that call fail, and so the configure step.
      const probe = '/run/systemd/system/systemd-networkd.service.d/90-e2e-probe.conf';
      write(c, probe, '[Unit]\nRefuseManualStop=yes\n');
      c.out('systemctl', 'daemon-reload');
      const refused = c.sh('sh', '-ec', 'systemctl restart systemd-networkd.service');
      c.out('rm', probe);
      c.out('systemctl', 'daemon-reload');
      check(refused.status !== 0, 'RefuseManualStop did not refuse (the comparison means nothing)');
      const nd = invocation(c, NETWORKD);
      const out = apt(c, 'apt-get', 'install', '-y', '/root/ng-strict_1_all.deb');
      check(out.includes(`held 'systemctl restart ${NETWORKD}'`), 'the bare systemctl was not held');
      check(c.out('cat', '/root/strict-inv').trim() === nd, 'networkd was restarted while dpkg ran');
      const s = status(c);
      const req = s.transaction.requests.find((r) => r.who === 'systemctl' && r.unit === NETWORKD);
      check(req?.action === 'restart', `requests: ${asked(s, 'systemctl')}`);
      // Held under the gate's mode: guarded (the default) is restarted by the guard after dpkg; a veto
      // still standing from scenario 4's libkmod2 (networkd has not restarted since) is not.
      if (req.decision === 'guarded') {
        check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
        check(invocation(c, NETWORKD) !== nd, 'the guard did not restart networkd after dpkg');
      } else check(invocation(c, NETWORKD) === nd, `networkd restarted though its request was ${req.decision}`);
      intact(c);
      apt(c, 'apt-get', 'purge', '-y', 'ng-strict');
      const after = req.decision === 'guarded' ? `guard: ${steps(s)}` : 'so not restarted after dpkg either';
      return `apt 0; networkd untouched while dpkg ran (RefuseManualStop alone: postinst exit ${refused.status}); held as ${req.decision}, ${after}`;
    },
  ],

  [
    "8. libc6 reinstall (Debian 13: systemd's libc-upgrade trigger), with ip monitor across dpkg",
    (c) => {
      // The first Post-Invoke of all (00 sorts before 20apt-netguard) marks the end of dpkg.
      write(
        c,
        '/etc/apt/apt.conf.d/00e2e-mark',
        'DPkg::Post-Invoke { "date +%Y-%m-%dT%H:%M:%S.%6N > /root/dpkg-done"; };\n',
      );
      c.out('systemd-run', '--unit=ng-mon', 'sh', '-c', 'exec ip -ts monitor route rule > /root/mon.log');
      c.out('sleep', '0.5');
      const nd = invocation(c, NETWORKD);
      const out = apt(c, 'apt-get', 'install', '-y', '--reinstall', 'libc6');
      c.out('sleep', '0.5');
      c.out('systemctl', 'stop', 'ng-mon');
      c.out('rm', '/etc/apt/apt.conf.d/00e2e-mark');
      const done = c.out('cat', '/root/dpkg-done').trim();
      const lines = c.out('cat', '/root/mon.log').split('\n');
      const ours = (l) => /throw 10\.10\.10\.0\/24/.test(l) || /\b5270:/.test(l);
      const stamp = (l) => /^\[([^\]]+)\]/.exec(l)?.[1] ?? '';
      const during = lines.filter((l) => ours(l) && l.includes('Deleted') && stamp(l) <= done);
      const after = lines.filter((l) => ours(l) && l.includes('Deleted') && stamp(l) > done);
      check(out.includes('libc-upgrade') || out.includes('Processing triggers for systemd'), 'no systemd trigger ran');
      check(out.includes(`held 'systemctl try-restart ${NETWORKD}'`), "the trigger's try-restart was not held");
      check(during.length === 0, `deleted while dpkg ran:\n${during.join('\n')}`);
      const s = status(c);
      check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
      check(invocation(c, NETWORKD) !== nd, 'networkd (which maps libc) not restarted by the guard after dpkg');
      intact(c);
      const events = lines.filter(ours).length;
      return `trigger's try-restart held; ip monitor: ${during.length} deletions of the throw route/rule 5270 during dpkg, ${after.length} after it in the guard's restart (${events} events in all); guard: ${steps(s)}`;
    },
    ['trixie'],
  ],

  [
    '9. NEEDRESTART_MODE=a, libseccomp2 replaced under networkd',
    (c) => {
      const nd = invocation(c, NETWORKD);
      const out = apt(c, 'env', 'NEEDRESTART_MODE=a', 'apt-get', 'install', '-y', '--reinstall', 'libseccomp2');
      const s = status(c);
      const nr = asked(s, 'needrestart');
      check(
        nr.some((r) => r.startsWith(NETWORKD)),
        `needrestart requests: ${nr}`,
      );
      check(!/systemctl restart[^\n]*systemd-networkd/.test(out), 'needrestart restarted networkd itself');
      check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
      check(invocation(c, NETWORKD) !== nd, 'networkd not restarted by the guard');
      intact(c);
      return `needrestart handed ${nr.join(', ')} to restart.d (recorded); guard: ${steps(s)}`;
    },
  ],

  [
    "10. Ubuntu 24.04's needrestart default ($nrconf{restart} = 'a') under unattended-upgrade: libseccomp2 +ng1",
    (c) => {
      write(c, '/etc/needrestart/conf.d/50-ubuntu-like.conf', "$nrconf{restart} = 'a';\n");
      c.out('sh', '-c', bump('libseccomp2'));
      const nd = invocation(c, NETWORKD);
      const r = c.sh('unattended-upgrade', '-v');
      lastApt.code = r.status;
      c.out('rm', '/etc/needrestart/conf.d/50-ubuntu-like.conf');
      check(r.status === 0, `unattended-upgrade exited ${r.status}: ${r.out.slice(-600)}`);
      const v = c.out('dpkg-query', '-W', '-f', '${Version}', 'libseccomp2');
      check(v.endsWith('+ng1'), `libseccomp2 not upgraded: ${v}`);
      const s = status(c);
      const nr = asked(s, 'needrestart');
      check(
        nr.some((x) => x.startsWith(NETWORKD)),
        `needrestart requests: ${nr}`,
      );
      const log = c.out('sh', '-c', 'cat /var/log/unattended-upgrades/unattended-upgrades-dpkg.log');
      check(!/systemctl restart[^\n]*systemd-networkd/.test(log), 'needrestart restarted networkd itself');
      check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
      check(invocation(c, NETWORKD) !== nd, 'networkd not restarted by the guard');
      intact(c);
      return `u-u exit 0, libseccomp2 ${v}; needrestart (mode a from conf.d) handed ${nr.join(', ')} to restart.d; guard: ${steps(s)}`;
    },
  ],
];
