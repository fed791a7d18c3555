// The shell gates (hooks/policy-rc.d, hooks/dpkg-path/systemctl) on an armed run dir: what each
// holds and records, what goes through to the real tool, and that nothing armed means no change.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch } from './helpers/scratch.js';

const HOOKS = new URL('../hooks/', import.meta.url).pathname;

// A run dir armed for networkd (guarded) and tailscaled (defer), and a "real" systemctl that logs its argv.
function world(armed = true) {
  const root = scratch('ng-gates-');
  const run = join(root, 'run');
  mkdirSync(join(run, 'armed'), { recursive: true });
  if (armed) {
    writeFileSync(join(run, 'open'), 'txn-1\n');
    writeFileSync(join(run, 'armed', 'systemd-networkd.service'), 'guarded\n');
    writeFileSync(join(run, 'armed', 'tailscaled.service'), 'defer\n');
  }
  const real = join(root, 'systemctl');
  writeFileSync(real, `#!/bin/sh\necho "$*" >> ${root}/real.log\nexit 3\n`);
  chmodSync(real, 0o755);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    APT_NETGUARD_RUN_DIR: run,
    APT_NETGUARD_GATE_LIB: join(HOOKS, 'gate.sh'),
    APT_NETGUARD_SYSTEMCTL: real,
    APT_NETGUARD_ORIG_POLICY_RC_D: join(root, 'none'),
  };
  const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const systemctl = (...args: string[]) => {
    const r = spawnSync('/bin/sh', [join(HOOKS, 'dpkg-path/systemctl'), ...args], { env, encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, real: read(join(root, 'real.log')).trim(), requests: requests() };
  };
  const requests = () =>
    read(join(run, 'requests'))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ').slice(1).join(' '));
  const policyRcD = (...args: string[]) =>
    spawnSync('/bin/sh', [join(HOOKS, 'policy-rc.d'), ...args], { env, encoding: 'utf8' }).status;
  return { root, run, env, systemctl, policyRcD, requests };
}

describe('the systemctl gate, armed', () => {
  // [what, argv, exit, what reached the real systemctl, requests recorded]
  const cases: [string, string[], number, string, string[]][] = [
    [
      "systemd's postinst",
      ['try-restart', 'systemd-networkd.service'],
      0,
      '',
      ['systemctl systemd-networkd.service try-restart guarded'],
    ],
    [
      'a plain restart, no suffix',
      ['restart', 'systemd-networkd'],
      0,
      '',
      ['systemctl systemd-networkd.service restart guarded'],
    ],
    [
      "trixie's libc-upgrade trigger: one held, one passed on",
      ['--no-block', 'try-restart', 'systemd-networkd.service', 'systemd-journald.service'],
      3,
      '--no-block try-restart systemd-journald.service',
      ['systemctl systemd-networkd.service try-restart guarded'],
    ],
    [
      'an option with its value after the verb',
      ['restart', '--job-mode', 'replace', 'tailscaled'],
      0,
      '',
      ['systemctl tailscaled.service restart defer'],
    ],
    [
      'an option with its value before the verb',
      ['--job-mode', 'replace', 'try-restart', 'systemd-networkd.service'],
      0,
      '',
      ['systemctl systemd-networkd.service try-restart guarded'],
    ],
    [
      'reload-or-restart',
      ['reload-or-restart', 'tailscaled.service'],
      0,
      '',
      ['systemctl tailscaled.service reload-or-restart defer'],
    ],
    ['an unprotected unit', ['restart', 'cron.service'], 3, 'restart cron.service', []],
    [
      'stop goes through (RefuseManualStop covers it)',
      ['stop', 'systemd-networkd.service'],
      3,
      'stop systemd-networkd.service',
      [],
    ],
    ['daemon-reexec goes through', ['daemon-reexec'], 3, 'daemon-reexec', []],
    [
      'the user manager is not ours',
      ['--user', 'restart', 'systemd-networkd.service'],
      3,
      '--user restart systemd-networkd.service',
      [],
    ],
    ['no verb', ['--version'], 3, '--version', []],
  ];
  it.each(cases)('%s', (_what, argv, exit, real, recorded) => {
    const r = world().systemctl(...argv);
    expect({ status: r.status, real: r.real, requests: r.requests }).toEqual({
      status: exit,
      real,
      requests: recorded,
    });
    if (recorded.length) expect(r.stderr).toMatch(/^apt-netguard: held 'systemctl /);
  });

  it('a postinst under set -e that restarts a held unit goes on', () => {
    const w = world();
    const script = join(w.root, 'postinst');
    const bin = join(w.root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nexec /bin/sh ${join(HOOKS, 'dpkg-path/systemctl')} "$@"\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);
    writeFileSync(script, '#!/bin/sh\nset -e\nsystemctl restart systemd-networkd.service\necho configured\n');
    const r = spawnSync('/bin/sh', [script], { env: { ...w.env, PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    expect([r.status, r.stdout]).toEqual([0, 'configured\n']);
  });
});

describe('the systemctl gate, not holding', () => {
  it('nothing open: every call goes through unchanged', () => {
    const r = world(false).systemctl('try-restart', 'systemd-networkd.service');
    expect([r.status, r.real, r.requests]).toEqual([3, 'try-restart systemd-networkd.service', []]);
  });
  it('the apt that armed is gone: goes through', () => {
    const w = world();
    writeFileSync(join(w.run, 'apt'), '999999999 1\n');
    expect(w.systemctl('restart', 'systemd-networkd').real).toBe('restart systemd-networkd');
  });
  it('its library gone (half-removed package): goes through', () => {
    const w = world();
    const r = spawnSync('/bin/sh', [join(HOOKS, 'dpkg-path/systemctl'), 'restart', 'systemd-networkd'], {
      env: { ...w.env, APT_NETGUARD_GATE_LIB: '/nonexistent/gate.sh' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(3);
    expect(w.requests()).toEqual([]);
  });
});

describe('the policy-rc.d gate', () => {
  it('holds restarts of armed units, with the mode; allows the rest', () => {
    const w = world();
    expect(w.policyRcD('systemd-networkd.service', 'restart')).toBe(101);
    expect(w.policyRcD('--quiet', 'tailscaled', 'restart start')).toBe(101);
    expect(w.policyRcD('tailscaled.service', 'start')).toBe(0);
    expect(w.policyRcD('cron.service', 'restart')).toBe(0);
    expect(w.requests()).toEqual([
      'policy-rc.d systemd-networkd.service restart guarded',
      'policy-rc.d tailscaled.service restart defer',
    ]);
  });
  it('without its library it holds nothing', () => {
    const w = world();
    const r = spawnSync('/bin/sh', [join(HOOKS, 'policy-rc.d'), 'tailscaled.service', 'restart'], {
      env: { ...w.env, APT_NETGUARD_GATE_LIB: '/nonexistent/gate.sh' },
    });
    expect(r.status).toBe(0);
  });
});
