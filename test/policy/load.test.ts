import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPolicy, type PolicyDirs } from '../../src/policy/load.js';
import { missing } from '../helpers/requires.js';
import { scratch } from '../helpers/scratch.js';

const SHIPPED = new URL('../../policies', import.meta.url).pathname;
let root: string;
let dirs: PolicyDirs;
const uid = process.getuid?.() ?? 0;
const admin = (name: string, text: string, mode = 0o644) => {
  const p = join(dirs.admin, name);
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
  return p;
};

beforeEach(() => {
  root = scratch('ng-policy-');
  dirs = { shipped: SHIPPED, admin: join(root, 'policies.d'), trustedUid: uid };
  mkdirSync(dirs.admin, { mode: 0o755 });
  chmodSync(dirs.admin, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadPolicy', () => {
  it('shipped defaults alone, when policies.d is empty or absent', () => {
    const a = loadPolicy(dirs);
    expect(a.errors).toEqual([]);
    expect(Object.keys(a.policy.units)).toEqual(['systemd-networkd.service', 'tailscaled.service', 'nftables.service']);
    rmSync(dirs.admin, { recursive: true });
    expect(loadPolicy(dirs).policy).toEqual(a.policy);
  });

  it('admin files apply in sorted order, a later one overriding an earlier one, with origins', () => {
    const second = admin('60-b.yaml', 'units:\n  tailscaled.service:\n    default: veto\n');
    admin(
      '50-a.yaml',
      'units:\n  tailscaled.service:\n    default: defer\n  sshd-ts.socket:\n    after: [tailscaled.service]\n',
    );
    admin('README', 'not yaml, ignored');
    const { policy, errors, fellBack } = loadPolicy(dirs);
    expect({ errors, fellBack }).toEqual({ errors: [], fellBack: false });
    expect(policy.units['tailscaled.service']).toMatchObject({
      default: 'veto',
      package: 'tailscale',
      from: { default: `${second}:3:5` },
    });
    expect(policy.units['sshd-ts.socket']?.after).toEqual(['tailscaled.service']);
    expect(policy.sources.map((s) => s.split('/').pop())).toEqual(['00-defaults.yaml', '50-a.yaml', '60-b.yaml']);
  });

  it('one broken admin file: errors with file:line:col, and the shipped defaults apply alone', () => {
    admin('50-good.yaml', 'units:\n  tailscaled.service:\n    default: defer\n');
    const bad = admin('60-bad.yaml', 'units:\n  tailscaled.service:\n    default: maybe\n');
    const r = loadPolicy(dirs);
    expect(r.fellBack).toBe(true);
    expect(r.errors).toEqual([
      `${bad}:3:14: tailscaled.service.default: unknown mode 'maybe' (hint: use one of allow, guarded, defer, veto)`,
    ]);
    expect(r.policy.units['tailscaled.service']?.default).toBe('guarded');
  });

  it('cross-file checks: an unknown unit in after:, and an ordering cycle', () => {
    const f = admin('50-x.yaml', 'units:\n  a.service:\n    after: [nope.service]\n');
    expect(loadPolicy(dirs).errors).toEqual([
      `${f}:3:5: a.service: after names nope.service, which no file declares (hint: declare nope.service under units:, or drop it)`,
    ]);
    rmSync(f);
    admin('50-y.yaml', 'units:\n  systemd-networkd.service:\n    after: [nftables.service]\n');
    expect(loadPolicy(dirs).errors[0]).toMatch(
      /ordering cycle among systemd-networkd.service, tailscaled.service, nftables.service/,
    );
  });

  it('a file others can write is refused, and so is a writable directory', () => {
    const f = admin('50-open.yaml', 'units: {}\n', 0o666);
    expect(loadPolicy(dirs).errors).toEqual([`${f}: refused: writable by group or others (mode 666); chmod go-w ${f}`]);
    chmodSync(f, 0o644);
    chmodSync(dirs.admin, 0o777);
    expect(loadPolicy(dirs)).toMatchObject({
      fellBack: true,
      errors: [`${dirs.admin}: refused: writable by group or others (mode 777); chmod go-w ${dirs.admin}`],
    });
  });

  it.skipIf(missing('policy ownership', { root: true }))('a file not owned by root is refused [root]', () => {
    const f = admin('50-nobody.yaml', 'units: {}\n');
    chownSync(f, 65534, 65534);
    expect(loadPolicy({ ...dirs, trustedUid: 0 }).errors).toEqual([
      `${f}: refused: owned by uid 65534, not root; chown root:root ${f}`,
    ]);
  });
});

describe('policy warnings: valid, but not what the author likely meant', () => {
  it.each([
    [
      'a rule decides a unit no file declares',
      'packages:\n  - name: ssh\n    match: [openssh-server]\n    units: {ssh.service: guarded}\n    reason: r\n',
      [/50-w\.yaml:2:5: rule ssh decides ssh\.service, which no file declares under units:.*no gate is armed/],
    ],
    [
      'refuse-stop without a package',
      'units:\n  ssh.socket:\n    refuse-stop: true\n',
      [/50-w\.yaml:3:5: ssh\.socket has refuse-stop but no package:.*free to stop/],
    ],
    [
      'a declared unit with its package',
      'units:\n  ssh.socket:\n    package: openssh-server\n    refuse-stop: true\n',
      [],
    ],
  ])('%s', (_, text, want) => {
    admin('50-w.yaml', text);
    const r = loadPolicy(dirs);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(want.length);
    want.forEach((re, i) => expect(r.warnings[i]).toMatch(re));
  });
  it('the shipped policy has none', () => expect(loadPolicy(dirs).warnings).toEqual([]));
});

describe('hostile policy files: refused with the path, the defaults apply', () => {
  it('a symlink to a file a user owns', () => {
    const theirs = join(root, 'theirs.yaml');
    writeFileSync(theirs, 'units:\n  tailscaled.service:\n    default: allow\n', { mode: 0o644 });
    if (uid === 0) chownSync(theirs, 65534, 65534);
    else return; // as a user, every file is "a user's": the case needs root to tell
    symlinkSync(theirs, join(dirs.admin, '50-link.yaml'));
    const r = loadPolicy(dirs);
    expect(r.errors).toEqual([
      `${join(dirs.admin, '50-link.yaml')}: refused: owned by uid 65534, not root; chown root:root ${join(dirs.admin, '50-link.yaml')}`,
    ]);
    expect(r.fellBack).toBe(true);
    expect(r.policy.units['tailscaled.service']?.default).toBe('guarded');
  });
  it('an alias bomb (a billion laughs) is refused in well under a second', () => {
    let y = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      y += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const p = admin('50-bomb.yaml', `${y}units:\n  x.service:\n    after: *a8\n`);
    const t = Date.now();
    const r = loadPolicy(dirs);
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(r.fellBack).toBe(true);
    expect(r.errors.some((e) => e.startsWith(`${p}:`))).toBe(true);
  });
});
