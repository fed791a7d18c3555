// Table cases for the small pure parts of the restore: gate, verification, replay argv, loader detection.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diff/index.js';
import { refusal } from '../../src/restore/ratelimit.js';
import { runsNft } from '../../src/restore/loaders.js';
import { execArgvs } from '../../src/probes/systemd.js';
import type { RestoreRecord } from '../../src/restore/model.js';
import { routeArgv, ruleArgv } from '../../src/restore/replay.js';
import { classify, isUnexpected } from '../../src/restore/verify.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const past = (id: string, minutesAgo: number, automatic = true, state: RestoreRecord['state'] = 'verified') => ({
  trigger: { kind: 'txn' as const, id },
  automatic,
  state,
  startedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
});

describe('refusal: one automatic restore per trigger, a few per hour', () => {
  it.each<[string, ReturnType<typeof past>[], string | null]>([
    ['first ever', [], null],
    ['same trigger again (Post-Invoke twice, or a loop)', [past('t1', 1)], 'already attempted once for txn t1'],
    [
      'same trigger, even if that one was refused',
      [past('t1', 1, true, 'refused')],
      'already attempted once for txn t1',
    ],
    [
      'three in the last hour',
      [past('a', 5), past('b', 20), past('c', 59)],
      'rate limit: 3 automatic restores in the last hour (restore.max-per-hour 3)',
    ],
    ['three, one of them older than an hour', [past('a', 5), past('b', 20), past('c', 61)], null],
    ['manual ones do not count', [past('a', 5, false), past('b', 20, false), past('c', 30, false)], null],
    ['refused ones do not count', [past('a', 5, true, 'refused'), past('b', 6), past('c', 7)], null],
  ])('%s', (_, recent, want) => expect(refusal(recent, { kind: 'txn', id: 't1' }, NOW, 3)).toBe(want));
});

const f = (x: Partial<Finding> & { kind: Finding['kind'] }): Finding => ({ severity: 'warning', ...x }) as Finding;
describe('isUnexpected: what verification holds against a restore', () => {
  it.each<[Finding, boolean]>([
    [f({ kind: 'route-missing', table: '52' }), true],
    [f({ kind: 'rule-missing', priority: 5270 }), true],
    [f({ kind: 'nft-stale-ifindex' }), true],
    [f({ kind: 'probe-unavailable', probe: 'tailscale' }), true],
    [
      f({ kind: 'unit-state-changed', unit: 'tailscaled.service', before: 'active/running', after: 'failed/failed' }),
      true,
    ],
    [
      f({ kind: 'unit-state-changed', unit: 'nftables.service', before: 'inactive/dead', after: 'active/exited' }),
      false,
    ],
    [f({ kind: 'unit-restarted', unit: 'tailscaled.service' }), false],
    [f({ kind: 'ifindex-changed', ifname: 'tailscale0', before: 5, after: 9 }), false],
    [f({ kind: 'route-added' }), false],
    [f({ kind: 'listener-missing', severity: 'critical', address: '100.64.0.7', port: 22 }), true],
    [f({ kind: 'listener-missing', severity: 'warning', address: '0.0.0.0', port: 5353 }), false],
    [f({ kind: 'tailscale-state-changed', severity: 'critical', field: 'BackendState' }), true],
  ])('%j -> %s', (finding, want) => expect(isUnexpected(finding)).toBe(want));
});

