// The demo's two hosts: the e2e container, made into the incident hosts' shape, and what to look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot, invocation } from '../../test/helpers/container.mjs';

const TS = '/usr/local/lib/fake-tailscale';

// Before boot: an exit node in use (table 52 gets `default dev tailscale0`), and networkd told to keep
// foreign ip rules, as the 2026-05-02 host was after its 2026-04-10 incident.
// NOTE: the real tailscaled re-adds deleted rules itself (mechanisms.md); the stand-in does not, so
// without this networkd would drop rule 5270 and table 52 would not be consulted at all.
function prepare(root) {
  mkdirSync(join(root, 'etc/fake-tailscale'), { recursive: true });
  writeFileSync(join(root, 'etc/fake-tailscale/exit-node'), '');
  mkdirSync(join(root, 'etc/systemd/networkd.conf.d'), { recursive: true });
  writeFileSync(
    join(root, 'etc/systemd/networkd.conf.d/tailscale.conf'),
    '[Network]\nManageForeignRoutingPolicyRules=no\n',
  );
}

// Boots a host of the suite; with a .deb, apt installs apt-netguard on it. Both get tailscale 1.0 first.
export function host(tag, deb, suite) {
  const c = boot(`demo-${tag}`, deb, prepare, suite);
  // The containers' subnet: lan1 in its own namespace at 10.10.10.2, behind the veth from lan0.
  c.out(
    'sh',
    '-c',
    [
      'set -e; ip netns add incus1; ip link set lan1 netns incus1',
      'ip -n incus1 addr add 10.10.10.2/24 dev lan1; ip -n incus1 link set lan1 up; ip -n incus1 link set lo up',
      'ip -n incus1 route add default via 10.10.10.1; echo 1 > /proc/sys/net/ipv4/ip_forward',
      `for v in 1.0 1.1; do /root/scenarios/fake-tailscale-deb.sh $v /root; done`,
      'apt-get install -y -qq /root/tailscale_1.0_all.deb >/dev/null 2>&1',
      // tailscale 1.0's own postinst restart left the nft rules stale: start from a working host.
      'systemctl restart tailscaled; systemctl reload lab-firewall',
    ].join('\n'),
  );
  if (deb) c.out('apt-get', 'install', '-y', '-qq', `/root/${deb.split('/').pop()}`);
  return c;
}

// Runs an apt command and says how long it took and what it exited with.
const WATCHED = { networkd: 'systemd-networkd.service', tailscaled: 'tailscaled.service' };
export function apt(c, argv) {
  const before = Object.fromEntries(Object.entries(WATCHED).map(([short, unit]) => [short, invocation(c, unit)]));
  const t0 = Date.now();
  const r = c.sh(...argv);
  const restarted = Object.entries(WATCHED)
    .filter(([short, unit]) => invocation(c, unit) !== before[short])
    .map(([short]) => short);
  return { code: r.status, s: (Date.now() - t0) / 1000, restarted, out: r.out };
}

// What the side-by-side shows of a host.
export function look(c) {
  // `linkdown`: nothing holds the stand-in's TUN open (the real tailscaled does); not shown.
  const t52 = c
    .out('ip', 'route', 'show', 'table', '52')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/ scope link| linkdown/g, '').trim());
  const prefs = c
    .out('ip', 'rule')
    .split('\n')
    .filter((l) => /^52[1-7]0:/.test(l))
    .map((l) => l.slice(0, 4));
  const nft = c
    .sh('nft', 'list', 'chain', 'inet', 'filter', 'forward')
    .stdout.split('\n')
    .filter((l) => /\b[io]if\b/.test(l))
    .map((l) =>
      l
        .trim()
        .replace(/ comment ".*"/, '')
        .replace(/ accept$/, ''),
    );
  // A stale index shows as a bare number: nft prints the name only while the index resolves.
  const stale = nft.some((l) => /\b[io]if \d+/.test(l));
  const local = c.sh('ping', '-c1', '-W1', '-q', '10.10.10.2').status === 0;
  const tailnet = c.sh(`${TS}/tailnet-ping`, '100.64.0.2', '10.10.10.2', '1').status === 0;
  const st = c.sh('apt-netguard', 'status', '--json');
  let status = null;
  if (st.status !== 127) {
    const j = JSON.parse(st.stdout);
    const vetoed = (j.transaction?.decisions ?? []).filter((d) => d.action === 'veto').map((d) => d.unit);
    status = {
      code: st.status,
      ok: j.ok,
      problems: j.problems,
      vetoed,
      restore: j.restore && {
        state: j.restore.state,
        steps: j.restore.steps.map((s) => ({ id: s.id, status: s.status })),
      },
    };
  }
  return { t52, prefs, nft, stale, local, tailnet, status };
}

// A person notices, hours later, and does what the incident reports did by hand.
export function repairByHand(c) {
  c.out('sh', '-c', 'systemctl restart tailscaled && systemctl reload lab-firewall');
}
