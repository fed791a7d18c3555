// The textfile's exposition text against golden files, each also checked by Prometheus' own
// promtool (Debian's `prometheus` package), and the example alerting rules with it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exposition, type MetricsInput } from '../../src/metrics/exposition.js';
import { missing } from '../helpers/requires.js';

const fresh: MetricsInput = {
  version: '0.1.0',
  lastTransactionAt: null,
  lastRestore: null,
  restores: {},
  owed: [],
  lost: {},
  hookFailures: {},
  probesUnavailable: [],
  watch: { up: true, signatures: {} },
  doctor: null,
};
const busy: MetricsInput = {
  version: '0.1.0',
  lastTransactionAt: 1796520000,
  lastRestore: { at: 1796520042, verified: false },
  restores: { 'txn|verified': 12, 'watch|verified': 3, 'txn|failed': 1, 'manual|verified': 1 },
  owed: [
    { unit: 'cron.service', mode: 'defer' },
    { unit: 'tailscaled.service', mode: 'guarded' },
  ],
  lost: { 'route-missing': 1, 'nft-stale-ifindex': 2 },
  hookFailures: { 'post-invoke': 2 },
  probesUnavailable: ['nft', 'nft', 'tailscale'],
  watch: { up: false, signatures: { 'stale-iif': true, 'table52-lost': false } },
  doctor: [
    { id: 'socket-on-tailscale-ip', severity: 'error' },
    { id: 'socket-on-tailscale-ip', severity: 'error' },
    { id: 'nft-iif-by-index', severity: 'warn' },
  ],
};
const odd: MetricsInput = { ...fresh, version: 'dev"\\\n', owed: [{ unit: 'a"b.service', mode: 'defer' }] };

describe('exposition', () => {
  it.each([
    ['fresh', fresh],
    ['busy', busy],
  ])('%s host: the golden file', async (name, m) => {
    await expect(exposition(m)).toMatchFileSnapshot(`golden/${name}.prom`);
  });
  it('escapes label values (backslash, quote, newline)', () => {
    const t = exposition(odd);
    expect(t).toContain('apt_netguard_info{version="dev\\"\\\\\\n"} 1');
    expect(t).toContain('apt_netguard_restarts_owed{unit="a\\"b.service",mode="defer"} 1');
  });
  it('a probe blind before and after is one series', () =>
    expect(exposition(busy).match(/apt_netguard_probe_unavailable\{probe="nft"\}/g)).toHaveLength(1));
});

const skip = missing('promtool', { tools: ['promtool'] });
describe.skipIf(skip !== null)('promtool [real tool]', () => {
  const lint = (text: string) => spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  it.each([
    ['fresh', fresh],
    ['busy', busy],
    ['odd', odd],
  ])('promtool check metrics: %s', (_, m) => {
    const r = lint(exposition(m));
    expect([r.status, `${r.stdout}${r.stderr}`.trim()]).toEqual([0, '']);
  });
  it('promtool check metrics still catches a counter without _total (the check can fail)', () => {
    const bad = exposition(fresh).replace(/apt_netguard_hook_failures_total/g, 'apt_netguard_hook_failures');
    expect(lint(bad).status).not.toBe(0);
  });
  it('promtool check rules: examples/prometheus/apt-netguard.rules.yml', () => {
    const file = new URL('../../examples/prometheus/apt-netguard.rules.yml', import.meta.url).pathname;
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 6 rules found/);
  });
});
