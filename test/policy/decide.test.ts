import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PkgChange } from '../../src/apt/hookinfo.js';
import { decide } from '../../src/policy/decide.js';
import { mergeFragments } from '../../src/policy/model.js';
import { validatePolicy } from '../../src/policy/validate.js';

// The shipped defaults, exactly as installed.
const shipped = validatePolicy(
  '00-defaults.yaml',
  readFileSync(new URL('../../policies/00-defaults.yaml', import.meta.url), 'utf8'),
);
const policy = mergeFragments([shipped.fragment]);

const up = (name: string, from: string | null, to: string | null): PkgChange => ({
  name,
  oldVersion: from,
  newVersion: to,
  arch: 'amd64',
  direction: to === null ? '>' : '<',
  action: to === null ? 'remove' : 'install',
  debPath: to === null ? null : `/var/cache/apt/archives/${name}_${to}_amd64.deb`,
});
const brief = (changes: PkgChange[]) => {
  const r = decide(policy, changes);
  return {
    decisions: r.decisions.map((d) => `${d.unit}=${d.action}:${d.step} by ${d.rule} (${d.packages.join(',')})`),
    order: r.order,
    deferred: r.deferred,
    unmatched: r.unmatched,
  };
};

describe('decide with the shipped defaults', () => {
  it('the shipped file is valid', () => expect(shipped.errors).toEqual([]));

  it.each<[string, PkgChange[], ReturnType<typeof brief>]>([
    [
      'kmod upgrade',
      [up('kmod', '30+20221128-1', '30+20221128-2')],
      {
        decisions: [
          'systemd-networkd.service=veto:restart by kmod-userspace (kmod)',
          'tailscaled.service=veto:restart by kmod-userspace (kmod)',
        ],
        order: [],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'libkmod2 + libsystemd-shared upgrade',
      [
        up('libkmod2', '30+20221128-1', '30+20221128-2'),
        up('libsystemd-shared', '252.38-1~deb12u1', '252.39-1~deb12u1'),
      ],
      {
        decisions: [
          'systemd-networkd.service=guarded:restart by systemd (libkmod2,libsystemd-shared)',
          'tailscaled.service=veto:restart by kmod-userspace (libkmod2)',
        ],
        order: ['systemd-networkd.service'],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'tailscale 1.80 -> 1.82',
      [up('tailscale', '1.80.0', '1.82.0')],
      {
        decisions: [
          'tailscaled.service=guarded:restart by tailscale (tailscale)',
          'nftables.service=guarded:reload by tailscale (tailscale)',
        ],
        order: ['tailscaled.service', 'nftables.service'],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'systemd upgrade',
      [up('systemd', '252.38-1~deb12u1', '252.39-1~deb12u1')],
      {
        decisions: ['systemd-networkd.service=guarded:restart by systemd (systemd)'],
        order: ['systemd-networkd.service'],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'a split systemd-networkd package (systemd 259 and later)',
      [up('systemd-networkd', '259.1-1', '259.2-1')],
      {
        decisions: ['systemd-networkd.service=guarded:restart by systemd (systemd-networkd)'],
        order: ['systemd-networkd.service'],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      "libc6 upgrade (Debian 13: systemd's libc-upgrade trigger)",
      [up('libc6', '2.41-12', '2.41-12+deb13u1')],
      {
        decisions: ['systemd-networkd.service=guarded:restart by libc-upgrade (libc6)'],
        order: ['systemd-networkd.service'],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'libc6 removed: no rule speaks (on: [install])',
      [up('libc6', '2.41-12', null)],
      { decisions: [], order: [], deferred: [], unmatched: ['libc6'] },
    ],
    [
      'tailscale removal: its unit must be free to stop',
      [up('tailscale', '1.82.0', null)],
      {
        decisions: ['tailscaled.service=allow:restart by package-removed (tailscale)'],
        order: [],
        deferred: [],
        unmatched: [],
      },
    ],
    [
      'a package with no rule',
      [up('hostname', '3.23+nmu1', '3.23+nmu1')],
      { decisions: [], order: [], deferred: [], unmatched: ['hostname'] },
    ],
    [
      'systemd and tailscale in one run: networkd, then tailscaled, then nftables',
      [up('tailscale', '1.80.0', '1.82.0'), up('systemd', '252.38-1', '252.39-1')],
      {
        decisions: [
          'systemd-networkd.service=guarded:restart by systemd (systemd)',
          'tailscaled.service=guarded:restart by tailscale (tailscale)',
          'nftables.service=guarded:reload by tailscale (tailscale)',
        ],
        order: ['systemd-networkd.service', 'tailscaled.service', 'nftables.service'],
        deferred: [],
        unmatched: [],
      },
    ],
  ])('%s', (_name, changes, want) => {
    expect(brief(changes)).toEqual(want);
  });
});

describe('decide: rule semantics', () => {
  const local = (yaml: string) => mergeFragments([shipped.fragment, validatePolicy('50-local.yaml', yaml).fragment]);
  it.each<[string, string, PkgChange[], string[]]>([
    [
      'a version range on the upstream part: 1.82 matches >=1.82',
      'packages:\n  - {name: new-ts, match: tailscale, version: ">=1.82", units: {tailscaled.service: defer}, reason: r}\n',
      [up('tailscale', '1.80.0', '1:1.82.0-1')],
      ['tailscaled.service=defer', 'nftables.service=guarded'],
    ],
    [
      '... and 1.81.9~rc1 does not',
      'packages:\n  - {name: new-ts, match: tailscale, version: ">=1.82", units: {tailscaled.service: defer}, reason: r}\n',
      [up('tailscale', '1.80.0', '1.81.9~rc1')],
      ['tailscaled.service=guarded', 'nftables.service=guarded'],
    ],
    [
      'a glob',
      'packages:\n  - {match: "libsystemd*", units: {tailscaled.service: defer}, reason: r}\n',
      [up('libsystemd0', '1', '2')],
      ['systemd-networkd.service=guarded', 'tailscaled.service=defer'],
    ],
    [
      'a rule with the same name replaces the shipped one',
      'packages:\n  - {name: kmod-userspace, match: kmod, units: {tailscaled.service: allow}, reason: r}\n',
      [up('kmod', '1', '2')],
      ['tailscaled.service=allow'],
    ],
    [
      'defer beats guarded across packages',
      'packages:\n  - {match: kmod, units: {tailscaled.service: defer}, reason: r}\n',
      [up('tailscale', '1.80.0', '1.82.0'), up('kmod', '1', '2')],
      ['systemd-networkd.service=veto', 'tailscaled.service=defer', 'nftables.service=guarded'],
    ],
  ])('%s', (_name, yaml, changes, want) => {
    expect(decide(local(yaml), changes).decisions.map((d) => `${d.unit}=${d.action}`)).toEqual(want);
  });

  it('deferred units come out in dependency order', () => {
    const p = local(
      'packages:\n  - {name: tailscale, match: tailscale, units: {nftables.service: defer, tailscaled.service: defer}, reason: r}\n',
    );
    expect(decide(p, [up('tailscale', '1.80.0', '1.82.0')]).deferred).toEqual([
      'tailscaled.service',
      'nftables.service',
    ]);
  });
});
