// The e2e scenarios, in order, against one container (state carries over, as on a real host).
// Each throws on the first thing that is not as it must be, and returns a one-line summary.
import { invocation, table52, tsRules } from '../helpers/container.mjs';

const THROW = 'throw 10.10.10.0/24';
// This suite runs more automatic restores in an hour than a host sees; restore.max-per-hour (6)
// and watch.max-per-hour (3) would refuse the later ones, as they must. The limits themselves are
// tested in test/restore, test/watch and the watch's flapping scenario. A 5 s heartbeat and a 10 s
// reconnect-after keep the watch's scenarios short. `watch` and `rest` add lines to those sections.
export const configWith = ({ watch = '', rest = '' } = {}) =>
  `restore:\n  max-per-hour: 60\nwatch:\n  heartbeat: 5\n  reconnect-after: 10\n${watch || '  max-per-hour: 30\n'}${rest}`;
export const CONFIG = configWith();
export const check = (ok, msg) => {
  if (!ok) throw new Error(msg);
};
const rules = tsRules;
export const status = (c) => {
  const r = c.sh('apt-netguard', 'status', '--json');
  return { code: r.status, ...JSON.parse(r.stdout) };
};
export const steps = (s) => (s.restore?.steps ?? []).map((x) => `${x.id}=${x.status}`).join(', ');
export const write = (c, path, text) =>
  c.out('sh', '-c', 'mkdir -p "$(dirname "$1")" && printf "%s" "$2" > "$1" && chmod 644 "$1"', 'sh', path, text);
export function intact(c) {
  check(table52(c).includes(THROW), `table 52 lost the throw route:\n${table52(c)}`);
  check(rules(c) === 4, `rules 5210-5270: ${rules(c)} of 4`);
}
// The exit code of the scenario's last apt run, for the runner's table.
export const lastApt = { code: null };
export function apt(c, ...argv) {
  const r = c.sh(...argv);
  lastApt.code = r.status;
  check(r.status === 0, `${argv.join(' ')} exited ${r.status}: ${r.out.slice(-600)}`);
  return r.out;
}
export function nftResolves(c) {
  const doc = JSON.parse(c.out('nft', '-j', 'list', 'ruleset'));
  const vals = doc.nftables
    .flatMap((x) => x.rule?.expr ?? [])
    .filter((e) => ['iif', 'oif'].includes(e.match?.left?.meta?.key))
    .map((e) => e.match.right);
  check(vals.includes('tailscale0'), `no iif/oif match resolves to tailscale0: ${JSON.stringify(vals)}`);
  check(!vals.some((v) => typeof v === 'string' && /^\d+$/.test(v)), `stale ifindex in nft: ${JSON.stringify(vals)}`);
}

// The postinst starts the watch with --no-block: up to 5 s for its job to run.
const waitWatch = (c) =>
  c.sh('sh', '-c', 'for i in $(seq 50); do systemctl is-active --quiet apt-netguard-watch && break; sleep 0.1; done');

