// [root] `apt-netguard watch --once` against real kernel state in a namespace (the fake lab of
// restore.root.test.ts): it baselines, then acts once per known breakage through the restore engine.
import { spawn } from 'node:child_process';
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
    expect(L.cli('status').stdout).toMatch(
      /^watch: baseline \S+ \(a verified restore\), \d+ actions in the last hour$/m,
    );
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

  it('the service loop: a flushed throw route is back within seconds of the netlink event; SIGTERM stops it', async () => {
    L = fakeLab('watchd', 'watch:\n  heartbeat: 3600\n');
    const l = L;
    const d = spawn('ip', ['netns', 'exec', l.ns, process.execPath, BUNDLE, 'watch'], {
      env: l.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    d.stderr.on('data', (b: Buffer) => (log += b.toString()));
    const until = async (cond: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end;) {
        if (cond()) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return cond();
    };
    try {
      expect(await until(() => log.includes('"msg":"watch: started"'), 10_000)).toBe(true);
      expect(await until(() => existsSync(`${l.state}/watch-baseline.json`), 10_000)).toBe(true);
      const t = Date.now();
      l.sh(`ip route del ${THROW} table 52`);
      expect(await until(() => l.throwRoutes() === THROW, 15_000)).toBe(true);
      const took = Date.now() - t;
      expect(log).toMatch(/"signature":"table52-lost"/);
      // One incident, one restore: no second action once it is verified.
      expect(await until(() => log.includes('watch: acted on table52-lost'), 15_000)).toBe(true);
      const verified = Date.now() - t;
      await new Promise((r) => setTimeout(r, 1500));
      expect(log.match(/watch: acted on table52-lost/g)).toHaveLength(1);
      console.log(`watch daemon: throw route back ${took} ms after it was deleted, restore ended ${verified} ms after`);
      expect(log).toMatch(/"state":"verified","msg":"watch: acted on table52-lost"/);
    } catch (err) {
      console.log(log.slice(-3000));
      throw err;
    } finally {
      d.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => d.on('exit', r));
    expect(code).toBe(0);
  }, 60_000);
});
