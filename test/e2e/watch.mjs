// Issue 16's scenarios: the watch service, enabled by the .deb's install, against breakage outside
// apt runs (and one apt run beside it). They share one container with the rest of the suite, so
// each leaves the host as it found it, with the watch's baseline taken again where it changed it.
import { invocation, table52 } from '../helpers/container.mjs';
import { CONFIG, apt, check, configWith, intact, nftResolves, status, write } from './scenarios.mjs';

const CONF = '/etc/apt-netguard/config.yaml';
const STATE = '/var/lib/apt-netguard';
// Polls a shell condition inside the container every 50 ms for up to `s` seconds; the wall-clock ms
// it took (a poll itself may cost hundreds of ms), or null.
export function within(c, s, cond) {
  const r = c.sh(
    'sh',
    '-c',
    `s0=$(date +%s%N); until ${cond}; do sleep 0.05; [ $(( $(date +%s%N) - s0 )) -ge ${s}000000000 ] && exit 1; done; ` +
      'echo $(( ($(date +%s%N) - s0) / 1000000 ))',
  );
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}
// A condition on `apt-netguard status --json`'s last restore (r), as a shell command.
const restoreIs = (js) =>
  `apt-netguard status --json | node -e 'const r = JSON.parse(require("fs").readFileSync(0)).restore; process.exit(r && (${js}) ? 0 : 1)'`;
// The last restore is the watch's, verified, and not the one with id `not`.
const watchVerified = (not = '') =>
  restoreIs(`r.trigger.kind === "watch" && r.state === "verified" && r.id !== "${not}"`);
const RESOLVES = `nft -j list ruleset | grep -q '"right": "tailscale0"' && ! nft -j list ruleset | grep -Eq '"right": "[0-9]+"'`;
// The watch's own journal lines, counted.
const journal = (c) => c.out('journalctl', '-u', 'apt-netguard-watch', '-o', 'cat', '--no-pager');
const acted = (c, sig = '') => (journal(c).match(new RegExp(`watch: acted on ${sig}`, 'g')) ?? []).length;
const watchDoc = (c) => JSON.parse(c.out('cat', `${STATE}/watch.json`));
const backend = (c) => JSON.parse(c.out('tailscale', 'status', '--json')).BackendState;
// Alerts the loopback webhook received (test/container/scenarios/webhook.mjs).
const hooks = (c) =>
  c
    .sh('cat', '/root/webhook.log')
    .stdout.split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).body);
const WEBHOOK = 'alerts:\n  webhook:\n    url: http://127.0.0.1:8099/hook\n';
function webhook(c) {
  if (c.sh('systemctl', 'is-active', 'lab-webhook').stdout.trim() !== 'active')
    c.out(
      'systemd-run',
      '-q',
      '--unit=lab-webhook',
      'node',
      '/root/scenarios/webhook.mjs',
      '8099',
      '/root/webhook.log',
    );
  check(within(c, 10, 'bash -c "exec 3<>/dev/tcp/127.0.0.1/8099" 2>/dev/null') !== null, 'no webhook on loopback');
}
// The watch reads config.yaml when it starts, as a service does. This suite restarts it more often
// than its StartLimitBurst (5 starts in 10 min) allows; reset-failed clears that count, as an admin would.
function restartWatch(c, config) {
  write(c, CONF, config);
  c.out('systemctl', 'reset-failed', 'apt-netguard-watch');
  c.out('systemctl', 'restart', 'apt-netguard-watch');
  check(within(c, 20, `grep -q '"beatAt"' /run/apt-netguard/watch`) !== null, 'the watch did not start');
}
// The state now is right (the admin's accept), once tailscale is Running again.
function accept(c) {
  check(within(c, 20, `tailscale status --json | grep -q '"BackendState":"Running"'`) !== null, 'not Running');
  c.out('apt-netguard', 'accept');
}

