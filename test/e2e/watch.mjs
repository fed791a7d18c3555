// Issue 16's scenarios that need the service, as far as it is built: the watch enabled by the admin,
// then a tailscaled crash (kill -9; systemd brings it back with a new tailscale0) and networkd
// restarted by hand, with no apt run. The watch is stopped again before the faults.
import { invocation } from '../helpers/container.mjs';
import { check, intact, nftResolves, status } from './scenarios.mjs';

// Polls a shell condition inside the container every 50 ms for up to `s` seconds; ms taken, or null.
function within(c, s, cond) {
  const r = c.sh(
    'sh',
    '-c',
    `t=0; until ${cond}; do sleep 0.05; t=$((t+1)); [ $t -ge ${s * 20} ] && exit 1; done; echo $t`,
  );
  return r.status === 0 ? Number(r.stdout.trim()) * 50 : null;
}
// The last restore is the watch's, verified, and (optionally) not the one with id `not`.
const watchVerified = (not = '') =>
  `apt-netguard status --json | node -e 'const s = JSON.parse(require("fs").readFileSync(0)); const r = s.restore; process.exit(r && r.trigger.kind === "watch" && r.state === "verified" && r.id !== "${not}" ? 0 : 1)'`;
const RESOLVES = `nft -j list ruleset | grep -q '"right": "tailscale0"' && ! nft -j list ruleset | grep -Eq '"right": "[0-9]+"'`;

export const watch = [
  [
    '11. watch service: tailscaled kill -9 (systemd restarts it, new ifindex), then networkd restarted by hand',
    (c) => {
      c.out('systemctl', 'enable', '--now', 'apt-netguard-watch.service');
      check(within(c, 20, 'test -e /var/lib/apt-netguard/watch-baseline.json') !== null, 'the watch took no baseline');
      const ts = invocation(c, 'tailscaled.service');
      const t0 = Date.now();
      c.out('systemctl', 'kill', '-s', 'KILL', '--kill-whom=main', 'tailscaled.service');
      check(
        within(c, 10, `[ "$(systemctl show -p InvocationID --value tailscaled)" != "${ts}" ]`) !== null,
        'not restarted',
      );
      check(within(c, 15, RESOLVES) !== null, 'nft iif/oif still stale 15 s after the crash');
      // From the kill to iif resolving again, as seen from outside (each poll costs an nsenter).
      const ms = Date.now() - t0;
      check(within(c, 20, watchVerified()) !== null, `no verified watch restore: ${status(c).restore?.state}`);
      let s = status(c);
      nftResolves(c);
      const nd = invocation(c, 'systemd-networkd.service');
      const before = s.restore.id;
      c.out('systemctl', 'restart', 'systemd-networkd.service');
      check(
        within(c, 40, watchVerified(before)) !== null,
        `no second verified watch restore: ${status(c).restore?.state}`,
      );
      s = status(c);
      check(invocation(c, 'systemd-networkd.service') !== nd, 'networkd was not restarted');
      intact(c);
      const acted = c
        .out('sh', '-c', 'journalctl -u apt-netguard-watch -o cat --no-pager | grep -c "watch: acted on" || true')
        .trim();
      c.out('systemctl', 'disable', '--now', 'apt-netguard-watch.service');
      return `iif resolves to tailscale0 ${ms} ms after kill -9 (watch restore verified); networkd by hand: ${s.restore.steps.map((x) => x.id).join(', ')}, verified; ${acted} actions`;
    },
  ],
];
