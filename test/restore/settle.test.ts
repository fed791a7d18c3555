// waitSettled on a scripted clock: networkd's uptime, link states and routing churn over time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExecError } from '../../src/errors.js';
import type { Run } from '../../src/exec.js';
import { waitSettled } from '../../src/restore/settle.js';

const uptimeMs = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;

// `t` is the fake clock in ms; each function of t answers one command. `events(from, to)` is what
// `ip -o monitor rule route` prints during a watch window (it advances the clock by the window).
type Scene = {
  active: boolean;
  upMs: number;
  admin: (t: number) => string;
  rules: (t: number) => string;
  events?: (from: number, to: number) => string[];
};
function scene(o: Scene) {
  let t = 0;
  const run: Run = async (argv, opts) => {
    const cmd = argv.join(' ');
    if (cmd.startsWith('systemctl show')) {
      if (!o.active) return { stdout: 'ActiveState=inactive\nActiveEnterTimestampMonotonic=0\n', stderr: '' };
      return {
        stdout: `ActiveState=active\nActiveEnterTimestampMonotonic=${Math.round((uptimeMs() - o.upMs) * 1000)}\n`,
        stderr: '',
      };
    }
    if (cmd.startsWith('networkctl list --json'))
      return {
        stdout: JSON.stringify({
          Interfaces: [{ Index: 2, Name: 'lan0', AdministrativeState: o.admin(t), OperationalState: 'routable' }],
        }),
        stderr: '',
      };
    if (cmd === 'ip -o monitor rule route') {
      const from = t;
      t += opts!.forMs!;
      return { stdout: (o.events?.(from, t) ?? []).join('\n'), stderr: '' };
    }
    if (cmd.startsWith('ip -4 -j rule')) return { stdout: o.rules(t), stderr: '' };
    if (cmd.startsWith('ip')) return { stdout: '[]', stderr: '' };
    throw new ExecError(argv, 'command not found', null, '');
  };
  return waitSettled({ run, now: () => t, sleep: async (ms) => void (t += ms) }, 5_000, 1_000);
}
// What networkd's flush and tailscaled's re-adds look like to `ip -o monitor`, every 200 ms until `end`.
const churn = (end: number) => (from: number, to: number) => {
  const out: string[] = [];
  for (let x = Math.ceil(from / 200) * 200; x < Math.min(to, end); x += 200)
    out.push('5270:\tfrom all lookup 52', 'Deleted 5270:\tfrom all lookup 52', 'Deleted throw 10.10.10.0/24 table 52 ');
  return out;
};

describe('waitSettled', () => {
  it('networkd not running: settled at once', async () => {
    expect(await scene({ active: false, upMs: 0, admin: () => 'configured', rules: () => '[]' })).toEqual({
      settled: true,
      waitedMs: 0,
      detail: 'systemd-networkd is not running',
      recent: false,
    });
  });

  it('networkd up for minutes, links configured, nothing moving: settled at once', async () => {
    const r = await scene({ active: true, upMs: 300_000, admin: () => 'configured', rules: () => '[]' });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBe(0);
  });

  it('just restarted: waits out a link still configuring, then a full quiet window', async () => {
    const r = await scene({
      active: true,
      upMs: 50,
      admin: (t) => (t < 700 ? 'configuring' : 'configured'),
      rules: () => '[]',
    });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(1_700);
    expect(r.waitedMs).toBeLessThan(1_900);
  });

  it('just restarted and still flushing for 2.5 s (the 2026-05-02 race): settles a quiet window after the last change', async () => {
    // tailscaled puts its rules back and networkd deletes them again, every 200 ms, until 2.5 s.
    const r = await scene({
      active: true,
      upMs: 50,
      admin: () => 'configured',
      rules: (t) => (t < 2_500 ? `[{"n":${Math.floor(t / 200)}}]` : '[]'),
      events: churn(2_500),
    });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(3_500);
    expect(r.detail).toMatch(/routing changes seen/);
    expect(r.recent).toBe(true);
  });

  it('a flush that sampling cannot see (rules back and gone again between samples): the events keep it unsettled', async () => {
    // What fooled the sampling settle in CI: every sample showed the same state, mid-flush.
    const r = await scene({
      active: true,
      upMs: 50,
      admin: () => 'configured',
      rules: () => '[]',
      events: churn(2_500),
    });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(3_500);
    expect(r.detail).toMatch(/\(\d{2,} routing changes seen\)/);
  });

  it('ip monitor unavailable: falls back to samples around a plain wait', async () => {
    const r = await scene({
      active: true,
      upMs: 50,
      admin: () => 'configured',
      rules: (t) => (t < 2_500 ? `[{"n":${Math.floor(t / 200)}}]` : '[]'),
      events: () => {
        throw new Error('no ip monitor');
      },
    });
    expect(r.settled).toBe(true);
    expect(r.waitedMs).toBeGreaterThanOrEqual(3_000);
  });

  it('never settles: gives up at the timeout and says why', async () => {
    const r = await scene({ active: true, upMs: 50, admin: () => 'configuring', rules: () => '[]' });
    expect(r).toMatchObject({ settled: false, detail: expect.stringContaining('links lan0:configuring') });
    expect(r.waitedMs).toBeGreaterThanOrEqual(5_000);
  });
});
