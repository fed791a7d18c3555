#!/usr/bin/env node
// Hook overhead when nothing changes: each hook of one dpkg run as apt runs it (through the shims in
// hooks/, which decide in sh what needs no node), median wall ms, next to node -e 0 and a bare
// snapshot. Runs in a lab namespace (root). Prints figures; asserts nothing.
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median } from './median.mjs';

const root = new URL('..', import.meta.url).pathname;
const BUNDLE = join(root, 'dist/apt-netguard.mjs');
const RUNS = Number(process.env.RUNS ?? 11);
if (process.getuid?.() !== 0) {
  console.log('bench: needs root (it creates a network namespace); not run');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'ng-bench-hooks-'));
const ns = `ngbenchh-${process.pid}`;
const policiesD = join(scratch, 'policies.d');
mkdirSync(policiesD, { mode: 0o755 });
chmodSync(policiesD, 0o755);
// The code cache in a scratch dir, as installed (/var/cache/apt-netguard); the first cycle warms it.
mkdirSync(join(scratch, 'cache'), { mode: 0o755 });
const env = {
  ...process.env,
  APT_NETGUARD_CACHE_DIR: join(scratch, 'cache'),
  APT_NETGUARD_STATE_DIR: join(scratch, 'state'),
  APT_NETGUARD_RUN_DIR: join(scratch, 'run'),
  APT_NETGUARD_SYSTEMD_RUN_DIR: join(scratch, 'sd'),
  APT_NETGUARD_POLICIES_D: policiesD,
  APT_NETGUARD_SHIPPED_POLICIES: join(root, 'policies'),
  APT_NETGUARD_BIN: BUNDLE,
  APT_NETGUARD_GATE_LIB: join(root, 'hooks/gate.sh'),
  PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
};
// needrestart runs restart.d/<unit>, a link to the shim named after the unit.
const NR = join(scratch, 'tailscaled.service');
symlinkSync(join(root, 'hooks/needrestart-restart'), NR);
delete env.APT_HOOK_INFO_FD;
// A real stream (apt 2.6.1, reinstall of hostname and bsdutils): no rule matches, so nothing is armed but gates.
const STREAM = readFileSync(join(root, 'test/fixtures/apt/bookworm-reinstall-hostname-bsdutils.v3'), 'utf8');

function wall(argv, input) {
  const t = process.hrtime.bigint();
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { input, env, stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const SHIM = join(root, 'hooks/run-hook');
// [name, argv, stdin, takes a snapshot]
const HOOKS = [
  ['pre-invoke', ['sh', SHIM, 'pre-invoke']],
  ['pre-install-pkgs', ['sh', SHIM, 'pre-install-pkgs'], STREAM, true],
  ['needrestart tailscaled.service', ['sh', NR]],
  ['post-dpkg', ['sh', SHIM, 'post-dpkg']],
  ['post-invoke', ['sh', SHIM, 'post-invoke'], '', true],
];
const times = Object.fromEntries(HOOKS.map(([h]) => [h, []]));
try {
  execFileSync('bash', [join(root, 'test/lab/netns.sh'), 'setup', ns], { stdio: 'ignore' });
  const node0 = median(Array.from({ length: RUNS }, () => wall([process.execPath, '-e', '0'])));
  const snapshot = median(
    Array.from({ length: RUNS + 1 }, () =>
      wall([process.execPath, BUNDLE, 'snapshot', '--state-dir', join(scratch, 'snaps')]),
    ).slice(1),
  );
  for (let i = 0; i <= RUNS; i++) {
    for (const [h, argv, input] of HOOKS) {
      const ms = wall(argv, input);
      if (i > 0) times[h].push(ms); // the first cycle warms the page cache and the code cache
    }
  }
  console.log(
    `apt-netguard hook bench: node ${process.version}, ${RUNS} dpkg runs, medians in ms (wall, via ip netns exec), nothing changing\n`,
  );
  console.log(
    `node -e 0: ${node0.toFixed(1)}   snapshot: ${snapshot.toFixed(1)}   target per hook: ≤ 1.5 × node -e 0 + snapshot = ${(1.5 * node0 + snapshot).toFixed(1)}\n`,
  );
  console.log('hook                              median   / node -e 0   takes a snapshot');
  for (const [h] of HOOKS) {
    const m = median(times[h]);
    const snaps = HOOKS.find((x) => x[0] === h)[3] ? 'yes' : 'no';
    console.log(`${h.padEnd(32)} ${m.toFixed(1).padStart(7)}   ${(m / node0).toFixed(2).padStart(10)}   ${snaps}`);
  }
  const sum = HOOKS.reduce((a, [h]) => a + median(times[h]), 0);
  console.log(
    `all hooks of one dpkg run: ${sum.toFixed(1)} ms (the two snapshots alone: ${(2 * snapshot).toFixed(1)})`,
  );
} finally {
  execFileSync('bash', [join(root, 'test/lab/netns.sh'), 'teardown', ns], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
}
