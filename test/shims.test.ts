// The hook shims (hooks/): apt goes on, and a missing node is one quiet line per apt run, not four.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch } from './helpers/scratch.js';

const HOOKS = new URL('../hooks/', import.meta.url).pathname;

// A PATH with the shell tools the shims use, and no node; a bundle that needs node to run.
function world() {
  const root = scratch('ng-shim-');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const t of ['cat', 'mkdir', 'logger', 'systemctl'])
    symlinkSync(t === 'systemctl' ? '/bin/true' : `/usr/bin/${t}`, join(bin, t));
  const bundle = join(root, 'apt-netguard');
  writeFileSync(bundle, '#!/usr/bin/env node\n');
  chmodSync(bundle, 0o755);
  const env = { PATH: bin, APT_NETGUARD_BIN: bundle, APT_NETGUARD_RUN_DIR: join(root, 'run') };
  const hook = (shim: string, ...args: string[]) =>
    spawnSync('/bin/sh', [join(HOOKS, shim), ...args], { env, encoding: 'utf8' });
  return { root, env, hook };
}

describe('run-hook without node', () => {
  it('exits 0 every time, and says so once per apt run', () => {
    const w = world();
    const runs = ['pre-invoke', 'pre-install-pkgs', 'post-dpkg', 'post-invoke'].map((h) => w.hook('run-hook', h));
    expect(runs.map((r) => r.status)).toEqual([0, 0, 0, 0]);
    const said = runs.map((r) => r.stderr).join('');
    expect(said).toBe(
      'apt-netguard: node is not installed (or not on PATH): apt-netguard is not guarding this apt run; reinstall nodejs\n',
    );
    // The next apt run (another apt process) is told again.
    writeFileSync(join(w.root, 'run/no-node'), '1\n');
    expect(w.hook('run-hook', 'pre-invoke').stderr).toMatch(/node is not installed/);
  });
  it('a missing bundle (removed, not purged) is silent', () => {
    const w = world();
    const r = spawnSync('/bin/sh', [join(HOOKS, 'run-hook'), 'pre-invoke'], {
      env: { ...w.env, APT_NETGUARD_BIN: '/nonexistent' },
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});

describe('needrestart-restart without node', () => {
  it("restarts as needrestart would, without node's error", () => {
    const w = world();
    const link = join(w.root, 'tailscaled.service');
    symlinkSync(join(HOOKS, 'needrestart-restart'), link);
    const r = spawnSync('/bin/sh', [link], { env: w.env, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});
