// The hook shims (hooks/): apt goes on, a missing node is one quiet line per apt run, and what needs no
// node (issue 18: a node start per hook per dpkg run) is decided in sh without starting it.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
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
  const env = {
    PATH: bin,
    APT_NETGUARD_BIN: bundle,
    APT_NETGUARD_RUN_DIR: join(root, 'run'),
    APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'sd'),
  };
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
    expect(w.hook('run-hook', 'pre-install-pkgs').stderr).toMatch(/node is not installed/);
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

// A node on PATH, and fakes that log their argv: the bundle, systemctl and logger.
function withNode() {
  const root = scratch('ng-shim-node-');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const fake = (name: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "$*" >> ${root}/${name}.log\n`);
    chmodSync(join(bin, name), 0o755);
  };
  ['node', 'systemctl', 'logger', 'apt-netguard'].forEach(fake);
  // The bundle's fake also keeps what it read on stdin (the Pre-Install-Pkgs stream).
  writeFileSync(
    join(bin, 'apt-netguard'),
    `#!/bin/sh\necho "$*" >> ${root}/apt-netguard.log\n[ "$2" = pre-install-pkgs ] && ` +
      // As the bundle reads it (context.ts hookInfoFd): apt's InfoFD when set, else stdin.
      `{ if [ -n "$APT_HOOK_INFO_FD" ]; then cat /proc/self/fd/$APT_HOOK_INFO_FD; else cat; fi; } > ${root}/stdin\n`,
  );
  for (const t of ['cat', 'rm', 'rmdir', 'mkdir', 'date']) symlinkSync(`/usr/bin/${t}`, join(bin, t));
  const run = join(root, 'run');
  const sd = join(root, 'sd');
  mkdirSync(join(run, 'armed'), { recursive: true });
  const env = {
    PATH: bin,
    APT_NETGUARD_BIN: join(bin, 'apt-netguard'),
    APT_NETGUARD_RUN_DIR: run,
    APT_NETGUARD_SYSTEMD_RUN_DIR: sd,
    APT_NETGUARD_GATE_LIB: join(HOOKS, 'gate.sh'),
  };
  const log = (name: string) =>
    existsSync(join(root, `${name}.log`)) ? readFileSync(join(root, `${name}.log`), 'utf8') : '';
  const hook = (args: string[], more: Record<string, string> = {}, input = '') =>
    spawnSync('/bin/sh', [join(HOOKS, 'run-hook'), ...args], { env: { ...env, ...more }, input, encoding: 'utf8' })
      .status;
  return { root, run, sd, env, log, hook };
}

describe('run-hook decides in sh what needs no node', () => {
  it.each([
    ['pre-invoke (folded into pre-install-pkgs)', ['pre-invoke'], {}, ''],
    ['post-dpkg with no drop-in armed', ['post-dpkg'], {}, ''],
    ['apt-gone with no dpkg run open', ['apt-gone', '123', '456'], {}, ''],
    ['APT_NETGUARD_DISABLE=1, pre-install-pkgs', ['pre-install-pkgs'], { APT_NETGUARD_DISABLE: '1' }, 'DISABLE'],
    ['APT_NETGUARD_DISABLE=1, post-invoke', ['post-invoke'], { APT_NETGUARD_DISABLE: '1' }, ''],
    ['post-invoke with nothing open (a repeat, or no dpkg run behind it)', ['post-invoke'], {}, ''],
    ['pre-install-pkgs', ['pre-install-pkgs'], {}, 'hook pre-install-pkgs\n'],
  ] as const)('%s', (_, args, more, expected) => {
    const w = withNode();
    expect(w.hook([...args], more, 'VERSION 3\n')).toBe(0);
    if (expected === 'DISABLE') {
      expect(w.log('apt-netguard')).toBe('');
      expect(w.log('logger')).toMatch(/APT_NETGUARD_DISABLE=1: this dpkg run is not guarded/);
    } else expect(w.log('apt-netguard')).toBe(expected);
    expect(w.log('systemctl')).toBe('');
  });

  it("APT_NETGUARD_DISABLE=1 under apt: the stream on fd 20 (apt's InfoFD) is drained, exit 0", () => {
    const w = withNode();
    const stream = join(w.root, 'stream');
    writeFileSync(stream, 'VERSION 3\n');
    const fd = openSync(stream, 'r');
    const stdio = ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(17).fill('ignore'), fd] as const;
    const r = spawnSync('/bin/sh', [join(HOOKS, 'run-hook'), 'pre-install-pkgs'], {
      env: { ...w.env, APT_NETGUARD_DISABLE: '1', APT_HOOK_INFO_FD: '20' },
      stdio: [...stdio],
      encoding: 'utf8',
    });
    closeSync(fd);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(w.log('apt-netguard')).toBe('');
  });

  it.each([
    ['a dpkg run open', 'open'],
    ['a transaction a killed run left in the state dir', 'state/txn/current.json'],
    ['a restore a killed guard left', 'state/restore/current.json'],
  ])('post-invoke with %s goes to node', (_, file) => {
    const w = withNode();
    const path = file === 'open' ? join(w.run, 'open') : join(w.root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{}\n');
    expect(w.hook(['post-invoke'], { APT_NETGUARD_STATE_DIR: join(w.root, 'state') })).toBe(0);
    expect(w.log('apt-netguard')).toBe('hook post-invoke\n');
  });

  it.each([
    ['a dpkg run open, armed by that apt: node', '123 456', 'hook apt-gone 123 456\n'],
    ["a dpkg run open, armed by another (the next unattended-upgrades step's): nothing", '789 1', ''],
  ])('apt-gone with %s', (_, apt, node) => {
    const w = withNode();
    writeFileSync(join(w.run, 'open'), 'txn-1\n');
    writeFileSync(join(w.run, 'apt'), `${apt}\n`);
    expect(w.hook(['apt-gone', '123', '456'])).toBe(0);
    expect(w.log('apt-netguard')).toBe(node);
  });

  it('post-dpkg removes our drop-ins (and a .d dir left empty), then one daemon-reload', () => {
    const w = withNode();
    for (const u of ['systemd-networkd.service', 'tailscaled.service']) {
      mkdirSync(join(w.sd, `${u}.d`), { recursive: true });
      writeFileSync(join(w.sd, `${u}.d`, '50-apt-netguard.conf'), '[Unit]\nRefuseManualStop=yes\n');
    }
    writeFileSync(join(w.sd, 'tailscaled.service.d', '10-admin.conf'), '[Service]\n');
    expect(w.hook(['post-dpkg'])).toBe(0);
    expect(w.log('apt-netguard')).toBe('');
    expect(w.log('systemctl')).toBe('daemon-reload\n');
    expect(existsSync(join(w.sd, 'systemd-networkd.service.d'))).toBe(false);
    expect(existsSync(join(w.sd, 'tailscaled.service.d', '50-apt-netguard.conf'))).toBe(false);
    expect(existsSync(join(w.sd, 'tailscaled.service.d', '10-admin.conf'))).toBe(true);
    expect(w.log('logger')).toMatch(/drop-ins removed: systemd-networkd.service tailscaled.service/);
  });
});