export const watch = [
  [
    '11. watch: tailscaled kill -9 (systemd restarts it, new ifindex), then networkd restarted by hand',
    (c) => {
      restartWatch(c, CONFIG);
      const svc = status(c).watch.service;
      check(svc.running, `status does not see the watch running: ${svc.says}`);
      check(within(c, 20, `test -e ${STATE}/watch-baseline.json`) !== null, 'the watch took no baseline');
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
      return `status: ${svc.says}; iif resolves to tailscale0 ${ms} ms after kill -9 (watch restore verified); networkd by hand: ${s.restore.steps.map((x) => x.id).join(', ')}, verified; ${acted(c)} actions`;
    },
  ],
  [
    '12. watch: backend stuck in Starting after lan0 down/up: one restart and a webhook alert; then failing: one alert, suspended',
    (c) => {
      // A WAN for the default route the signature asks for (a veth pair: nothing leaves the container).
      c.out(
        'sh',
        '-c',
        'ip link add wan0 type veth peer name wan1 && ip link set wan1 up && ip link set wan0 up && ip addr add 192.0.2.2/24 dev wan0',
      );
      c.out('ip', 'route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'wan0');
      webhook(c);
      restartWatch(c, configWith({ rest: WEBHOOK }));
      accept(c);
      const before = status(c).restore?.id;
      const [a0, n0, ts0] = [acted(c, 'backend-stuck'), hooks(c).length, invocation(c, 'tailscaled.service')];
      const flap = 'ip link set lan0 down && sleep 0.5 && ip link set lan0 up';
      c.out('sh', '-c', `mkdir -p /etc/fake-tailscale && touch /etc/fake-tailscale/stuck-on-link-change && ${flap}`);
      check(backend(c) === 'Starting', `the stand-in is ${backend(c)}, not stuck in Starting`);
      const ms = within(c, 60, watchVerified(before));
      check(ms !== null, `no verified watch restore: ${status(c).restore?.state}`);
      const first = status(c).restore;
      check(first.trigger.id.startsWith('backend-stuck@'), `restore for ${first.trigger.id}`);
      check(acted(c, 'backend-stuck') === a0 + 1, 'not exactly one action');
      check(invocation(c, 'tailscaled.service') !== ts0 && backend(c) === 'Running', 'tailscaled not restarted');
      const sent = hooks(c).slice(n0);
      check(sent.length === 1 && /backend-stuck/.test(sent[0].summary), `webhook got ${JSON.stringify(sent)}`);

      // The stand-in that cannot connect at all: one restart, one alert, then hands off.
      const [a1, n1] = [acted(c, 'backend-stuck'), hooks(c).length];
      c.out('sh', '-c', `touch /etc/fake-tailscale/fail-start && ${flap}`);
      const ended = within(c, 90, restoreIs(`r.id !== "${first.id}" && r.state !== "running"`));
      check(ended !== null, 'no second watch restore ended');
      const failed = status(c).restore;
      check(failed.trigger.kind === 'watch' && failed.state === 'failed', `second restore: ${failed.state}`);
      const ts2 = invocation(c, 'tailscaled.service');
      c.out('sleep', '16'); // three heartbeats
      check(invocation(c, 'tailscaled.service') === ts2, 'tailscaled restarted again within the hour');
      check(acted(c, 'backend-stuck') === a1 + 1, `${acted(c, 'backend-stuck') - a1} actions, not 1`);
      const alerts = hooks(c).slice(n1);
      check(alerts.length === 1, `${alerts.length} alerts for the failure, not 1: ${JSON.stringify(alerts)}`);
      const s = status(c);
      check(s.code === 1 && s.problems.some((p) => /backend-stuck suspended/.test(p)), `status: ${s.problems}`);

      // The admin fixes it and runs restore: the suspension is lifted, and all is verified again.
      c.out('rm', '-f', '/etc/fake-tailscale/fail-start', '/etc/fake-tailscale/stuck-on-link-change');
      c.out('systemctl', 'restart', 'tailscaled');
      check(within(c, 30, RESOLVES) !== null, 'iif not resolved after the fix');
      check(within(c, 30, restoreIs('r.state !== "running"')) !== null, 'a restore is still running');
      check(c.sh('apt-netguard', 'restore', '--since', `${STATE}/watch-baseline.json`).status === 0, 'restore failed');
      check(
        within(c, 20, `! grep -q '"suspended"' ${STATE}/watch.json`) !== null,
        `still suspended: ${JSON.stringify(watchDoc(c).incidents)}`,
      );
      c.out('ip', 'link', 'del', 'wan0');
      restartWatch(c, CONFIG);
      accept(c);
      check(status(c).code === 0, `status not 0 after the fix: ${status(c).problems}`);
      return `stuck: one restart, verified ${ms} ms after lan0 came back (reconnect-after 10 s, heartbeat 5 s), Running, 1 webhook alert; failing: 1 restart, 1 alert, none more in 16 s, status 1 (suspended) until the admin's restore`;
    },
  ],
  [
    '13. watch: a socket on the Tailscale IP (no FreeBind) across a container reboot',
    (c) => {
      write(
        c,
        '/etc/systemd/system/lab-echo.socket',
        '[Unit]\nDescription=lab: a socket bound to the Tailscale IP without FreeBind (ssh-socket incident)\n' +
          '[Socket]\nListenStream=100.64.0.1:2222\nAccept=yes\n[Install]\nWantedBy=sockets.target\n',
      );
      write(
        c,
        '/etc/systemd/system/lab-echo@.service',
        '[Service]\nExecStart=/bin/echo lab-echo\nStandardOutput=socket\n',
      );
      write(c, '/etc/apt-netguard/policies.d/60-lab-echo.yaml', 'units:\n  lab-echo.socket:\n    listens: [":2222"]\n');
      c.out('systemctl', 'daemon-reload');
      c.out('systemctl', 'enable', '--now', 'lab-echo.socket');
      accept(c);
      check(c.out('ss', '-Hltn', 'sport = :2222').includes('100.64.0.1:2222'), 'lab-echo not listening');
      const t0 = Date.now();
      c.reboot();
      const boot = Date.now() - t0;
      const ms = within(c, 60, `ss -Hltn 'sport = :2222' | grep -q 100.64.0.1:2222`);
      check(ms !== null, `not listening after boot: ${c.sh('systemctl', 'status', 'lab-echo.socket').out}`);
      check(within(c, 30, watchVerified()) !== null, `no verified watch restore: ${status(c).restore?.state}`);
      const r = status(c).restore;
      check(r.trigger.id.startsWith('listener-gone@'), `the restore was for ${r.trigger.id}`);
      const bootLog = c.out('journalctl', '-b', '-u', 'lab-echo.socket', '-o', 'cat', '--no-pager');
      check(
        /Cannot assign requested address|Failed to listen/.test(bootLog),
        `the socket did not fail at boot: ${bootLog}`,
      );
      const hello = c.out('bash', '-c', 'exec 3<>/dev/tcp/100.64.0.1/2222 && cat <&3');
      check(hello.trim() === 'lab-echo', `connect to 100.64.0.1:2222 gave ${JSON.stringify(hello)}`);
      intact(c);
      nftResolves(c);
      c.out('systemctl', 'disable', '--now', 'lab-echo.socket');
      c.out('rm', '/etc/apt-netguard/policies.d/60-lab-echo.yaml');
      accept(c);
      return `reboot ${boot} ms; the socket failed at boot (no IP yet); the watch restarted it (${r.steps.map((x) => x.id).join(', ')}), verified; TCP to 100.64.0.1:2222 answered, ${ms} ms after boot`;
    },
  ],
  [
    '14. watch: tailscale prefs changed on purpose (exit node, advertised routes): no restore, a new baseline',
    (c) => {
      const before = status(c).restore?.id;
      const a0 = acted(c);
      const at0 = watchDoc(c).baselineAt;
      c.out('tailscale', 'set', '--exit-node=nLabExit', '--advertise-routes=10.20.0.0/16');
      const rebased = (after) =>
        `grep -q "prefs changed" ${STATE}/watch.json && ! grep -q '"${after}"' ${STATE}/watch.json`;
      check(within(c, 20, rebased(at0)) !== null, `no new baseline: ${watchDoc(c).baselineWhy}`);
      const at1 = watchDoc(c).baselineAt;
      // The exit node off again: table 52 loses its default route, on purpose.
      c.out('tailscale', 'set', '--exit-node=', '--advertise-routes=');
      check(within(c, 20, rebased(at1)) !== null, `no second new baseline: ${watchDoc(c).baselineWhy}`);
      c.out('sleep', '6'); // a heartbeat
      check(!/default/.test(table52(c)), 'the exit node route came back');
      check(acted(c) === a0 && status(c).restore?.id === before, 'the watch acted on a deliberate change');
      intact(c);
      return `baseline taken again twice ("tailscale's prefs changed"), the default route left out of table 52, no restore`;
    },
  ],
  [
    '15. watch: a tailscale upgrade through apt with the watch running gives one restore, not two',
    (c) => {
      c.out('/root/scenarios/fake-tailscale-deb.sh', '1.2.3', '/root');
      const count = () => Number(c.out('sh', '-c', `ls ${STATE}/restore | grep -c 'restore.json$' || true`).trim());
      const [r0, a0] = [count(), acted(c)];
      const ts = invocation(c, 'tailscaled.service');
      apt(c, 'apt-get', 'install', '-y', '/root/tailscale_1.2.3_all.deb');
      c.out('sleep', '12'); // two heartbeats and the netlink events of the restart
      const s = status(c);
      check(invocation(c, 'tailscaled.service') !== ts, 'tailscaled not restarted');
      check(s.restore.trigger.kind === 'txn' && s.restore.state === 'verified', `restore: ${s.restore.trigger.kind}`);
      check(count() === r0 + 1 && acted(c) === a0, `${count() - r0} restores, ${acted(c) - a0} watch actions`);
      check(/verified restore \(txn/.test(watchDoc(c).baselineWhy), `baseline: ${watchDoc(c).baselineWhy}`);
      nftResolves(c);
      return `1 restore (the hook's, verified), 0 watch actions; the watch's baseline is the hook's verified result`;
    },
  ],
  [
    '16. watch: tailscale0 recreated every 2 s for 60 s: at most max-per-hour actions, one alert, suspended',
    (c) => {
      // A fresh hour for the watch (its count of this suite's earlier actions goes), with the default limit.
      webhook(c);
      c.out('systemctl', 'stop', 'apt-netguard-watch');
      c.out('rm', '-f', `${STATE}/watch.json`);
      restartWatch(c, configWith({ watch: '  max-per-hour: 3\n', rest: WEBHOOK }));
      check(within(c, 20, `grep -q baselineAt ${STATE}/watch.json`) !== null, 'no watch state');
      const [a0, n0] = [acted(c), hooks(c).length];
      const recreate =
        'ip link del tailscale0; ip tuntap add dev tailscale0 mode tun; ip link set tailscale0 up; ' +
        'ip addr add 100.64.0.1/32 dev tailscale0; ip route add 100.64.0.0/10 dev tailscale0 table 52';
      c.out('sh', '-c', `for i in $(seq 30); do ${recreate}; sleep 2; done`);
      const actions = acted(c) - a0;
      c.out('sleep', '10');
      const alerts = hooks(c).slice(n0);
      const s = status(c);
      check(actions <= 3 && acted(c) - a0 === actions, `${actions} actions, then ${acted(c) - a0 - actions} more`);
      check(alerts.length === 1 && /max-per-hour/.test(alerts[0].summary), `alerts: ${JSON.stringify(alerts)}`);
      check(s.code === 1 && s.problems.some((p) => /suspended/.test(p)), `status: ${s.problems}`);
      // Back to normal: the ruleset reloaded by hand, and a fresh watch.
      c.out('systemctl', 'reload-or-restart', 'lab-firewall');
      c.out('systemctl', 'stop', 'apt-netguard-watch');
      c.out('rm', '-f', `${STATE}/watch.json`);
      restartWatch(c, CONFIG);
      accept(c);
      return `30 recreations: ${actions} actions, 1 alert (${alerts[0].summary.slice(0, 60)}...), status 1 (suspended), none more in 10 s`;
    },
  ],
];
