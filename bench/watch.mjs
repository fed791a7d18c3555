#!/usr/bin/env node
// The watch service's cost and speed (issue 16), in a booted container with the .deb installed by
// apt and apt-netguard-watch enabled. One run; prints figures; asserts nothing. Root.
//   detection: from `ip route del` of the throw route to the restore's first step starting, from
//              the journal's own timestamps (medians of RUNS)
//   kill -9:   from killing tailscaled's main process to nft iif resolving again (medians of RUNS)
//   idle CPU:  utime+stime of the service over IDLE_S seconds (default 600) with nothing happening
//              but its heartbeats, at the default 60 s (/proc/PID/stat)
//   RSS:       VmRSS of a freshly started service, after EVENTS netlink events (a route added and
//              deleted), then through BEATS heartbeats (default 60, an hour's worth) at a 5 s heartbeat,
//              read at each half: growth over the second half
// SUITE=bookworm|trixie (default trixie). Node here is the release's own.
import { DEB, boot, buildRootfs, installDeb } from '../test/helpers/container.mjs';
import { median } from './median.mjs';

const SUITE = process.env.SUITE ?? 'trixie';
const RUNS = Number(process.env.RUNS ?? 5);
const IDLE_S = Number(process.env.IDLE_S ?? 600);
const BEATS = Number(process.env.BEATS ?? 60);
const EVENTS = Number(process.env.EVENTS ?? 1000);
if (process.getuid?.() !== 0) {
  console.log('bench: needs root (it boots a container); not run');
  process.exit(1);
}

buildRootfs(SUITE, ['ignore', 'ignore', 'inherit']);
const c = boot('bench-watch', DEB, undefined, SUITE);
const sh = (script) => c.out('sh', '-c', script).trim();
const waitFor = (cond, s = 30) =>
  sh(`t=0; until ${cond}; do sleep 0.02; t=$((t+1)); [ $t -ge ${s * 50} ] && exit 1; done; true`);
// The journal's µs timestamp of the first line holding `text` after cursor `cur` (short-unix: "s.us host ...").
const stamp = (cur, text) =>
  Math.round(
    Number(
      sh(
        `journalctl -u apt-netguard-watch --after-cursor='${cur}' -o short-unix --no-pager | grep -F '${text}' | head -1 | cut -d' ' -f1`,
      ),
    ) * 1e6,
  );
const cursor = () =>
  sh('journalctl -u apt-netguard-watch -n 1 -o json --no-pager | sed \'s/.*"__CURSOR":"\\([^"]*\\)".*/\\1/\'');
const nowUs = () => Number(sh('date +%s%6N'));
try {
  installDeb(c);
  sh("printf 'watch:\\n  max-per-hour: 60\\nrestore:\\n  max-per-hour: 60\\n' > /etc/apt-netguard/config.yaml");
  // The install enabled and started it; a restart reads the config above.
  sh('systemctl restart apt-netguard-watch.service');
  waitFor('test -e /var/lib/apt-netguard/watch-baseline.json');
  const detect = [];
  const kill = [];
  for (let i = 0; i < RUNS; i++) {
    sh('sleep 2');
    const cur = cursor();
    const t0 = nowUs();
    sh('ip route del throw 10.10.10.0/24 table 52');
    const acted = (from) =>
      waitFor(
        `journalctl -u apt-netguard-watch --after-cursor='${from}' -o cat --no-pager | grep -q 'watch: acted on'`,
        60,
      );
    acted(cur);
    detect.push((stamp(cur, '"step":"settle"') - t0) / 1000);
    sh('sleep 2');
    const cur1 = cursor();
    const t1 = nowUs();
    sh('systemctl kill -s KILL --kill-whom=main tailscaled.service');
    waitFor(
      `[ "$(($(date +%s%6N) - ${t1}))" -gt 300000 ] && nft -j list ruleset | grep -q '"right": "tailscale0"' && ! nft -j list ruleset | grep -Eq '"right": "[0-9]+"'`,
    );
    kill.push((nowUs() - t1) / 1000);
    acted(cur1);
  }
  const pid = sh('systemctl show -p MainPID --value apt-netguard-watch');
  const ticks = () =>
    sh(`cut -d' ' -f14,15 /proc/${pid}/stat`)
      .split(' ')
      .map(Number)
      .reduce((a, b) => a + b, 0);
  const hz = Number(sh('getconf CLK_TCK'));
  sh('sleep 3');
  const a = ticks();
  sh(`sleep ${IDLE_S}`);
  const idle = ((ticks() - a) / hz / IDLE_S) * 100;
  // A fresh service with a 5 s heartbeat, for an hour's worth of heartbeats in BEATS * 5 s.
  sh(
    "printf 'watch:\\n  max-per-hour: 60\\n  heartbeat: 5\\nrestore:\\n  max-per-hour: 60\\n' > /etc/apt-netguard/config.yaml",
  );
  sh('systemctl restart apt-netguard-watch; sleep 5');
  const pid2 = sh('systemctl show -p MainPID --value apt-netguard-watch');
  const rss = () => Number(sh(`grep VmRSS /proc/${pid2}/status | tr -s ' ' | cut -d' ' -f2`)) / 1024;
  const start = rss();
  sh(
    `for i in $(seq 1 ${EVENTS / 2}); do ip route add 192.0.2.0/24 dev lo table 99; ip route del 192.0.2.0/24 dev lo table 99; done; sleep 3`,
  );
  const events = rss();
  sh(`sleep ${(BEATS / 2) * 5}`);
  const half = rss();
  sh(`sleep ${(BEATS / 2) * 5}`);
  const end = rss();
  const node = sh('node --version');
  console.log(`watch bench, ${SUITE} (node ${node}), ${RUNS} runs:`);
  console.log(
    `  detection, route deleted -> first restore step started: median ${median(detect).toFixed(0)} ms (${detect.map((x) => x.toFixed(0)).join(', ')}) target <= 1000`,
  );
  console.log(
    `  kill -9 of tailscaled -> nft iif resolves again:          median ${median(kill).toFixed(0)} ms (${kill.map((x) => x.toFixed(0)).join(', ')}) target <= 3000`,
  );
  console.log(`  idle CPU over ${IDLE_S} s (60 s heartbeat): ${idle.toFixed(3)} % of one core (target <= 0.1)`);
  console.log(
    `  RSS: ${start.toFixed(1)} MB at start, ${events.toFixed(1)} MB after ${EVENTS} netlink events (${EVENTS / 2} route add/del pairs), ${half.toFixed(1)} MB after ${BEATS / 2} heartbeats, ${end.toFixed(1)} MB after ${BEATS} (target <= 64, no growth over the second half)`,
  );
} finally {
  c.stop();
}
