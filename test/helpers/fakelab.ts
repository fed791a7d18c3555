// The namespace lab with fake systemctl/networkctl first on PATH (test/lab/fakebin), so the real
// CLI restores real kernel state in a namespace: tailscale0, table 52, rules, nft.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE, lab } from './netns.js';
import { scratch } from './scratch.js';

const FAKEBIN = new URL('../lab/fakebin', import.meta.url).pathname;

export function fakeLab(tag: string, config = 'restore:\n  quiet: 0.5\n  settle-timeout: 10\n  step-timeout: 5\n') {
  const ns = `ngr-${tag}-${process.pid}`;
  const root = scratch(`ng-${tag}-`);
  const fake = join(root, 'fake');
  const state = join(root, 'state');
  mkdirSync(fake);
  mkdirSync(join(root, 'systemd-run'));
  writeFileSync(join(root, 'config.yaml'), config, { mode: 0o644 });
  const env = {
    ...process.env,
    PATH: `${FAKEBIN}:${process.env.PATH}`,
    FAKE_LAB: fake,
    APT_NETGUARD_STATE_DIR: state,
    APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'systemd-run'),
    APT_NETGUARD_RUN_DIR: join(root, 'run'),
    APT_NETGUARD_CONFIG: join(root, 'config.yaml'),
    APT_NETGUARD_POLICIES_D: join(root, 'policies.d'),
  };
  const sh = (script: string) =>
    execFileSync('ip', ['netns', 'exec', ns, 'bash', '-c', script], { env, encoding: 'utf8' });
  const cli = (...args: string[]) => {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, BUNDLE, ...args], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  lab('teardown', ns);
  lab('setup', ns);
  // tailscale0 and its rules as netns.sh made them go; the fake tailscaled brings its own.
  sh(
    'bash "$(dirname "$(command -v systemctl)")/../fake-tailscaled.sh" stop; echo 0 > "$FAKE_LAB/flush-ms"; systemctl start systemd-networkd.service && systemctl start tailscaled.service && systemctl start fake-firewall.service',
  );
  const teardown = () => {
    for (const pid of ['tailscaled.pid', 'flusher.pid'].map((f) => join(fake, f)).filter(existsSync)) {
      try {
        process.kill(-Number(readFileSync(pid, 'utf8')), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    lab('teardown', ns);
    rmSync(root, { recursive: true, force: true });
  };
  const throwRoutes = () => sh('ip route show table 52 type throw').trim();
  const waitFor = (cond: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (cond()) return true;
      execFileSync('sleep', ['0.05']);
    }
    return cond();
  };
  return { ns, root, fake, state, env, sh, cli, teardown, throwRoutes, waitFor };
}
