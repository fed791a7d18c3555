// Issue 19's scenario: Debian's prometheus-node-exporter, installed in the rootfs and running, scrapes
// apt_netguard.prom from its textfile directory; `apt-netguard check` is run as Nagios runs a plugin
// (no tty, a plain environment) in each state. It leaves the host as it found it (status 0).
import { within } from './watch.mjs';
import { apt, check, intact, status, write } from './scenarios.mjs';

const RUNNING = `apt-netguard status --json | grep -q '"state":"running"'`;
const IDLE = `! ${RUNNING} && sleep 3 && ! ${RUNNING}`;
const scrape = (c) => c.out('curl', '-sf', 'http://127.0.0.1:9100/metrics');
// The value of one series in the scrape, or null.
const value = (text, series) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
};
const TXN_VERIFIED = 'apt_netguard_restores_total{result="verified",trigger="txn"}';
// As Nagios (or NRPE) runs a plugin: no tty, stdin from /dev/null, a bare environment.
const nagios = (c) => {
  const r = c.sh('sh', '-c', 'env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-netguard check </dev/null');
  return { code: r.status, line: r.stdout.trim() };
};
const BROKEN = '/run/systemd/system/tailscaled.service.d/90-broken.conf';

export const metrics = [
  [
    '19. metrics: node_exporter scrapes the textfile after an upgrade and a failed restore; check as Nagios runs it',
    (c) => {
      check(
        c.out('systemctl', 'is-active', 'prometheus-node-exporter').trim() === 'active',
        'node_exporter not active',
      );
      check(within(c, 10, `curl -sf http://127.0.0.1:9100/metrics >/dev/null`) !== null, 'node_exporter not answering');
      const n0 = value(scrape(c), TXN_VERIFIED) ?? 0;
      const states = [];
      // A tailscale upgrade, guarded: restore verified, scraped as such. (Versions below the last
      // scenario's 1.3: apt will not downgrade.)
      c.out('/root/scenarios/fake-tailscale-deb.sh', '1.2.10', '/root');
      apt(c, 'apt-get', 'install', '-y', '/root/tailscale_1.2.10_all.deb');
      check(within(c, 4, IDLE) !== null, 'a restore still runs');
      let m = scrape(c);
      check(value(m, 'apt_netguard_last_restore_success') === 1, 'last_restore_success not 1 after the upgrade');
      check(value(m, TXN_VERIFIED) === n0 + 1, `restores_total{txn,verified} ${value(m, TXN_VERIFIED)}, not ${n0 + 1}`);
      let n = nagios(c);
      check(n.code === 0 && n.line.startsWith('APT-NETGUARD OK - '), `check after the upgrade: ${n.code} ${n.line}`);
      states.push(`OK ${n.code}`);
      // The watch stopped: its ExecStopPost writes watch_up 0; check warns.
      c.out('systemctl', 'stop', 'apt-netguard-watch');
      try {
        check(value(scrape(c), 'apt_netguard_watch_up') === 0, 'watch_up not 0 with the watch stopped');
        n = nagios(c);
        check(n.code === 1 && /WARNING - the watch service is not running/.test(n.line), `watch stopped: ${n.line}`);
        states.push(`WARNING ${n.code}`);
      } finally {
        c.out('systemctl', 'start', 'apt-netguard-watch');
      }
      // A tailscaled that cannot start: the restore fails; scraped as 0, check is CRITICAL.
      c.out('/root/scenarios/fake-tailscale-deb.sh', '1.2.11', '/root');
      write(c, BROKEN, '[Service]\nExecStartPre=/bin/false\n');
      c.out('systemctl', 'daemon-reload');
      try {
        apt(c, 'apt-get', 'install', '-y', '/root/tailscale_1.2.11_all.deb');
        check(within(c, 4, IDLE) !== null, 'a restore still runs');
        m = scrape(c);
        check(value(m, 'apt_netguard_last_restore_success') === 0, 'last_restore_success not 0 after the failure');
        n = nagios(c);
        check(n.code === 2 && n.line.startsWith('APT-NETGUARD CRITICAL - '), `after the failure: ${n.code} ${n.line}`);
        states.push(`CRITICAL ${n.code}`);
      } finally {
        c.out('rm', '-f', BROKEN);
        c.out('systemctl', 'daemon-reload');
        c.sh('systemctl', 'reset-failed', 'tailscaled.service');
        c.sh('apt-netguard', 'restore');
        check(within(c, 4, IDLE) !== null, `a restore still runs: ${status(c).restore?.state}`);
      }
      intact(c);
      check(value(scrape(c), 'apt_netguard_last_restore_success') === 1, 'not 1 after the admin restore');
      n = nagios(c);
      check(n.code === 0, `check after the admin's restore: ${n.line}`);
      return `scraped by node_exporter: last_restore_success 1, restores_total{txn,verified} +1; watch stopped: watch_up 0; tailscaled broken: 0; check (env -i, no tty): ${states.join(', ')}, then OK`;
    },
  ],
];
