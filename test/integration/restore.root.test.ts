// [root] The ordered restore against real kernel state in a namespace, with a fake tailscaled
// (recreates tailscale0 and table 52, re-adds its rules but never its routes) and a fake networkd
// whose restart keeps flushing foreign routes and rules for a while: the 2026-05-02 race.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestoreRecord } from '../../src/restore/model.js';
import { fakeLab } from '../helpers/fakelab.js';
import { BUNDLE } from '../helpers/netns.js';
import { missing } from '../helpers/requires.js';

const skip =
  missing('restore-netns', { root: true, tools: ['ip', 'nft', 'setsid'] }) ??
  (existsSync(BUNDLE) ? null : 'run npm run build first');
const THROW = 'throw 10.10.10.0/24';

describe.skipIf(skip !== null)('ordered restore in a namespace [root]', () => {
  let L: ReturnType<typeof fakeLab> | null = null;
  afterEach(() => L?.teardown());

  // A networkd restart that flushes for `ms`; returns once the throw route is gone.
  function restartNetworkd(l: ReturnType<typeof fakeLab>, ms: number) {
    writeFileSync(join(l.fake, 'flush-ms'), String(ms));
    l.sh('systemctl restart systemd-networkd.service');
    expect(l.waitFor(() => l.throwRoutes() === '', 2000)).toBe(true);
  }

  it('reproduces the race: restarting tailscaled while networkd still flushes loses the throw route again', () => {
    L = fakeLab('race');
    expect(L.throwRoutes()).toBe(THROW);
    restartNetworkd(L, 1500);
    // What tailscaled's own recovery (or a hurried admin) does: put everything back at once.
    L.sh('systemctl restart tailscaled.service');
    L.sh('sleep 2');
    expect(L.throwRoutes()).toBe('');
    // The keeper re-added the rules: only the routes stay lost, as in the incident.
    expect(L.sh('ip rule show pref 5270')).toContain('lookup 52');
  });

  it('restore waits for the flush to stop, then restarts tailscaled and reloads the firewall: verified', () => {
    L = fakeLab('settle');
    expect(L.cli('snapshot', '--out', join(L.root, 'pre.json')).code).toBe(0);
    const before = L.sh('ip -j link show tailscale0');
    restartNetworkd(L, 2000);
    const started = Date.now();
    const r = L.cli('restore', '--since', join(L.root, 'pre.json'), '--json');
    const rec = JSON.parse(r.stdout) as RestoreRecord;
    expect(rec.state, r.stdout + r.stderr).toBe('verified');
    expect(r.code).toBe(0);
    expect(rec.steps.map((s) => `${s.id}=${s.status}`)).toEqual([
      'settle=done',
      'restart tailscaled.service=done',
      'reload fake-firewall.service=done',
    ]);
    // It waited out the flush (2 s from the restart) plus the quiet window, no more than needed.
    expect(Number(/settled after (\d+) ms/.exec(rec.steps[0]!.detail)![1])).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(rec.findings.some((f) => /route-missing .*throw/.test(f))).toBe(true);
    // It stays restored: the flusher is done.
    L.sh('sleep 0.5');
    expect(L.throwRoutes()).toBe(THROW);
    expect(L.sh('ip -j link show tailscale0')).not.toBe(before);
    expect(L.sh('nft -j list ruleset')).not.toMatch(/"right": ?"\d+"/);
    expect(L.sh('nft list chain inet filter forward')).toContain('iif "tailscale0" oif "eth0"');
  });

  it('restart-pending runs an owed networkd restart: networkd, settle, tailscaled, firewall; pending is paid', () => {
    L = fakeLab('pending');
    writeFileSync(join(L.fake, 'flush-ms'), '1500');
    const pending = [
      {
        unit: 'systemd-networkd.service',
        mode: 'defer',
        step: 'restart',
        since: '2026-11-22T00:00:00Z',
        txn: 't1',
        reason: 'systemd upgraded',
      },
    ];
    L.sh(
      `mkdir -p "$APT_NETGUARD_STATE_DIR" && echo '${JSON.stringify({ schemaVersion: 1, pending })}' > "$APT_NETGUARD_STATE_DIR/pending.json"`,
    );
    const r = L.cli('restart-pending', '--json');
    const rec = JSON.parse(r.stdout) as RestoreRecord;
    expect(rec.state, r.stdout + r.stderr).toBe('verified');
    expect(rec.steps.map((s) => s.id)).toEqual([
      'settle',
      'restart systemd-networkd.service',
      'settle after systemd-networkd.service',
      'restart tailscaled.service',
      'reload fake-firewall.service',
    ]);
    expect(Number(/settled after (\d+) ms/.exec(rec.steps[2]!.detail)![1])).toBeGreaterThanOrEqual(1000);
    L.sh('sleep 0.5');
    expect(L.throwRoutes()).toBe(THROW);
    expect(JSON.parse(readFileSync(join(L.state, 'pending.json'), 'utf8')).pending).toEqual([]);
    expect(L.cli('status').code).toBe(0);
  });

  it('a tailscaled that cannot start: two attempts, then failed, alert command run, status 1', () => {
    L = fakeLab(
      'broken',
      `restore:\n  quiet: 0.2\n  step-timeout: 2\nalerts:\n  command: [/bin/sh, -c, 'cat > "$0"', ALERT]\n`,
    );
    const alertFile = join(L.root, 'alert.json');
    writeFileSync(
      join(L.root, 'config.yaml'),
      readFileSync(join(L.root, 'config.yaml'), 'utf8').replace('ALERT', alertFile),
    );
    expect(L.cli('snapshot', '--out', join(L.root, 'pre.json')).code).toBe(0);
    writeFileSync(join(L.fake, 'tailscaled.broken'), '');
    expect(() => L!.sh('systemctl restart tailscaled.service')).toThrow();
    const r = L.cli('restore', '--since', join(L.root, 'pre.json'), '--json');
    const rec = JSON.parse(r.stdout) as RestoreRecord;
    expect(r.code).toBe(1);
    expect(rec.state).toBe('failed');
    expect(rec.steps.find((s) => s.id === 'restart tailscaled.service')).toMatchObject({
      status: 'failed',
      attempts: 2,
    });
    expect(rec.steps.find((s) => s.id.startsWith('reload'))?.status ?? 'skipped').toBe('skipped');
    const calls = readFileSync(join(L.fake, 'calls.log'), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('restart tailscaled.service'));
    expect(calls).toHaveLength(3); // the one that broke it, then exactly 1 + retries from the guard
    expect(JSON.parse(readFileSync(alertFile, 'utf8'))).toMatchObject({
      source: 'apt-netguard',
      state: 'failed',
      verified: { ok: false },
    });
    expect(rec.alerts).toEqual([{ target: 'command /bin/sh', ok: true, detail: 'exit 0' }]);
    expect(L.cli('status').code).toBe(1);
  });
});
