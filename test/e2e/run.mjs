#!/usr/bin/env node
// End-to-end: the built .deb, installed by apt in a booted bookworm (systemd 252, Debian's nodejs,
// needrestart, unattended-upgrades), against real upgrades. Prints a table; the last line says
// `N passed, N failed`. Root. Usage: node test/e2e/run.mjs [DEB]   (default: dist/apt-netguard_<version>_all.deb)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEB, boot, ROOTFS } from '../helpers/container.mjs';
import { faults } from './faults.mjs';
import { scenarios as main } from './scenarios.mjs';

// The faults run after the upgrades, before the last scenario removes and purges the package.
const scenarios = [...main.slice(0, -1), ...faults, ...main.slice(-1)];

const deb = process.argv[2] ?? DEB;
if (!deb || !existsSync(deb)) {
  console.error('usage: run.mjs DEB (npm run e2e builds it)');
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  console.error('e2e: needs root (it boots a container)');
  process.exit(2);
}

const t0 = Date.now();
execFileSync('bash', [new URL('../container/build-rootfs.sh', import.meta.url).pathname, ROOTFS], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const c = boot('e2e', deb);
const rows = [];
try {
  for (const [name, fn] of scenarios) {
    const start = Date.now();
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
    rows.push({ name, result, s: (Date.now() - start) / 1000, detail });
    console.log(`${result} ${name} (${((Date.now() - start) / 1000).toFixed(1)} s) ${detail}`);
  }
} finally {
  c.stop();
}
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`\n| # | scenario${' '.repeat(w - 8)} | result | time | what it showed |`);
console.log(`|---|${'-'.repeat(w + 2)}|--------|------|----------------|`);
rows.forEach((r, i) =>
  console.log(
    `| ${i + 1} | ${r.name.padEnd(w)} | ${r.result.padEnd(6)} | ${r.s.toFixed(1).padStart(4)} s | ${r.detail} |`,
  ),
);
const failed = rows.filter((r) => r.result !== 'PASS').length;
console.log(`\ne2e: ${rows.length - failed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(failed ? 1 : 0);
