// The watch's breakage signatures, table-driven: each one, and the drift that must not be one.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diff/index.js';
import { classify, type WatchFacts } from '../../src/watch/classify.js';

const route = (table: string, dst: string): Finding => ({
  kind: 'route-missing',
  severity: 'critical',
  family: 4,
  table,
  dst,
  type: 'throw',
  dev: null,
  gateway: null,
  metric: 0,
});
const rule = (priority: number, table = '52'): Finding => ({
  kind: 'rule-missing',
  severity: 'critical',
  family: 4,
  priority,
  table,
  selector: '',
});
const stale: Finding = {
  kind: 'nft-stale-ifindex',
  severity: 'critical',
  family: 'inet',
  table: 'lab',
  chain: 'forward',
  handle: 4,
  key: 'iif',
  index: 6,
  ifname: 'tailscale0',
  shown: '6',
};
const listener = (address: string): Finding => ({
  kind: 'listener-missing',
  severity: 'warning',
  proto: 'tcp',
  address,
  port: 2222,
  iface: null,
  process: null,
});
const tsGone: Finding = { kind: 'link-missing', severity: 'critical', ifname: 'tailscale0', ifindex: 6 };

const facts = (over: Partial<WatchFacts> = {}): WatchFacts => ({
  findings: [],
  prefsChanged: false,
  tailscaledActive: true,
  backend: 'Running',
  baselineBackend: 'Running',
  tsAddress: true,
  defaultRoute: true,
  notRunningForMs: null,
  reconnectAfterMs: 90_000,
  ...over,
});

describe('classify', () => {
  it.each<[string, Partial<WatchFacts>, string[]]>([
    ['all as in the baseline', {}, []],
    ['1. tailscale0 recreated, nft holds the old index', { findings: [stale] }, ['stale-iif']],
    ['1. ... but tailscale0 is not back yet: wait', { findings: [stale, tsGone] }, []],
    [
      '1 and 2 while tailscaled is still starting (boot, a restart): wait for it',
      { findings: [stale, rule(5270)], backend: 'Starting', tsAddress: false },
      [],
    ],
    [
      '1 and 2 on a host without the tailscale CLI: its address decides',
      { findings: [stale], backend: null },
      ['stale-iif'],
    ],
    [
      '1 and 2 while the backend is stuck: only 4 (a reload or restart could not verify)',
      { findings: [stale, rule(5270)], backend: 'Starting', notRunningForMs: 120_000 },
      ['backend-stuck'],
    ],
    ['2. the throw route flushed (networkd restarted)', { findings: [route('52', '10.10.10.0/24')] }, ['table52-lost']],
    ['2. rule 5270 gone', { findings: [rule(5270)] }, ['table52-lost']],
    ['2. a main-table route gone is not ours', { findings: [route('main', '192.0.2.0/24'), rule(100, 'main')] }, []],
    ['2. prefs changed on purpose: no action', { findings: [route('52', '10.10.10.0/24')], prefsChanged: true }, []],
    ['3. a listener on a Tailscale IP gone', { findings: [listener('100.64.0.1')] }, ['listener-gone']],
    ['3. ... on an IPv6 Tailscale address', { findings: [listener('[fd7a:115c:a1e0::1]')] }, ['listener-gone']],
    [
      '3. ... while tailscaled is not Running: not yet',
      { findings: [listener('100.64.0.1')], backend: 'Starting' },
      [],
    ],
    ['3. a listener on a LAN address is not ours', { findings: [listener('192.168.1.5')] }, []],
    ['4. stuck in Starting for 120 s', { backend: 'Starting', notRunningForMs: 120_000 }, ['backend-stuck']],
    ['4. Running but no Tailscale address, 95 s', { tsAddress: false, notRunningForMs: 95_000 }, ['backend-stuck']],
    ['4. only 30 s: not yet', { backend: 'Starting', notRunningForMs: 30_000 }, []],
    [
      '4. no default route (the WAN is down): a restart would not help',
      { backend: 'Starting', notRunningForMs: 120_000, defaultRoute: false },
      [],
    ],
    [
      '4. never Running in the baseline',
      { backend: 'NeedsLogin', baselineBackend: 'NeedsLogin', notRunningForMs: 120_000 },
      [],
    ],
    [
      '4. tailscaled not active: systemd owns that',
      { backend: null, tailscaledActive: false, notRunningForMs: 120_000 },
      [],
    ],
    [
      '1 and 2 at once (tailscaled crashed and flushed)',
      { findings: [stale, rule(5270)] },
      ['stale-iif', 'table52-lost'],
    ],
  ])('%s', (_what, over, want) => expect(classify(facts(over)).map((d) => d.signature)).toEqual(want));

  it('evidence names what was found', () => {
    const [d] = classify(facts({ findings: [route('52', '10.10.10.0/24')] }));
    expect(d?.evidence[0]).toMatch(/^route-missing .*10\.10\.10\.0\/24/);
  });
});
