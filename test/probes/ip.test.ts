// links, rules and routes parsers against real iproute2 6.1 output.
import { describe, expect, it } from 'vitest';
import { probe as links } from '../../src/probes/links.js';
import { probe as rules } from '../../src/probes/rules.js';
import { probe as routes, decodeAll, decodeRoute, encodeRoute, routeKeyOf } from '../../src/probes/routes.js';
import { fixture } from '../helpers/fixtures.js';

describe('links.parse', () => {
  it('reads names, indexes, kinds and addresses from the namespace lab', () => {
    const { links: ls } = links.parse([fixture('bookworm-netns/ip-addr.json')]);
    expect(ls.map((l) => [l.ifname, l.kind])).toEqual([
      ['lo', null],
      ['peer0', 'veth'],
      ['eth0', 'veth'],
      ['tailscale0', 'tun'],
    ]);
    const ts = ls.find((l) => l.ifname === 'tailscale0')!;
    expect(ts.ifindex).toBe(4);
    expect(ts.addresses).toEqual([
      { family: 'inet', local: '100.64.0.7', prefixlen: 32 },
      { family: 'inet6', local: 'fd7a:115c:a1e0::7', prefixlen: 128 },
    ]);
  });
  it('sees the recreated tailscale0 under a new index', () => {
    const before = links.parse([fixture('bookworm-netns/ip-addr.json')]).links.find((l) => l.ifname === 'tailscale0')!;
    const after = links
      .parse([fixture('bookworm-netns-recreated/ip-addr.json')])
      .links.find((l) => l.ifname === 'tailscale0')!;
    expect(after.ifindex).toBeGreaterThan(before.ifindex);
  });
  it('parses a real host', () => {
    const { links: ls } = links.parse([fixture('bookworm-host/ip-addr.json')]);
    expect(ls.some((l) => l.ifname === 'lo' && l.addresses.some((a) => a.local === '127.0.0.1'))).toBe(true);
  });
  it('rejects output that is not a JSON array', () => {
    expect(() => links.parse(['{}'])).toThrow(/JSON array/);
    expect(() => links.parse(['Error: something'])).toThrow();
  });
});

describe('rules.parse', () => {
  it("keeps tailscaled's rules with their selectors", () => {
    const { rules: rs } = rules.parse([
      fixture('bookworm-netns/ip-rule4.json'),
      fixture('bookworm-netns/ip-rule6.json'),
    ]);
    expect(rs.filter((r) => r.priority >= 5200 && r.priority < 5300)).toEqual([
      { family: 4, priority: 5210, table: 'main', selector: 'fwmark=0x80000 fwmask=0xff0000' },
      { family: 4, priority: 5230, table: 'default', selector: 'fwmark=0x80000 fwmask=0xff0000' },
      { family: 4, priority: 5250, table: 'unreachable', selector: 'fwmark=0x80000 fwmask=0xff0000' },
      { family: 4, priority: 5270, table: '52', selector: '' },
      { family: 6, priority: 5270, table: '52', selector: '' },
    ]);
  });
  it('parses a real host', () => {
    const { rules: rs } = rules.parse([fixture('bookworm-host/ip-rule4.json'), fixture('bookworm-host/ip-rule6.json')]);
    expect(rs.find((r) => r.priority === 32766)).toMatchObject({ table: 'main' });
  });
});

describe('routes.parse', () => {
  const state = routes.parse([fixture('bookworm-netns/ip-route4.json'), fixture('bookworm-netns/ip-route6.json')]);
  const rs = decodeAll(state);
  it.each([
    ['throw route', { family: 4, table: '52', type: 'throw', dst: '10.10.10.0/24' }],
    ['default via tailscale0', { family: 4, table: '52', type: 'unicast', dst: 'default', dev: 'tailscale0' }],
    ['v6 default in 52', { family: 6, table: '52', type: 'unicast', dst: 'default', dev: 'tailscale0', metric: 1024 }],
    ['main-table connected route', { family: 4, table: 'main', dst: '10.10.10.0/24', dev: 'eth0', protocol: 'kernel' }],
    ['local table', { family: 4, table: 'local', type: 'local', dst: '100.64.0.7', dev: 'tailscale0' }],
  ])('%s', (_name, want) => {
    expect(rs).toContainEqual(expect.objectContaining(want));
  });
  it('labels every route with the family asked for', () => {
    expect(rs.filter((r) => r.family === 6).every((r) => r.dst === 'default' || r.dst.includes(':'))).toBe(true);
    expect(rs.filter((r) => r.family === 4).every((r) => !r.dst.includes(':'))).toBe(true);
  });
  it.each([
    ['the throw route, no dev, gateway or protocol', '4 52', 'throw 10.10.10.0/24   0 '],
    ['a v6 metric', '6 52', 'unicast default tailscale0  1024 '],
    ['a kernel route with its protocol', '4 main', 'unicast 10.10.10.0/24 eth0  0 kernel'],
  ])('stores %s as one line in its family and table', (_name, group, line) =>
    expect(state.routes[group]).toContain(line),
  );
  it('groups in dump order, decodes every line back to what it encodes, and keys a route without its protocol', () => {
    expect(Object.keys(state.routes)).toEqual(['4 52', '4 main', '4 local', '6 52', '6 main', '6 local']);
    for (const [g, ls] of Object.entries(state.routes))
      for (const l of ls) expect(encodeRoute(decodeRoute(g, l))).toEqual([g, l]);
    expect(routeKeyOf('unicast 10.10.10.0/24 eth0  0 kernel')).toBe(routeKeyOf('unicast 10.10.10.0/24 eth0  0 static'));
    expect(routeKeyOf('unicast 10.10.10.0/24 eth0  0 kernel')).not.toBe(
      routeKeyOf('unicast 10.10.10.0/24 eth0  5 kernel'),
    );
  });
  it('parses a real host', () => {
    const host = decodeAll(
      routes.parse([fixture('bookworm-host/ip-route4.json'), fixture('bookworm-host/ip-route6.json')]),
    );
    expect(host.some((r) => r.table === 'local' && r.type === 'local')).toBe(true);
  });
});
