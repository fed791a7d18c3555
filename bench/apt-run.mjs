#!/usr/bin/env node
// The guard's cost per dpkg run (issue 18), in a booted container with the .deb installed by apt:
// interleaved pairs of a no-op `apt-get install --reinstall hostname`, guard on against the guard's
// apt.conf.d files moved aside; node -e 0 and `apt-netguard snapshot` there; node processes per run;
// a MinimalSteps unattended-upgrade of 10 packages, on against off. One run; prints figures; asserts nothing.
// Usage: node bench/apt-run.mjs [--suite bookworm|trixie]   (PAIRS=11, UU_PAIRS=3)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEB, boot, buildRootfs, installDeb } from '../test/helpers/container.mjs';
import { median } from './median.mjs';

const C = new URL('../test/container/', import.meta.url).pathname;
const PAIRS = Number(process.env.PAIRS ?? 11);
const UU_PAIRS = Number(process.env.UU_PAIRS ?? 3);
const at = process.argv.indexOf('--suite');
const suite = at > 0 ? process.argv[at + 1] : 'bookworm';
if (process.getuid?.() !== 0) {
  console.log('bench: needs root (it boots a container); not run');
  process.exit(1);
}

buildRootfs(suite, ['ignore', 'ignore', 'inherit']);
const c = boot('bench-apt', DEB, undefined, suite);
// ms of a shell snippet, measured inside the container (no nsenter cost in the figure).
const timed = (script) => {
  const r = spawnSync(
    'bash',
    [
      join(C, 'boot.sh'),
      'exec',
      c.name,
      'sh',
      '-c',
      `a=$(date +%s%N); ${script}; s=$?; b=$(date +%s%N); echo $(( (b - a) / 1000 )) >&3; exit $s`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0) throw new Error(`${script}: exit ${r.status}: ${r.stderr.slice(-500)}`);
  return Number(r.output[3].trim()) / 1000;
};
const HOOKS = '20apt-netguard 20apt-netguard-pkgs 99zz-apt-netguard';
const aside = () => c.out('sh', '-c', `mkdir -p /root/aside && cd /etc/apt/apt.conf.d && mv ${HOOKS} /root/aside/`);
const back = () => c.out('sh', '-c', `cd /root/aside && mv ${HOOKS} /etc/apt/apt.conf.d/`);
// Guard off: its apt hooks moved aside (the policy-rc.d gate stays, and lets everything through).
const off = (fn) => {
  aside();
  try {
    return fn();
  } finally {
    back();
  }
};
const REINSTALL = 'apt-get install -y --reinstall hostname >/dev/null 2>&1';
const f1 = (x) => x.toFixed(1).padStart(8);

try {
  installDeb(c);
  // A settled host: the watch has taken its first baseline, and the code caches are warm, as on a
  // host after its first upgrade.
  c.sh(
    'sh',
    '-c',
    'for i in $(seq 300); do [ -e /var/lib/apt-netguard/watch-baseline.json ] && break; sleep 0.1; done',
  );
  for (let i = 0; i < 2; i++) (timed(REINSTALL), off(() => timed(REINSTALL)));
  const on = [];
  const bare = [];
  const snaps = [];
  const nodes = [];
  const SNAP = 'apt-netguard snapshot --state-dir /tmp/bench-snaps >/dev/null';
  for (let i = 0; i < PAIRS; i++) {
    // Interleaved, the order alternating, so that drift in the machine's load falls on both; the
    // snapshot and node -e 0 inside the same loop, so that the ratio's two sides share that drift too.
    if (i % 2) (on.push(timed(REINSTALL)), bare.push(off(() => timed(REINSTALL))));
    else (bare.push(off(() => timed(REINSTALL))), on.push(timed(REINSTALL)));
    snaps.push(timed(SNAP), timed(SNAP));
    nodes.push(timed('node -e 0'));
  }
  const node0 = median(nodes);
  const snap = median(snaps);
  // Two estimates of the overhead: the difference of the medians, and the median of each pair's
  // difference (which cancels drift between pairs). The target is judged on both.
  const overhead = median(on) - median(bare);
  const paired = median(on.map((x, i) => x - bare[i]));
  const target = 1.3 * 2 * snap;

  // Node processes per dpkg run: node wrapped by a script that counts its starts (Linux runs a
  // script as another script's interpreter). The watcher's ExecStopPost is counted too: 2 s after.
  const count = (env) => {
    c.out(
      'sh',
      '-c',
      'rm -f /root/node-starts; mv /usr/bin/node /usr/bin/node.real && printf \'#!/bin/sh\\necho "$*" >>/root/node-starts\\nexec /usr/bin/node.real "$@"\\n\' >/usr/bin/node && chmod 755 /usr/bin/node',
    );
    try {
      c.out('sh', '-c', `${env} ${REINSTALL}; sleep 2`);
    } finally {
      c.out('sh', '-c', 'mv /usr/bin/node.real /usr/bin/node');
    }
    const lines = c.sh('cat', '/root/node-starts').stdout.split('\n').filter(Boolean);
    return { n: lines.length, what: lines.map((l) => l.split(' ').slice(1, 3).join(' ')).join('; ') };
  };
  const procs = count('');
  const disabled = count('APT_NETGUARD_DISABLE=1');

  // unattended-upgrade, MinimalSteps: 10 small packages from a local repository, 1.0 -> 1.1.
  c.out(
    'sh',
    '-c',
    [
      'set -e; rm -rf /srv/bench /tmp/bp; mkdir -p /srv/bench/new /srv/bench/old',
      'for i in $(seq 10); do for v in 1.0 1.1; do d=/tmp/bp/p$i-$v; mkdir -p $d/DEBIAN $d/usr/share/ngbench',
      'printf "Package: ngbench-p$i\\nVersion: $v\\nArchitecture: all\\nMaintainer: bench <root@localhost>\\nDescription: bench package\\n" >$d/DEBIAN/control',
      'echo $v >$d/usr/share/ngbench/p$i; dpkg-deb -b $d /srv/bench/$([ $v = 1.0 ] && echo old || echo new)/ >/dev/null; done; done',
      'cd /srv/bench/new && apt-ftparchive packages . > Packages && apt-ftparchive -o APT::FTPArchive::Release::Origin=ngbench release . > Release',
      'echo "deb [trusted=yes] file:/srv/bench/new ./" > /etc/apt/sources.list.d/ngbench.list',
      'apt-get update -qq -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/ngbench.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0',
      'printf \'Unattended-Upgrade::Origins-Pattern { "origin=ngbench"; };\\nUnattended-Upgrade::MinimalSteps "true";\\n\' > /etc/apt/apt.conf.d/51ngbench',
    ].join('\n'),
  );
  const downgrade = () => c.out('sh', '-c', 'dpkg -i /srv/bench/old/*.deb >/dev/null');
  const UU = 'unattended-upgrade >/dev/null 2>&1 && [ "$(cat /usr/share/ngbench/p10)" = 1.1 ]';
  const uuOn = [];
  const uuOff = [];
  for (let i = 0; i < UU_PAIRS; i++) {
    // The order alternates, as for the pairs above.
    const runOn = () => (downgrade(), uuOn.push(timed(UU)));
    const runOff = () => (downgrade(), uuOff.push(off(() => timed(UU))));
    if (i % 2) (runOff(), runOn());
    else (runOn(), runOff());
  }
  const uuOver = median(uuOn) - median(uuOff);
  const uuPaired = median(uuOn.map((x, i) => x - uuOff[i]));

  const rel = c.out('sh', '-c', '. /etc/os-release; echo "$PRETTY_NAME, node $(node --version)"').trim();
  console.log(`apt-netguard per dpkg run (issue 18): ${rel}, booted container, ms, medians\n`);
  console.log(`no-op reinstall of hostname, ${PAIRS} interleaved pairs`);
  console.log(`  guard on  ${f1(median(on))}   runs ${on.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  guard off ${f1(median(bare))}   runs ${bare.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  overhead  ${f1(overhead)}   ratio on/off ${(median(on) / median(bare)).toFixed(2)}`);
  console.log(`  overhead, median of the ${PAIRS} pair differences ${f1(paired)}`);
  console.log(`node -e 0 ${f1(node0)}   apt-netguard snapshot ${f1(snap)} (${snaps.length} runs, between the pairs)`);
  for (const [what, x] of [
    ['difference of medians', overhead],
    ['median of pair differences', paired],
  ])
    console.log(
      `overhead / (2 x snapshot), ${what}: ${(x / (2 * snap)).toFixed(2)}   target ≤ 1.30 (overhead ≤ ${target.toFixed(1)})`,
    );
  console.log(`node processes per no-op dpkg run: ${procs.n} (target ≤ 2): ${procs.what || '-'}`);
  console.log(`  with APT_NETGUARD_DISABLE=1: ${disabled.n} (target 0)`);
  console.log(`unattended-upgrade, MinimalSteps, 10 packages, ${UU_PAIRS} pairs`);
  console.log(`  guard on  ${f1(median(uuOn))}   off ${f1(median(uuOff))}   overhead ${f1(uuOver)}`);
  console.log(`  runs on ${uuOn.map((x) => x.toFixed(0)).join(' ')}   off ${uuOff.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  overhead, median of the ${UU_PAIRS} pair differences ${f1(uuPaired)}`);
  console.log(`  target: overhead ≤ 10 × ${target.toFixed(1)} = ${(10 * target).toFixed(1)}`);
} finally {
  c.stop();
}
