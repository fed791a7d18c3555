// Issue 18's scenarios: what the per-dpkg-run savings rely on, checked under the release's own apt.
// Pre-Invoke is folded into Pre-Install-Pkgs, which holds only if apt runs Pre-Install-Pkgs in every
// dpkg run; and a no-op dpkg run starts node twice (the two snapshots), a disabled guard never.
import { apt, check, status, write } from './scenarios.mjs';

// A package built here: name, version, and an optional Depends.
const deb = (c, name, version, depends = '') =>
  c.out(
    'sh',
    '-c',
    `set -e; d=$(mktemp -d); mkdir -p $d/DEBIAN; printf 'Package: ${name}\\nVersion: ${version}\\nArchitecture: all\\n` +
      `Maintainer: e2e <root@localhost>\\n${depends ? `Depends: ${depends}\\n` : ''}Description: e2e\\n' >$d/DEBIAN/control; ` +
      `dpkg-deb -b $d /root/${name}_${version}_all.deb >/dev/null; rm -rf $d`,
  );
const counts = (c) => {
  const lines = c.sh('cat', '/root/hookcount').stdout.split('\n').filter(Boolean);
  return { invoke: lines.filter((l) => l === 'pre-invoke').length, pkgs: lines.filter((l) => l === 'pkgs').length };
};
// The packages of the guard's last transaction, as `name:action`.
const lastTxn = (c) => status(c).transaction.packages.map((p) => `${p.name}:${p.action}`);

// node wrapped by a script that counts its starts (Linux runs a script as a script's interpreter).
const WRAP =
  'rm -f /root/node-starts; mv /usr/bin/node /usr/bin/node.real && ' +
  'printf \'#!/bin/sh\\necho "$*" >>/root/node-starts\\nexec /usr/bin/node.real "$@"\\n\' >/usr/bin/node && chmod 755 /usr/bin/node';
function nodeStarts(c, env) {
  c.out('sh', '-c', WRAP);
  try {
    // 2 s: the apt watcher's ExecStopPost runs once tail sees apt gone (it looks every second).
    apt(c, 'sh', '-c', `${env} apt-get install -y --reinstall hostname && sleep 2`);
  } finally {
    c.out('sh', '-c', 'mv /usr/bin/node.real /usr/bin/node');
  }
  return c.sh('cat', '/root/node-starts').stdout.split('\n').filter(Boolean);
}

export const cost = [
  [
    '18. apt runs Pre-Install-Pkgs in every dpkg run (reinstall, install, remove, install -f), and the guard opens each',
    (c) => {
      write(c, '/root/count-pkgs', '#!/bin/sh\ncat >/dev/null\necho pkgs >>/root/hookcount\n');
      c.out('chmod', '755', '/root/count-pkgs');
      write(
        c,
        '/etc/apt/apt.conf.d/00lab-hookcount',
        'DPkg::Pre-Invoke { "echo pre-invoke >>/root/hookcount"; };\n' +
          'DPkg::Pre-Install-Pkgs { "/root/count-pkgs"; };\n' +
          'DPkg::Tools::Options::/root/count-pkgs::Version "3";\n',
      );
      deb(c, 'ngtest', '1.0');
      deb(c, 'ngbroken', '1.0', 'ngmissing');
      const runs = [
        ['reinstall', ['apt-get', 'install', '-y', '--reinstall', 'hostname'], 'hostname:install'],
        ['install', ['apt-get', 'install', '-y', '/root/ngtest_1.0_all.deb'], 'ngtest:install'],
        ['remove', ['apt-get', 'remove', '-y', 'ngtest'], 'ngtest:remove'],
        ['install -f', ['sh', '-c', 'dpkg -i /root/ngbroken_1.0_all.deb; apt-get install -f -y'], 'ngbroken:remove'],
      ];
      const seen = [];
      try {
        c.out('rm', '-f', '/root/hookcount');
        for (const [what, argv, pkg] of runs) {
          const before = counts(c);
          apt(c, ...argv);
          const n = counts(c);
          const [inv, pkgs] = [n.invoke - before.invoke, n.pkgs - before.pkgs];
          check(inv >= 1 && inv === pkgs, `${what}: ${inv} Pre-Invoke, ${pkgs} Pre-Install-Pkgs`);
          const t = lastTxn(c);
          check(t.includes(pkg), `${what}: the guard's last transaction has ${t.join(', ')}, not ${pkg}`);
          seen.push(`${what} ${inv}/${pkgs}`);
        }
      } finally {
        c.sh('sh', '-c', 'rm -f /etc/apt/apt.conf.d/00lab-hookcount; dpkg --purge ngtest ngbroken >/dev/null 2>&1');
      }
      return `Pre-Invoke/Pre-Install-Pkgs per apt run: ${seen.join(', ')}; each dpkg run a transaction of the guard's with its packages`;
    },
  ],
  [
    '18. node processes per no-op dpkg run: the two snapshots; APT_NETGUARD_DISABLE=1: none',
    (c) => {
      const on = nodeStarts(c, '');
      const hooks = on.map((l) => l.split(' ').slice(1, 3).join(' '));
      check(
        hooks.join(',') === 'hook pre-install-pkgs,hook post-invoke',
        `${on.length} node starts: ${hooks.join('; ')}`,
      );
      const off = nodeStarts(c, 'APT_NETGUARD_DISABLE=1');
      check(off.length === 0, `disabled: ${off.length} node starts: ${off.join('; ')}`);
      check(
        c.out('journalctl', '-t', 'apt-netguard', '-o', 'cat', '-n', '50').includes('APT_NETGUARD_DISABLE=1'),
        'the disabled run is not in the journal',
      );
      return `no-op reinstall: ${on.length} node starts (${hooks.join(', ')}); disabled: 0, one journal line`;
    },
  ],
];
