#!/usr/bin/env node
// The main job, shown: two identical Debian hosts booted with systemd-nspawn, one without and one
// with apt-netguard (the built .deb, installed by apt). The 2026-05-02 and 2026-03-26 upgrades are
// played on both, and what they left is shown side by side. Root; scripts/demo.sh builds what it needs.
// Usage: demo.mjs [--suite trixie|bookworm] [DEB]    (default: trixie, Debian's current stable)
import { existsSync, readFileSync } from 'node:fs';
import { apt, host, look, repairByHand } from './demo/lab.mjs';

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const args = process.argv.slice(2);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'trixie';
const deb =
  args.find((a, i) => a !== '--suite' && args[i - 1] !== '--suite') ??
  new URL(`../dist/apt-netguard_${version}_all.deb`, import.meta.url).pathname;
if (!existsSync(deb) || !['trixie', 'bookworm'].includes(suite)) {
  console.error(`usage: demo.mjs [--suite trixie|bookworm] [DEB]   (npm run deb builds ${deb})`);
  process.exit(2);
}
// What each release is, and how the 2026-05-02 mechanism (networkd restarted mid-upgrade) reaches it.
const RELEASE = {
  bookworm: {
    name: 'Debian 12 bookworm',
    parts: 'systemd 252, nodejs 18',
    held: 'kmod: none needed, the restart is vetoed',
    first: [
      'kmod upgrade; needrestart restarts networkd, which flushes the throw route (3 h 28 min down)',
      ['env', 'NEEDRESTART_MODE=a', 'apt-get', 'install', '-y', '--reinstall', 'libkmod2'],
    ],
  },
  trixie: {
    name: 'Debian 13 trixie',
    parts: 'systemd 257, nodejs 20',
    held: "libc6: the trigger's networkd restart, done by the guard after dpkg",
    // NOTE: systemd 257 dlopen()s libkmod, so a kmod upgrade no longer restarts networkd (mechanisms.md);
    // a libc6 upgrade does, through systemd's libc-upgrade trigger, with no policy-rc.d asked.
    first: [
      "the same mechanism on Debian 13: a libc6 update; systemd's libc-upgrade trigger restarts networkd mid-dpkg",
      ['apt-get', 'install', '-y', '--reinstall', 'libc6'],
    ],
  },
}[suite];

const L = 11,
  W = 33;
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const fit = (s) => (s.length > W ? `${s.slice(0, W - 1)}…` : s.padEnd(W));
function side(label, a, b) {
  for (let i = 0; i < Math.max(a.length, b.length, 1); i++)
    console.log(`${(i ? '' : label).padEnd(L)}${fit(a[i] ?? '')} │ ${fit(b[i] ?? '')}`);
}
const reach = (ok) => (ok ? 'reachable' : 'UNREACHABLE');
function status(s) {
  if (!s) return ['(not installed)'];
  const lines = [`exit ${s.code}: ${s.ok ? 'OK' : s.problems.join('; ')}`];
  if (s.restore)
    lines.push(
      `last restore: ${s.restore.state}`,
      ...s.restore.steps.map((x) => ` ${x.status === 'done' ? '✓' : '✗'} ${x.id.replace('.service', '')}`),
    );
  return lines;
}
function show(a, b, runs) {
  if (runs) {
    side(
      'apt',
      [`exit ${runs[0].code}, ${runs[0].s.toFixed(1)} s`],
      [`exit ${runs[1].code}, ${runs[1].s.toFixed(1)} s`],
    );
    side('restarted', [runs[0].restarted.join(', ') || 'none'], [runs[1].restarted.join(', ') || 'none']);
  }
  side('table 52', a.t52, b.t52);
  side('rules', [`${a.prefs.join(' ')} (${a.prefs.length} of 4)`], [`${b.prefs.join(' ')} (${b.prefs.length} of 4)`]);
  side(
    'nft fwd',
    a.nft.map((l) => (a.stale ? `${l} STALE` : l)),
    b.nft.map((l) => (b.stale ? `${l} STALE` : l)),
  );
  side('host → ct', [reach(a.local)], [reach(b.local)]);
  side('tailnet→ct', [reach(a.tailnet)], [reach(b.tailnet)]);
  side('status', status(a.status), status(b.status));
}

