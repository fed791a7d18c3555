// Post-conditions against fresh state (pure): met, unmet with the reason, or not readable.
import { describe, expect, it } from 'vitest';
import { unmet, unmetAll, type Live } from '../../src/restore/checks.js';
import type { Check } from '../../src/restore/model.js';

const live: Live = {
  systemd: {
    units: [
      { id: 'a.service', activeState: 'active', subState: 'running' } as never,
      { id: 'b.service', activeState: 'failed', subState: 'failed' } as never,
    ],
  },
  links: { links: [{ ifname: 'tailscale0' } as never] },
  tailscale: { backendState: 'Starting' } as never,
  routes: { routes: { '4 52': ['throw 10.10.10.0/24   0 boot'] } },
  rules: { rules: [{ family: 4, priority: 5270, table: '52', selector: '' }] },
  nft: {
    rules: [
      {
        ifMatches: [
          { key: 'iif', value: 'tailscale0' },
          { key: 'oif', value: '7' },
        ],
      } as never,
    ],
  } as never,
  sockets: { listeners: [{ address: '100.64.0.1', port: 22 } as never] },
};
const route = {
  family: 4 as const,
  table: '52',
  type: 'throw',
  dst: '10.10.10.0/24',
  dev: null,
  gateway: null,
  metric: 0,
};

describe('unmet', () => {
  it.each<[string, Check, Live, string | null]>([
    ['unit active', { kind: 'unit-active', unit: 'a.service' }, live, null],
    ['unit failed', { kind: 'unit-active', unit: 'b.service' }, live, 'b.service is failed/failed'],
    ['unit unknown', { kind: 'unit-active', unit: 'c.service' }, live, 'c.service is unknown'],
    ['systemd not readable', { kind: 'unit-active', unit: 'a.service' }, {}, 'systemd could not be read'],
    ['link present', { kind: 'link-present', ifname: 'tailscale0' }, live, null],
    ['link absent', { kind: 'link-present', ifname: 'wg0' }, live, 'wg0 is absent'],
    ['backend not Running', { kind: 'tailscale-running' }, live, 'tailscale BackendState is Starting'],
    ['route back (protocol aside)', { kind: 'routes-present', routes: [route] }, live, null],
    [
      'route still missing',
      { kind: 'routes-present', routes: [{ ...route, dst: '10.9.0.0/16' }] },
      live,
      '1 routes still missing, e.g. throw 10.9.0.0/16 table 52',
    ],
    [
      'rule back',
      { kind: 'rules-present', rules: [{ family: 4, priority: 5270, table: '52', selector: '' }] },
      live,
      null,
    ],
    [
      'rule missing',
      { kind: 'rules-present', rules: [{ family: 6, priority: 5270, table: '52', selector: '' }] },
      live,
      '1 rules still missing, e.g. priority 5270',
    ],
    [
      'a bare ifindex still printed',
      { kind: 'nft-resolves', ifname: 'tailscale0', count: 1 },
      live,
      '1 iif/oif matches still hold a bare ifindex',
    ],
    ['listening', { kind: 'listening', address: '100.64.0.1', port: 22 }, live, null],
    ['not listening', { kind: 'listening', address: '100.64.0.1', port: 80 }, live, 'nothing listens on 100.64.0.1:80'],
  ])('%s', (_, check, state, want) => expect(unmet(check, state)).toBe(want));
  it('nft resolves once every match prints the name again', () => {
    const nft = { rules: [{ ifMatches: [{ key: 'iif', value: 'tailscale0' }] }] } as never;
    expect(unmet({ kind: 'nft-resolves', ifname: 'tailscale0', count: 1 }, { nft })).toBeNull();
    expect(unmet({ kind: 'nft-resolves', ifname: 'tailscale0', count: 2 }, { nft })).toBe(
      '1 of 2 iif/oif matches print tailscale0',
    );
  });
  it('unmetAll lists only the unmet ones', () =>
    expect(unmetAll([{ kind: 'link-present', ifname: 'tailscale0' }, { kind: 'tailscale-running' }], live)).toEqual([
      'tailscale BackendState is Starting',
    ]));
});
