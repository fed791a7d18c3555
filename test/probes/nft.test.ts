// nft -j parser: every rule with handle and comment, and iif/oif values as nft prints them.
import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/nft.js';
import { fixture } from '../helpers/fixtures.js';

const ifs = (file: string) =>
  probe
    .parse([fixture(file)])
    .rules.filter((r) => r.ifMatches.length)
    .map((r) => [r.chain, r.handle, r.ifMatches.map((m) => `${m.key}=${m.value}`).join(' ')]);

describe('nft.parse', () => {
  it('reads tables, chains and rules with handles and comments', () => {
    const s = probe.parse([fixture('bookworm-netns/nft.json')]);
    expect(s.tables).toEqual([
      { family: 'inet', name: 'filter' },
      { family: 'ip', name: 'nat' },
    ]);
    expect(s.chains.map((c) => `${c.table}/${c.name}/${c.hook}`)).toEqual([
      'filter/forward/forward',
      'filter/input/input',
      'nat/postrouting/postrouting',
    ]);
    expect(s.rules).toHaveLength(7);
    expect(s.rules[0]).toMatchObject({ family: 'inet', table: 'filter', chain: 'forward', comment: 'tailnet to lan' });
  });
  it('keeps interface names while they resolve (iifname is not an index match)', () => {
    expect(ifs('bookworm-netns/nft.json')).toEqual([
      ['forward', 3, 'iif=tailscale0 oif=eth0'],
      ['forward', 4, 'iif=eth0 oif=tailscale0'],
      ['input', 7, 'iif=lo'],
      ['input', 9, 'iif=eth0 iif=tailscale0'],
      ['postrouting', 2, 'oif=eth0'],
    ]);
  });
  it('shows the stale index as a digit string after tailscale0 is recreated', () => {
    expect(ifs('bookworm-netns-recreated/nft.json').slice(0, 2)).toEqual([
      ['forward', 3, 'iif=4 oif=eth0'],
      ['forward', 4, 'iif=eth0 oif=4'],
    ]);
  });
  it("shows another interface's name when the index is reused", () => {
    expect(ifs('bookworm-netns-reused/nft.json')[0]).toEqual(['forward', 3, 'iif=tun9 oif=eth0']);
  });
  it('parses an empty ruleset', () => {
    expect(probe.parse([fixture('bookworm-nspawn/nft-empty.json')])).toEqual({ tables: [], chains: [], rules: [] });
  });
  it('rejects output without the nftables array', () => {
    expect(() => probe.parse(['[]'])).toThrow(/nftables/);
  });
});