console.log(`${bold('apt-netguard demo')}: what an unattended upgrade does to a Tailscale subnet router.
${bold(`Release: ${RELEASE.name}`)} (--suite bookworm|trixie picks another).
Two identical ${RELEASE.name} hosts (${RELEASE.parts}, needrestart, booted with systemd-nspawn). Each has
tailscale0 with an exit node: table 52 sends everything to it, except \`throw 10.10.10.0/24\`, which
keeps the containers' subnet local. Rules 5210-5270 point at table 52. An nft forward chain (policy
drop) lets tailscale0 <-> lan0 through by iif/oif. A container sits at 10.10.10.2 behind a veth.
"host → ct": the host pings it. "tailnet→ct": a tailnet peer (100.64.0.2) pings it through tailscale0.
Left: without apt-netguard.  Right: with apt-netguard ${version} installed by apt.`);
const t0 = Date.now();
const hosts = [host('plain', null, suite), host('guarded', deb, suite)];
const result = [];
try {
  console.log(`\n${bold('== Before')}`);
  show(look(hosts[0]), look(hosts[1]));
  const incidents = [
    ['2026-05-02', ...RELEASE.first],
    [
      '2026-03-26',
      'tailscale upgrade; tailscaled restarts, tailscale0 gets a new ifindex, nft iif/oif go stale (4 h 33 min down)',
      ['apt-get', 'install', '-y', '/root/tailscale_1.1_all.deb'],
    ],
  ];
  for (const [day, what, argv] of incidents) {
    console.log(`\n${bold(`== ${day}: ${what}`)}\n   # ${argv.join(' ')}`);
    const runs = hosts.map((c) => apt(c, argv));
    const seen = hosts.map(look);
    show(seen[0], seen[1], runs);
    result.push({ day, runs, seen });
    console.log(
      '   left: it stays like this until someone notices. Here: repaired by hand, as the incident was:\n   # systemctl restart tailscaled; systemctl reload lab-firewall',
    );
    repairByHand(hosts[0]);
  }
} finally {
  for (const c of hosts) c.stop();
}

const up = (s) => s.local && s.tailnet;
const what = (s) =>
  up(s)
    ? 'containers reachable'
    : !s.tailnet && !s.local
      ? 'containers UNREACHABLE'
      : s.stale
        ? 'forwarding BLOCKED (stale iif)'
        : 'tailnet→ct UNREACHABLE';
console.log(`\n${bold('== Summary')}`);
side('', ['without apt-netguard'], ['with apt-netguard']);
for (const r of result) {
  const [a, b] = r.seen;
  const steps =
    b.status?.restore?.steps
      .filter((x) => !x.id.startsWith('settle'))
      .map((x) => x.id.split(' ')[1].replace('.service', '').replace('systemd-', '')) ?? [];
  const guard = r.runs[1].restarted.length
    ? [`restore ${b.status?.restore?.state}:`, steps.join(' → ')]
    : ['restarts vetoed:', [...new Set(b.status?.vetoed.map((u) => u.replace('.service', '')))].join(', ') || 'none'];
  side(r.day, [what(a), `restarted by apt: ${r.runs[0].restarted.join(', ')}`], [what(b), ...guard]);
}
// As expected: each upgrade broke the plain host and not the guarded one, and apt exited 0 on both.
const ok = result.every((r) => !up(r.seen[0]) && up(r.seen[1]) && r.runs.every((x) => x.code === 0));
console.log(`
Without the guard both upgrades "succeeded" (apt exit 0) and silently cut the containers off the
tailnet; the real outages lasted hours. With it, apt still exits 0, but the restarts that break
routing are held during dpkg (${RELEASE.held}; tailscale: tailscaled),
then done in the right order once networkd has settled (tailscaled, then the firewall that matches
tailscale0 by index),
and the result is checked against the snapshot taken before dpkg ran. \`apt-netguard status\` says so;
when it cannot restore, it alerts and status exits 1.
demo: ${ok ? 'as expected' : 'NOT as expected'} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(ok ? 0 : 1);