export const scenarios = [
  [
    'install: apt-get install ./apt-netguard_*.deb, beside an existing policy-rc.d',
    (c, deb) => {
      // An admin's own policy-rc.d, which must keep working (the gate delegates to it) and come back on remove.
      write(c, '/usr/sbin/policy-rc.d', '#!/bin/sh\necho "$*" >> /root/orig-policy-rc.d.log\nexit 0\n');
      c.out('chmod', '755', '/usr/sbin/policy-rc.d');
      apt(c, 'apt-get', 'install', '-y', `/root/${deb.split('/').pop()}`);
      check(
        c.out('readlink', '/usr/sbin/policy-rc.d').trim() === '/usr/lib/apt-netguard/hooks/policy-rc.d',
        'policy-rc.d is not the gate',
      );
      check(
        c.out('dpkg-divert', '--list', '/usr/sbin/policy-rc.d').includes('apt-netguard'),
        'no diversion of the old policy-rc.d',
      );
      check(c.sh('/usr/sbin/policy-rc.d', 'cron.service', 'restart').status === 0, 'gate did not delegate');
      check(
        c.out('cat', '/root/orig-policy-rc.d.log').includes('cron.service restart'),
        'the old policy-rc.d was not asked',
      );
      check(
        c.sh('systemctl', 'is-enabled', 'apt-netguard-restart-pending.timer').stdout.trim() === 'disabled',
        'the timer is not installed disabled',
      );
      waitWatch(c);
      const watch = ['is-enabled', 'is-active'].map((v) => c.sh('systemctl', v, 'apt-netguard-watch').stdout.trim());
      check(watch.join(' ') === 'enabled active', `the watch service is ${watch.join(', ')}, not enabled and active`);
      check(c.sh('apt-netguard', 'status').status === 0, 'status not 0 after install');
      const mode = c.out('stat', '-c', '%a %U:%G', '/etc/apt-netguard/config.yaml').trim();
      check(mode === '640 root:root', `config.yaml is ${mode}, not 640 root:root (it can hold a webhook token)`);
      // minbase has no man(1): the page itself, gzipped roff.
      check(
        c.out('sh', '-c', 'zcat /usr/share/man/man8/apt-netguard.8.gz | head -1').startsWith('.TH APT-NETGUARD 8'),
        'no man page',
      );
      return `gate in place, old policy-rc.d diverted and delegated to, timer disabled, watch enabled and running, config.yaml 640, ${c.out('dpkg-query', '-W', '-f', '${Conffiles}', 'apt-netguard').trim().split('\n').length} conffiles`;
    },
  ],

  [
    '1. apt-get install --reinstall systemd (postinst: plain systemctl try-restart networkd)',
    (c) => {
      const nd = invocation(c, 'systemd-networkd.service');
      const out = apt(c, 'apt-get', 'install', '-y', '--reinstall', 'systemd');
      check(
        out.includes("apt-netguard: held 'systemctl try-restart systemd-networkd.service'"),
        "the postinst's systemctl try-restart was not held by the systemctl gate",
      );
      intact(c);
      const s = status(c);
      check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
      check(invocation(c, 'systemd-networkd.service') !== nd, 'networkd not restarted by the guard');
      check(s.code === 0, 'status not 0');
      // The hooks' lines are in the journal too, under their own identifier.
      const journal = c.out('journalctl', '-t', 'apt-netguard', '-o', 'cat', '--no-pager');
      check(
        journal.includes('"msg":"transaction closed"') && journal.includes('"msg":"restore verified"'),
        `journalctl -t apt-netguard: ${journal.slice(-300)}`,
      );
      return `postinst's systemctl try-restart held; guard: ${steps(s)}; verified; in journalctl -t apt-netguard`;
    },
  ],

  [
    '2. fake tailscale 1.0 -> 1.1 (postinst: deb-systemd-invoke restart), nft iif rules',
    (c) => {
      for (const v of ['1.0', '1.1', '1.2', '1.3']) c.out('/root/scenarios/fake-tailscale-deb.sh', v, '/root');
      apt(c, 'apt-get', 'install', '-y', '/root/tailscale_1.0_all.deb');
      const ts = invocation(c, 'tailscaled.service');
      const out = apt(c, 'apt-get', 'install', '-y', '/root/tailscale_1.1_all.deb');
      check(out.includes('policy-rc.d returned 101'), 'the postinst restart was not refused by policy-rc.d');
      const s = status(c);
      check(
        steps(s) === 'settle=done, restart tailscaled.service=done, reload lab-firewall.service=done',
        `journal: ${steps(s)}`,
      );
      check(s.restore.state === 'verified', `restore ${s.restore.state}`);
      check(invocation(c, 'tailscaled.service') !== ts, 'tailscaled not restarted');
      nftResolves(c);
      intact(c);
      // The hooks left their code caches, and the next run of a command compiles nothing it cached.
      const caches = c
        .out('sh', '-c', 'stat -c "%U %a" /var/cache/apt-netguard; ls /var/cache/apt-netguard')
        .trim()
        .split('\n');
      check(
        caches[0] === 'root 755' &&
          ['hook-pre-install-pkgs', 'hook-post-invoke'].every((k) => caches.some((f) => f.startsWith(`${k}.`))),
        `code caches: ${caches}`,
      );
      const cached = () =>
        /code cache (\w+)/.exec(c.sh('env', 'APT_NETGUARD_DEBUG=1', 'apt-netguard', 'list').out)?.[1];
      cached();
      check(cached() === 'hit', 'the second `apt-netguard list` did not use its code cache');
      return `journal: ${steps(s)}; iif resolves to tailscale0; ${caches.length - 1} code caches`;
    },
  ],

  [
    '3. NEEDRESTART_MODE=a, libc6 replaced under networkd and tailscaled',
    (c) => {
      const out = apt(c, 'env', 'NEEDRESTART_MODE=a', 'apt-get', 'install', '-y', '--reinstall', 'libc6');
      const s = status(c);
      const asked = s.transaction.requests.filter((r) => r.who === 'needrestart').map((r) => r.unit);
      check(
        asked.includes('systemd-networkd.service') && asked.includes('tailscaled.service'),
        `needrestart requests: ${asked}`,
      );
      check(
        !/Restarting services[\s\S]*systemctl restart[^\n]*(systemd-networkd|tailscaled)/.test(out),
        'needrestart restarted a protected unit itself',
      );
      check(s.restore?.state === 'verified', `restore ${s.restore?.state}: ${steps(s)}`);
      intact(c);
      return `needrestart asked for ${asked.join(', ')} (recorded); guard: ${steps(s)}`;
    },
  ],

  [
    '4. unattended-upgrade (MinimalSteps) from a file:// repo: tailscale 1.2 + libkmod2',
    (c) => {
      c.out(
        'sh',
        '-c',
        [
          'set -e; rm -rf /srv/repo /tmp/pk; mkdir -p /srv/repo /tmp/pk; cp /root/tailscale_1.2_all.deb /srv/repo/',
          // A real kmod upgrade: Debian's own kmod and libkmod2, repacked one version up.
          'for p in kmod libkmod2; do dpkg-deb -R /var/cache/apt/archives/${p}_*.deb /tmp/pk/$p; sed -i -e "s/^Version: \\(.*\\)/Version: \\1+ng1/" -e "s/libkmod2 (= \\([^)]*\\))/libkmod2 (= \\1+ng1)/" /tmp/pk/$p/DEBIAN/control; dpkg-deb -b /tmp/pk/$p /srv/repo/ >/dev/null; done',
          'cd /srv/repo && apt-ftparchive packages . > Packages && apt-ftparchive -o APT::FTPArchive::Release::Origin=apt-netguard-e2e -o APT::FTPArchive::Release::Suite=e2e release . > Release',
          'echo "deb [trusted=yes] file:/srv/repo ./" > /etc/apt/sources.list.d/e2e.list',
          'apt-get update -qq -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/e2e.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0',
          'printf \'Unattended-Upgrade::Origins-Pattern { "origin=apt-netguard-e2e"; };\\nUnattended-Upgrade::MinimalSteps "true";\\n\' > /etc/apt/apt.conf.d/51e2e',
        ].join('\n'),
      );
      const nd = invocation(c, 'systemd-networkd.service');
      const before = c.out('sh', '-c', 'ls /var/lib/apt-netguard/txn | wc -l').trim();
      const vetoes = () =>
        Number(c.out('sh', '-c', 'grep -l kmod-userspace /var/lib/apt-netguard/txn/*.json | wc -l').trim());
      const vetoed = vetoes();
      const r = c.sh('env', 'NEEDRESTART_MODE=a', 'unattended-upgrade', '-v');
      lastApt.code = r.status;
      check(r.status === 0, `unattended-upgrade exited ${r.status}: ${r.out.slice(-600)}`);
      // minbase has libkmod2 (systemd needs it) but not kmod itself.
      const versions = c.out('dpkg-query', '-W', '-f', '${Package}=${Version} ', 'tailscale', 'libkmod2').trim();
      check(/tailscale=1\.2/.test(versions) && /libkmod2=\S+\+ng1/.test(versions), `not upgraded: ${versions}`);
      check(invocation(c, 'systemd-networkd.service') === nd, 'networkd was restarted (kmod is vetoed)');
      const txns = Number(c.out('sh', '-c', 'ls /var/lib/apt-netguard/txn | wc -l').trim()) - Number(before);
      check(txns >= 2, `${txns} transactions: MinimalSteps should make one per step`);
      check(vetoes() > vetoed, 'no transaction decided by the kmod-userspace rule');
      const s = status(c);
      check(s.restore?.state === 'verified', `last restore ${s.restore?.state}`);
      intact(c);
      nftResolves(c);
      check(s.code === 0, 'status not 0');
      // The hooks' stderr is in unattended-upgrades' own dpkg log (the README says so).
      const ulog = c.out('sh', '-c', 'cat /var/log/unattended-upgrades/unattended-upgrades-dpkg.log');
      check(
        ulog.includes('"name":"apt-netguard"') && ulog.includes('"msg":"transaction closed"'),
        'no apt-netguard lines in unattended-upgrades-dpkg.log',
      );
      const held = Number(
        c.out('sh', '-c', 'grep -l "still vetoed by kmod-userspace" /var/lib/apt-netguard/txn/*.json | wc -l').trim(),
      );
      return `${versions}; ${txns} transactions (MinimalSteps); networkd untouched${held ? ` (the libkmod2 veto held in ${held} later run)` : ''}; last restore: ${steps(s)}`;
    },
  ],

  [
    '5. a broken admin policy file',
    (c) => {
      write(c, '/etc/apt-netguard/policies.d/50-broken.yaml', 'units:\n  tailscaled.service:\n    default: vetoo\n');
      const out = apt(c, 'apt-get', 'install', '-y', '--reinstall', 'hostname');
      check(out.includes('50-broken.yaml:3:14'), 'the error was not logged with file:line:col');
      const s = status(c);
      check(
        s.transaction.notes.some((n) => n.includes('50-broken.yaml:3:14')),
        'the journal does not note the policy error',
      );
      check(c.sh('apt-netguard', 'policy', 'check').status === 2, 'policy check does not exit 2');
      check(s.code === 1 && s.problems.some((p) => p.includes('50-broken.yaml:3:14')), 'status does not name it');
      c.out('rm', '/etc/apt-netguard/policies.d/50-broken.yaml');
      check(status(c).code === 0, 'status not 0 once the file is gone');
      return 'apt exit 0; logged 50-broken.yaml:3:14 unknown mode; shipped defaults applied; status 1 naming it, then 0';
    },
  ],

  [
    '6. upgrade itself in the same run as tailscale 1.3, then remove, then purge',
    (c, deb) => {
      apt(c, 'apt-get', 'install', '-y', '--reinstall', `/root/${deb.split('/').pop()}`);
      check(status(c).code === 0, 'status not 0 after reinstalling itself');
      // The next version, upgraded while its own hooks guard the run: the old Pre-Invoke and
      // Pre-Install-Pkgs arm the gate, the new gate and Post-Invoke finish the job.
      c.out(
        'sh',
        '-c',
        'set -e; rm -rf /tmp/ngup; dpkg-deb -R "$1" /tmp/ngup; sed -i "s/^Version: .*/Version: 0.1.1~e2e/" /tmp/ngup/DEBIAN/control; dpkg-deb -b /tmp/ngup /root/apt-netguard_next_all.deb >/dev/null',
        'sh',
        `/root/${deb.split('/').pop()}`,
      );
      const ts = invocation(c, 'tailscaled.service');
      const watch = invocation(c, 'apt-netguard-watch.service');
      const out = apt(c, 'apt-get', 'install', '-y', '/root/apt-netguard_next_all.deb', '/root/tailscale_1.3_all.deb');
      check(out.includes('policy-rc.d returned 101'), "tailscale's postinst restart was not held");
      check(c.out('dpkg-query', '-W', '-f', '${Version}', 'apt-netguard') === '0.1.1~e2e', 'apt-netguard not upgraded');
      const kept = c.out('stat', '-c', '%a', '/etc/apt-netguard/config.yaml').trim();
      check(kept === '640', `config.yaml is ${kept} after the upgrade, not 640`);
      const s = status(c);
      check(
        s.restore?.state === 'verified' && invocation(c, 'tailscaled.service') !== ts,
        `restore after the self-upgrade: ${s.restore?.state}: ${steps(s)}`,
      );
      check(s.code === 0, 'status not 0 after upgrading itself');
      // The postinst restarts the watch, so that it runs the new program.
      waitWatch(c);
      const w = invocation(c, 'apt-netguard-watch.service');
      check(w !== watch && w !== '', `the watch was not restarted by the upgrade (${watch} -> ${w})`);
      nftResolves(c);
      intact(c);
      // An admin who enabled the maintenance-window timer: remove stops it, purge forgets it.
      c.out('systemctl', 'enable', '--now', 'apt-netguard-restart-pending.timer');
      const removed = apt(c, 'apt-get', 'remove', '-y', 'apt-netguard');
      // Without prerm's stop, systemd keeps it loaded, then marks it failed (not-found, Result: resources).
      const timer = c.sh('systemctl', 'is-active', 'apt-netguard-restart-pending.timer').stdout.trim();
      check(timer === 'inactive', `the timer is ${timer} after remove`);
      const gone = c.sh('systemctl', 'is-active', 'apt-netguard-watch.service').stdout.trim();
      check(gone === 'inactive', `the watch is ${gone} after remove`);
      check(c.out('cat', '/usr/sbin/policy-rc.d').includes('orig-policy-rc.d.log'), 'the old policy-rc.d is not back');
      check(
        c.sh('test', '-e', '/etc/apt/apt.conf.d/20apt-netguard-pkgs').status === 1,
        'the Pre-Install-Pkgs hook file is left',
      );
      apt(c, 'apt-get', 'install', '-y', '--reinstall', 'hostname'); // apt works with the conffiles still there
      const purged = apt(c, 'apt-get', 'purge', '-y', 'apt-netguard');
      // e.g. "directory '/lib/systemd/system' not empty so not removed", from units outside /usr.
      const warned = `${removed}${purged}`.split('\n').filter((l) => l.includes('dpkg: warning'));
      check(warned.length === 0, `dpkg warned on remove or purge: ${warned.join('; ')}`);
      const left = c
        .sh(
          'sh',
          '-c',
          'ls -d /var/lib/apt-netguard /var/cache/apt-netguard /etc/apt-netguard /etc/apt/apt.conf.d/*apt-netguard* /etc/needrestart/conf.d/apt-netguard.conf /usr/lib/apt-netguard /run/apt-netguard /run/systemd/system/*.d/50-apt-netguard.conf /usr/sbin/policy-rc.d.apt-netguard-orig /etc/systemd/system/*/apt-netguard* /var/lib/systemd/deb-systemd-helper-enabled/*apt-netguard* 2>/dev/null; find /etc/needrestart/restart.d -lname "*apt-netguard*"; dpkg-divert --list | grep apt-netguard',
        )
        .stdout.trim();
      check(left === '', `left behind: ${left}`);
      apt(c, 'apt-get', 'install', '-y', '--reinstall', 'hostname');
      return `0.1.1 with tailscale 1.3 in one run: held, then ${steps(s)}, verified; the watch restarted by it; remove stops the watch and an enabled timer; apt works after remove and purge, with no dpkg warning; old policy-rc.d back; nothing left`;
    },
  ],
];