describe('needrestart-restart inside an open dpkg run', () => {
  const request = (mode: string | null) => {
    const w = withNode();
    if (mode) {
      writeFileSync(join(w.run, 'open'), 'txn-1\n');
      writeFileSync(join(w.run, 'armed', 'tailscaled.service'), `${mode}\n`);
    }
    const link = join(w.root, 'tailscaled.service');
    symlinkSync(join(HOOKS, 'needrestart-restart'), link);
    const r = spawnSync('/bin/sh', [link], { env: w.env, encoding: 'utf8' });
    const requests = existsSync(join(w.run, 'requests')) ? readFileSync(join(w.run, 'requests'), 'utf8') : '';
    return { status: r.status, node: w.log('apt-netguard'), requests: requests.replace(/^\d+ /gm, '') };
  };
  it.each([
    ['guarded: recorded in sh, no node', 'guarded', '', 'needrestart tailscaled.service restart guarded\n'],
    ['defer: recorded in sh, no node', 'defer', '', 'needrestart tailscaled.service restart defer\n'],
    ["a standing veto: node weighs the unit's maps", 'veto', 'hook needrestart tailscaled.service\n', ''],
    ['no dpkg run open: node runs the guarded sequence', null, 'hook needrestart tailscaled.service\n', ''],
  ] as const)('%s', (_, mode, node, requests) => {
    expect(request(mode)).toEqual({ status: 0, node, requests });
  });
});

describe('pre-install-pkgs repeated for one step (unattended-upgrades reads apt.conf twice)', () => {
  const STREAM = 'VERSION 3\nAPT::Architecture=amd64\n\nhostname 3.23 amd64 none = 3.23 amd64 none /x.deb\n';
  // The hook as apt runs it: the stream on fd 20.
  const run = (w: ReturnType<typeof withNode>, stream: string) => {
    const file = join(w.root, `s-${Math.random()}`);
    writeFileSync(file, stream);
    const fd = openSync(file, 'r');
    const r = spawnSync('/bin/sh', [join(HOOKS, 'run-hook'), 'pre-install-pkgs'], {
      env: { ...w.env, APT_HOOK_INFO_FD: '20' },
      stdio: ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(17).fill('ignore'), fd],
      encoding: 'utf8',
    });
    closeSync(fd);
    return r.status;
  };
  // What node leaves when it armed a run for this stream.
  const armedFor = (w: ReturnType<typeof withNode>, stream: string) => {
    writeFileSync(join(w.run, 'open'), 'txn-1\n');
    writeFileSync(join(w.run, 'stream'), stream);
  };

  it("the first (no run open): node reads the stream, whole, from apt's fd itself", () => {
    const w = withNode();
    expect(run(w, STREAM)).toBe(0);
    expect(w.log('apt-netguard')).toBe('hook pre-install-pkgs\n');
    expect(readFileSync(join(w.root, 'stdin'), 'utf8')).toBe(STREAM);
  });
  it.each([
    ['the same stream again, the run open and armed for it: nothing', STREAM, null, ''],
    [
      'another stream (the next step): node',
      `${STREAM}tzdata 1 all none < 2 all none /t.deb\n`,
      null,
      'hook pre-install-pkgs\n',
    ],
    ['the same stream, but the apt that armed is gone: node', STREAM, '999999999 1', 'hook pre-install-pkgs\n'],
  ])('%s', (_, stream, apt, node) => {
    const w = withNode();
    armedFor(w, STREAM);
    if (apt) writeFileSync(join(w.run, 'apt'), `${apt}\n`);
    expect(run(w, stream)).toBe(0);
    expect(w.log('apt-netguard')).toBe(node);
    // A run open: the shim read the stream to hash it, and hands node what it read, on stdin.
    if (node) expect(readFileSync(join(w.root, 'stdin'), 'utf8')).toBe(stream);
  });
});