// Captured in the demo: tailscale0 had carrier (so a link-local address), then tailscaled restarted it.
const recreatedTun = [
  f({ kind: 'ifindex-changed', ifname: 'tailscale0', before: 6, after: 7 }),
  f({ kind: 'address-missing', ifname: 'tailscale0', address: 'fe80::c71d:c2dc:c32c:170e/64' }),
  f({ kind: 'route-missing', family: 6, table: 'main', dst: 'fe80::/64', type: 'unicast', dev: 'tailscale0' }),
  f({
    kind: 'route-missing',
    family: 6,
    table: 'local',
    dst: 'fe80::c71d:c2dc:c32c:170e',
    type: 'local',
    dev: 'tailscale0',
  }),
  f({ kind: 'route-missing', family: 6, table: 'local', dst: 'ff00::/8', type: 'multicast', dev: 'tailscale0' }),
];
describe('classify: a recreated link cannot keep its kernel-made IPv6 link-local state', () => {
  it.each<[string, Finding[], number]>([
    ['tailscale0 recreated: its old fe80 address and routes are expected to go', recreatedTun, 0],
    ['not recreated: the same losses count', recreatedTun.slice(1), 4],
    [
      'recreated, but a Tailscale route or address is lost',
      [
        ...recreatedTun,
        f({
          kind: 'route-missing',
          family: 6,
          table: '52',
          dst: 'fd7a:115c:a1e0::/48',
          type: 'unicast',
          dev: 'tailscale0',
        }),
        f({ kind: 'address-missing', ifname: 'tailscale0', address: 'fd7a:115c:a1e0::1/128' }),
      ],
      2,
    ],
    [
      'another link recreated: tailscale0 link-local loss still counts',
      [f({ kind: 'ifindex-changed', ifname: 'lan0', before: 3, after: 8 }), ...recreatedTun.slice(1)],
      4,
    ],
  ])('%s', (_, findings, unexpected) => expect(classify(findings).unexpected).toHaveLength(unexpected));
});

describe('replay argv', () => {
  it.each([
    [
      { family: 4 as const, table: '52', type: 'throw', dst: '10.10.10.0/24', dev: null, gateway: null, metric: 0 },
      'ip -4 route replace throw 10.10.10.0/24 table 52',
    ],
    [
      {
        family: 6 as const,
        table: '52',
        type: 'unicast',
        dst: 'default',
        dev: 'tailscale0',
        gateway: null,
        metric: 1024,
      },
      'ip -6 route replace default dev tailscale0 table 52 metric 1024',
    ],
    [
      {
        family: 4 as const,
        table: 'main',
        type: 'unicast',
        dst: '192.0.2.0/24',
        dev: 'eth0',
        gateway: '10.0.0.1',
        metric: 0,
      },
      'ip -4 route replace 192.0.2.0/24 via 10.0.0.1 dev eth0 table main',
    ],
  ])('route %j', (r, want) => expect(routeArgv(r).join(' ')).toBe(want));
  it.each([
    [
      { family: 4 as const, priority: 5210, table: 'main', selector: 'fwmark=0x80000 fwmask=0xff0000' },
      'ip -4 rule add pref 5210 fwmark 0x80000/0xff0000 table main',
    ],
    [
      { family: 4 as const, priority: 5250, table: 'unreachable', selector: 'fwmark=0x80000 fwmask=0xff0000' },
      'ip -4 rule add pref 5250 fwmark 0x80000/0xff0000 unreachable',
    ],
    [{ family: 6 as const, priority: 5270, table: '52', selector: '' }, 'ip -6 rule add pref 5270 table 52'],
  ])('rule %j', (r, want) => expect(ruleArgv(r).join(' ')).toBe(want));
});

describe('nft loader detection', () => {
  const scripts: Record<string, string> = {
    '/usr/local/sbin/nftables-local.sh':
      '#!/bin/sh\nset -e\nnft flush table inet filter\nnft -f /etc/nftables-local.nft\n',
    '/usr/local/sbin/other.sh': '#!/bin/sh\necho nftables are nice\n',
  };
  const head = (p: string) => scripts[p] ?? null;
  it('reads every argv[] of an ExecStart property', () => {
    expect(
      execArgvs(
        '{ path=/usr/sbin/nft ; argv[]=/usr/sbin/nft -f /etc/nftables.conf ; ignore_errors=no ; start_time=[n/a] }',
      ),
    ).toEqual([['/usr/sbin/nft', '-f', '/etc/nftables.conf']]);
  });
  it.each<[string[], boolean]>([
    [['/usr/sbin/nft', '-f', '/etc/nftables.conf'], true],
    [['/usr/local/sbin/nftables-local.sh'], true],
    [['/bin/sh', '-c', '/usr/local/sbin/nftables-local.sh'], true],
    [['/bin/sh', '-c', 'nft', '-f', '/etc/nftables.d/x.nft'], true],
    [['/bin/sh', '/usr/local/sbin/nftables-local.sh'], true],
    [['/usr/local/sbin/other.sh'], false],
    [['/usr/sbin/sshd', '-D'], false],
  ])('%j runs nft: %s', (argv, want) => expect(runsNft(argv, head)).toBe(want));
});
