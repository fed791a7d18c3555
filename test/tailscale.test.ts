// The Tailscale facts every layer shares: which rules are tailscaled's, and which units to probe.
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNITS, isTailscaleAddr, isTailscaleRule, unitsToProbe } from '../src/tailscale.js';
import type { Snapshot } from '../src/snapshot/model.js';

describe('isTailscaleRule', () => {
  it.each([
    [5210, 'main', true],
    [5230, 'default', true],
    [5250, 'unreachable', true],
    [5270, '52', true],
    [5200, 'main', true],
    [5299, 'main', true],
    [5300, 'main', false],
    [5199, 'main', false],
    [32766, 'main', false],
    [100, '52', true], // anything that looks up table 52 is tailscaled's
  ])('priority %i table %s: %s', (priority, table, want) => expect(isTailscaleRule({ priority, table })).toBe(want));
});

describe('unitsToProbe', () => {
  const seen = (ids: string[]) =>
    ({
      probes: { systemd: { status: 'ok', ms: 0, data: { units: ids.map((id) => ({ id })) } } },
    }) as unknown as Snapshot;
  const policy = { units: { 'a.service': {}, 'b.service': {} } } as never;
  it.each([
    ['no policy: the defaults', null, undefined, [...DEFAULT_UNITS]],
    ['the policy', policy, undefined, ['a.service', 'b.service']],
    [
      'plus what the baseline recorded',
      policy,
      seen(['b.service', 'c.service']),
      ['a.service', 'b.service', 'c.service'],
    ],
    [
      'a baseline whose systemd probe failed adds nothing',
      policy,
      { probes: { systemd: { status: 'unavailable', ms: 0, reason: 'x' } } } as unknown as Snapshot,
      ['a.service', 'b.service'],
    ],
  ])('%s', (_, p, base, want) => expect(unitsToProbe(p, base)).toEqual(want));
});

describe('isTailscaleAddr', () => {
  it.each<[string, boolean]>([
    ['100.64.0.1', true],
    ['100.127.255.254', true],
    ['100.63.255.255', false],
    ['100.128.0.1', false],
    ['10.10.10.1', false],
    ['fd7a:115c:a1e0::1', true],
    ['[fd7a:115c:a1e0:ab12::1]', true],
    ['FD7A:115C:A1E0::1', true],
    ['fd7a:115c:a1e1::1', false],
    ['*', false],
  ])('%s: %s', (a, want) => expect(isTailscaleAddr(a)).toBe(want));
});
