// [root] Real kernel state in namespaces we create: the built CLI must report exactly what changed.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diff/index.js';
import { missing } from '../helpers/requires.js';
import { BUNDLE, freshLab, ifindexOf, inNs, lab } from '../helpers/netns.js';

const RULESET = new URL('../lab/ruleset.nft', import.meta.url).pathname;

const skip =
  missing('netns', { root: true, tools: ['ip', 'nft'] }) ?? (existsSync(BUNDLE) ? null : 'run npm run build first');

describe.skipIf(skip !== null)('namespace lab [root]', () => {
  let current: ReturnType<typeof freshLab> | null = null;
  afterEach(() => current?.teardown());

  // Snapshot, mutate, then `diff --since-last --json` inside the namespace.
  function scenario(tag: string, mutate: (ns: string) => void): { code: number | null; findings: Finding[] } {
    current = freshLab(tag);
    const snap = current.cli('snapshot', '--label', 'pre');
    expect(snap.code, snap.stderr).toBe(0);
    mutate(current.ns);
    const d = current.cli('diff', '--since-last', '--json');
    expect(d.stderr).toBe('');
    return { code: d.code, findings: (JSON.parse(d.stdout) as { findings: Finding[] }).findings };
  }
  const brief = (fs: Finding[]) => fs.map((f) => f.kind).sort();

  it('an unchanged namespace gives zero findings and exit 0', () => {
    const r = scenario('same', () => {});
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a throw route deleted from table 52', () => {
    const r = scenario('throw', (ns) => inNs(ns, ['ip', 'route', 'del', 'throw', '10.10.10.0/24', 'table', '52']));
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([
      {
        kind: 'route-missing',
        severity: 'critical',
        family: 4,
        table: '52',
        dst: '10.10.10.0/24',
        type: 'throw',
        dev: null,
        gateway: null,
        metric: 0,
      },
    ]);
  });

  it('rules 5210-5270 deleted', () => {
    const r = scenario('rules', (ns) => {
      for (const p of ['5210', '5230', '5250', '5270']) inNs(ns, ['ip', 'rule', 'del', 'pref', p]);
      inNs(ns, ['ip', '-6', 'rule', 'del', 'pref', '5270']);
    });
    expect(r.findings.map((f) => f.kind === 'rule-missing' && `${f.family}:${f.priority}:${f.table}`)).toEqual([
      '4:5210:main',
      '4:5230:default',
      '4:5250:unreachable',
      '4:5270:52',
      '6:5270:52',
    ]);
    expect(r.findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('a baseline already stale: tailscale0 recreated before the snapshot, then the ruleset reloaded: no stale finding', () => {
    current = freshLab('stale-base');
    lab('ts-down', current.ns);
    lab('ts-up', current.ns);
    expect(current.cli('snapshot', '--label', 'pre').code).toBe(0);
    // What the guard's reload of the ruleset's loader does.
    inNs(current.ns, ['nft', 'flush', 'ruleset']);
    inNs(current.ns, ['nft', '-f', RULESET]);
    const d = current.cli('diff', '--since-last', '--json');
    const findings = (JSON.parse(d.stdout) as { findings: Finding[] }).findings;
    expect(findings.filter((f) => f.kind === 'nft-stale-ifindex')).toEqual([]);
  });

  it('tailscale0 recreated: ifindex-changed plus stale iif/oif rules, nothing about its routes', () => {
    const r = scenario('recreate', (ns) => {
      lab('ts-down', ns);
      lab('ts-up', ns);
    });
    expect(brief(r.findings)).toEqual([
      'ifindex-changed',
      'nft-stale-ifindex',
      'nft-stale-ifindex',
      'nft-stale-ifindex',
    ]);
    const changed = r.findings.find((f) => f.kind === 'ifindex-changed');
    if (changed?.kind !== 'ifindex-changed') throw new Error('no ifindex-changed');
    for (const f of r.findings) {
      if (f.kind !== 'nft-stale-ifindex') continue;
      expect(f).toMatchObject({
        family: 'inet',
        table: 'filter',
        index: changed.before,
        ifname: 'tailscale0',
        shown: String(changed.before),
      });
    }
  });

  it('the old index reused by another TUN', () => {
    let old = 0;
    const r = scenario('reuse', (ns) => {
      old = ifindexOf(ns, 'tailscale0');
      lab('ts-down', ns);
      lab('reuse-index', ns, String(old));
    });
    const stale = r.findings.filter((f) => f.kind === 'nft-stale-ifindex');
    expect(stale).toHaveLength(3);
    for (const f of stale) expect(f).toMatchObject({ index: old, ifname: 'tailscale0', shown: 'tun9' });
    expect(r.findings).toContainEqual(
      expect.objectContaining({ kind: 'link-missing', ifname: 'tailscale0', ifindex: old }),
    );
    expect(r.findings).toContainEqual(expect.objectContaining({ kind: 'link-added', ifname: 'tun9', ifindex: old }));
  });

  it('diff A B between two stored snapshots, by id', () => {
    current = freshLab('ab');
    current.cli('snapshot', '--label', 'pre');
    inNs(current.ns, ['ip', 'route', 'del', 'throw', '10.10.10.0/24', 'table', '52']);
    current.cli('snapshot', '--label', 'post');
    const ids = (JSON.parse(current.cli('list', '--json').stdout) as { snapshots: { id: string }[] }).snapshots.map(
      (s) => s.id,
    );
    expect(ids).toHaveLength(2);
    const d = current.cli('diff', ids[0]!, ids[1]!);
    expect(d.code).toBe(1);
    expect(d.stdout).toBe(
      'critical route-missing family=4 table=52 dst=10.10.10.0/24 type=throw dev=- gateway=- metric=0\n',
    );
  });
});
