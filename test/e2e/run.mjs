#!/usr/bin/env node
// End-to-end: the built .deb, installed by apt in a booted Debian (bookworm: systemd 252, nodejs 18;
// trixie: systemd 257, nodejs 20; each with needrestart and unattended-upgrades), against real
// upgrades. One table per suite; the last line says `N passed, N failed`. Root.
// Usage: node test/e2e/run.mjs [--suite bookworm|trixie]... [DEB]   (default: both suites, dist/apt-netguard_<version>_all.deb)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEB, SUITES, boot, buildRootfs } from '../helpers/container.mjs';
import { cost } from './cost.mjs';
import { doctorScenarios } from './doctor.mjs';
import { faults } from './faults.mjs';
import { metrics } from './metrics.mjs';
import { releases } from './releases.mjs';
import { watch } from './watch.mjs';
import { lastApt, scenarios as main } from './scenarios.mjs';
import { observe, restarted, table } from './observe.mjs';

// Issue 15's scenarios, issue 18's, the watch's, the faults, the metrics' and doctor's run after the upgrades, before the last
// scenario removes and purges the package. doctor's goes last: its reboot leaves networkd with its fix.
const all = [
  ...main.slice(0, -1),
  ...releases,
  ...cost,
  ...watch,
  ...faults,
  ...metrics,
  ...doctorScenarios,
  ...main.slice(-1),
];

const args = process.argv.slice(2);
const suites = args.flatMap((a, i) => (args[i - 1] === '--suite' ? [a] : []));
const deb = args.find((a, i) => a !== '--suite' && args[i - 1] !== '--suite') ?? DEB;
if (suites.some((s) => !SUITES.includes(s))) {
  console.error(`e2e: --suite is one of ${SUITES.join(', ')}`);
  process.exit(2);
}
if (!existsSync(deb)) {
  console.error('usage: run.mjs [--suite S]... [DEB]   (npm run e2e builds the .deb)');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('e2e: needs root (it boots a container)');
  process.exit(2);
}

// `npm run deb` inside the suite's rootfs, and that release's lintian on both .debs (scripts/deb-in.sh).
function build(suite) {
  const start = Date.now();
  const r = spawnSync('bash', [new URL('../../scripts/deb-in.sh', import.meta.url).pathname, suite, deb], {
    encoding: 'utf8',
  });
  const out = `${r.stdout}${r.stderr}`.trim();
  console.log(`${suite}: build and lintian:\n${out.replace(/^/gm, '  ')}`);
  const clean = (out.match(/0 errors, 0 warnings/g) ?? []).length;
  const none = { throw: null, r5270: null, iif: '-', inv: {}, restore: null };
  return {
    name: `build: npm run deb on ${suite}; its lintian on that .deb and on the shipped one`,
    result: r.status === 0 && clean === 2 ? 'PASS' : 'FAIL',
    s: (Date.now() - start) / 1000,
    detail: `${/^build host: (.*)$/m.exec(out)?.[1]?.trim() ?? '?'}; lintian: ${clean} of 2 .debs with 0 errors, 0 warnings`,
    apt: null,
    before: none,
    after: none,
    restarted: [],
  };
}

async function play(suite) {
  const t0 = Date.now();
  buildRootfs(suite);
  const rows = [build(suite)];
  const c = boot(`e2e-${suite}`, deb, undefined, suite);
  try {
    for (const [name, fn, only] of all) {
      if (only && !only.includes(suite)) continue;
      const start = Date.now();
      const before = observe(c);
      lastApt.code = null;
      let result = 'PASS';
      let detail = '';
      try {
        detail = (await fn(c, deb)) ?? '';
      } catch (err) {
        result = 'FAIL';
        detail = String(err instanceof Error ? err.message : err)
          .split('\n')[0]
          .slice(0, 300);
      }
      const after = observe(c);
      const s = (Date.now() - start) / 1000;
      rows.push({ name, result, s, detail, apt: lastApt.code, before, after, restarted: restarted(before, after) });
      console.log(`${suite}: ${result} ${name} (${s.toFixed(1)} s) ${detail}`);
    }
  } finally {
    c.stop();
  }
  return { suite, rows, s: (Date.now() - t0) / 1000 };
}

const played = [];
for (const suite of suites.length ? suites : SUITES) played.push(await play(suite));
for (const p of played) console.log(`\n${table(p)}`);
const rows = played.flatMap((p) => p.rows);
const failed = rows.filter((r) => r.result !== 'PASS').length;
const took = played.map((p) => `${p.suite} ${p.s.toFixed(0)} s`).join(', ');
console.log(`\ne2e: ${rows.length - failed} passed, ${failed} failed (${took})`);
process.exit(failed ? 1 : 0);
