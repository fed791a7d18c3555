// Issue 17's scenario: `apt-netguard doctor` on a lab with every hazard planted
// (test/container/scenarios/doctor-plant.sh, plus the guard's own gates broken here), then --fix,
// a reboot, and the admin's own fixes. It leaves the lab as it found it (plant.sh cleanup).
import { check, status } from './scenarios.mjs';

const PLANT = '/root/scenarios/doctor-plant.sh';
const STATE = '/var/lib/apt-netguard';
const doctor = (c, ...args) => {
  const t0 = Date.now();
  const r = c.sh('apt-netguard', 'doctor', '--json', ...args);
  return { code: r.status, ms: Date.now() - t0, ...JSON.parse(r.stdout || '{}'), raw: r.out };
};
const ids = (d) => d.findings.map((f) => f.id);
// A finding with this id whose evidence has a line matching `re` (file:line or the command's line).
const has = (d, id, re) =>
  d.findings.some((f) => f.id === id && f.evidence.some((e) => re.test(`${e.file}:${e.line ?? ''}: ${e.text}`)));
const cycles = (c) => c.sh('systemd-analyze', 'verify', 'default.target').out;
const listening = (c, port) => c.sh('ss', '-Hltn', `sport = :${port}`).stdout.trim();

// The guard's own gates, broken the way another package or an admin breaks them; put back by mend().
const GATES =
  'mv /usr/sbin/policy-rc.d /root/policy-rc.d.saved && printf "#!/bin/sh\\nexit 0\\n" >/usr/sbin/policy-rc.d && ' +
  'chmod 755 /usr/sbin/policy-rc.d && mv /etc/apt/apt.conf.d/99zz-apt-netguard /root/ && ' +
  `cp ${STATE}/pending.json /root/pending.saved 2>/dev/null; ` +
  `printf '%s' '{"schemaVersion":1,"pending":[{"unit":"cron.service","mode":"defer","step":"restart",` +
  `"since":"2026-01-01T00:00:00.000Z","txn":"planted","reason":"doctor e2e"}]}' >${STATE}/pending.json && ` +
  'systemctl stop apt-netguard-watch';
const MEND =
  'rm /usr/sbin/policy-rc.d && mv /root/policy-rc.d.saved /usr/sbin/policy-rc.d && ' +
  'mv /root/99zz-apt-netguard /etc/apt/apt.conf.d/ && ' +
  `{ mv /root/pending.saved ${STATE}/pending.json 2>/dev/null || rm -f ${STATE}/pending.json; } && ` +
  'systemctl start apt-netguard-watch';

