// [root] `apt-netguard watch --once` against real kernel state in a namespace (the fake lab of
// restore.root.test.ts): it baselines, then acts once per known breakage through the restore engine.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeLab } from '../helpers/fakelab.js';
import { BUNDLE } from '../helpers/netns.js';
import { missing } from '../helpers/requires.js';

const skip =
  missing('watch-netns', { root: true, tools: ['ip', 'nft', 'setsid'] }) ??
  (existsSync(BUNDLE) ? null : 'run npm run build first');
const THROW = 'throw 10.10.10.0/24';

describe.skipIf(skip !== null)('watch --once in a namespace [root]', () => {
  let L: ReturnType<typeof fakeLab> | null = null;
  afterEach(() => L?.teardown());
  const watch = (l: ReturnType<typeof fakeLab>) => {
    const r = l.cli('watch', '--once', '--json');
    return {
      code: r.code,
      report: JSON.parse(r.stdout || '{}') as Record<string, unknown> & {
        detected: { signature: string }[];
        restores: { signature: string; state: string }[];
      },
      stderr: r.stderr,
    };
  };

  it('baselines, restores a flushed throw route once, then stale iif after tailscale0 is recreated', () => {
    L = fakeLab('watch');
    expect(watch(L).report.baseline).toMatch(/^taken now \(first look\)/);
    expect(watch(L)).toMatchObject({ code: 0, report: { detected: [] } });
    // Someone else deletes the throw route (what a networkd restart does): table52-lost.
    L.sh(`ip route del ${THROW} table 52`);
    const lost = watch(L);
    expect(lost.report.restores).toEqual([{ signature: 'table52-lost', state: 'verified' }]);
    expect(lost.code).toBe(0);
    expect(L.throwRoutes()).toBe(THROW);
    expect(watch(L)).toMatchObject({ code: 0, report: { detected: [] } });
    // tailscale0 recreated under a new index (a tailscaled crash): the ruleset's iif/oif go stale.
    L.sh(
      'bash "$(dirname "$(command -v systemctl)")/../fake-tailscaled.sh" stop; bash "$(dirname "$(command -v systemctl)")/../fake-tailscaled.sh" start',
    );
    const stale = watch(L);
    expect(stale.report.detected.map((d) => d.signature)).toContain('stale-iif');
    expect(stale.report.restores.every((r) => r.state === 'verified')).toBe(true);
    expect(L.sh('nft -j list ruleset')).not.toMatch(/"right": ?"\d+"/);
    const s = JSON.parse(L.cli('status', '--json').stdout) as { restore: { trigger: { kind: string } } };
    expect(s.restore.trigger.kind).toBe('watch');
  });

  it('report mode: detects and alerts, touches nothing', () => {
    L = fakeLab('watchr', 'watch:\n  mode: report\n');
    watch(L);
    L.sh(`ip route del ${THROW} table 52`);
    const r = watch(L);
    expect(r.code).toBe(1);
    expect(r.report.restores).toEqual([]);
    expect(r.report.verdict).toMatchObject({
      alerts: [expect.stringMatching(/^table52-lost: detected \(report mode/)],
    });
    expect(L.throwRoutes()).toBe('');
  });
});