export const doctorScenarios = [
  [
    '17. doctor: every hazard planted, found with its evidence; --fix, a reboot, the admin fixes the rest',
    (c) => {
      c.out('sh', PLANT, 'plant');
      c.out('sh', '-c', GATES);
      let d;
      try {
        d = doctor(c);
      } finally {
        c.out('sh', '-c', MEND);
      }
      check(d.code === 1, `doctor exited ${d.code}: ${d.raw.slice(-300)}`);
      const want = [
        ['socket-ordering-cycle', /lab-cycle\.socket:4: After=tailscaled\.service/],
        ['socket-ordering-cycle', /^systemd-analyze verify default\.target:.*ordering cycle.*lab-cycle\.socket/],
        ['socket-on-tailscale-ip', /lab-ts\.socket:5: ListenStream=100\.64\.0\.1:2223/],
        ['socket-on-tailscale-ip', /lab-ts6\.socket:5: ListenStream=\[fd7a:115c:a1e0::1\]:2225/],
        ['socket-on-tailscale-ip', /^ss .*100\.64\.0\.1:2226/],
        ['tailscaled-before-network-online', /After=/],
        ['networkd-foreign-routes', /ManageForeignRoutes/],
        ['networkd-foreign-rules', /ManageForeignRoutingPolicyRules/],
        ['nft-iif-by-index', /lab_input input handle \d+: iif "tailscale0"/],
        ['nft-iif-by-index', /^\/etc\/nftables\.d\/ts-input\.nft:4: iif "tailscale0"/],
        ['nft-loader-not-reloaded', /lab-firewall\.service/],
        ['needrestart-restarts-protected', /^\/etc\/needrestart\/conf\.d\/zz-admin\.conf:2:/],
        ['needrestart-restarts-protected', /restart = 'a'/],
        ['policy-rc-d-not-ours', /a file, not the gate/],
        ['apt-hooks-broken', /Post-Invoke/],
        ['restarts-owed-long', /cron\.service: owed since 2026-01-01/],
        ['watch-not-running', /ActiveState=inactive/],
        ['reboot-with-boot-hazards', /Automatic-Reboot "true"/],
      ];
      const missed = want.filter(([id, re]) => !has(d, id, re)).map(([id, re]) => `${id} ${re}`);
      check(!missed.length, `not found: ${missed.join('; ')}; found: ${ids(d).join(', ')}`);
      // Boot hazards raised one severity by the automatic reboot.
      const sev = (id) => d.findings.find((f) => f.id === id)?.severity;
      check(sev('tailscaled-before-network-online') === 'error', 'the boot hazards were not raised');
      check(/ordering cycle/.test(cycles(c)), `systemd-analyze verify saw no cycle: ${cycles(c)}`);

      // --fix --dry-run writes nothing; --fix writes the drop-ins; a second --fix writes nothing.
      const dry = doctor(c, '--fix', '--dry-run');
      const paths = dry.fixes.write.map((w) => w.path);
      check(paths.length >= 5, `dry run would write ${paths.length} files`);
      check(c.sh('ls', ...paths).status !== 0, 'the dry run wrote a file');
      const fix = doctor(c, '--fix');
      check(fix.fixes.write.length === paths.length, `--fix wrote ${fix.fixes.write.length} of ${paths.length}`);
      c.out('ls', ...paths);
      check(c.out('head', '-1', paths[0]).includes('apt-netguard doctor --fix'), 'no header naming the guard');
      const again = doctor(c, '--fix');
      check(again.fixes.write.length === 0, `a second --fix wrote ${again.fixes.write.length} files`);

      const t0 = Date.now();
      c.reboot();
      const boot = Date.now() - t0;
      const up = (port) =>
        c.sh(
          'sh',
          '-c',
          `for i in $(seq 600); do ss -Hltn 'sport = :${port}' | grep -q . && exit 0; sleep 0.1; done; exit 1`,
        ).status === 0;
      check(up(2223), `lab-ts.socket not listening after boot: ${c.sh('systemctl', 'status', 'lab-ts.socket').out}`);
      check(up(2225), `lab-ts6.socket (IPv6, FreeBind) not listening: ${listening(c, 2225)}`);
      // FreeBind let the socket listen before the address existed; a connection needs the address.
      const addr =
        'for i in $(seq 600); do ip -4 addr show tailscale0 2>/dev/null | grep -q 100.64.0.1 && exit 0; sleep 0.1; done; exit 1';
      check(c.sh('sh', '-c', addr).status === 0, 'tailscale0 has no 100.64.0.1 60 s after boot');
      const hello = c.out('bash', '-c', 'exec 3<>/dev/tcp/100.64.0.1/2223 && cat <&3');
      check(hello.trim() === 'lab-ts', `connect to 100.64.0.1:2223 gave ${JSON.stringify(hello)}`);
      const after = doctor(c);
      const dropIns = after.findings.filter((f) => f.fix.kind === 'drop-in').map((f) => f.id);
      check(!dropIns.length, `after --fix and a reboot doctor still offers drop-ins: ${dropIns.join(', ')}`);
      const left = [...new Set(ids(after))];

      c.out('sh', PLANT, 'unplant-admin');
      const clean = cycles(c);
      check(!/ordering cycle/.test(clean), `a cycle after the admin's fix: ${clean}`);
      const last = doctor(c);
      check(last.code === 0, `doctor after the admin's fixes: ${last.code} ${ids(last).join(', ')}`);
      c.out('sh', PLANT, 'cleanup');
      check(status(c).code === 0, `status after the scenario: ${status(c).problems}`);
      return (
        `${new Set(ids(d)).size} ids found (${d.ms} ms); --fix wrote ${paths.length} drop-ins, a second none; ` +
        `reboot ${boot} ms: both Tailscale-IP sockets listening; left for the admin: ${left.join(', ')}; ` +
        `after the admin's fixes: no cycle in systemd-analyze verify, doctor exit 0`
      );
    },
  ],
];
