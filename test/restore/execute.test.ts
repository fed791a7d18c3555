import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../src/log.js';
import { executePlan } from '../../src/restore/execute.js';
import type { Plan, RestoreRecord, Step } from '../../src/restore/model.js';
import { fakeSystemd, type FakeUnit } from './world.js';

const step = (id: string, op: Step['op'], unit: string | null, after: string[]): Step => ({
  id,
  op,
  unit,
  reasons: ['test'],
  after,
  checks: unit ? [{ kind: 'unit-active', unit }] : [],
});
const PLAN: Plan = {
  steps: [
    step('settle', 'settle', null, []),
    step('restart tailscaled.service', 'restart', 'tailscaled.service', ['settle']),
    step('reload nftables.service', 'reload', 'nftables.service', ['restart tailscaled.service']),
  ],
  unresolved: [],
  notes: [],
};
const record = (plan = PLAN): RestoreRecord => ({
  schemaVersion: 1,
  id: 'r1',
  trigger: { kind: 'txn', id: 't1' },
  automatic: true,
  baseline: 'b',
  startedAt: '',
  endedAt: null,
  state: 'running',
  resumes: 0,
  findings: [],
  plan,
  steps: plan.steps.map((s) => ({
    id: s.id,
    status: 'pending',
    attempts: 0,
    startedAt: null,
    endedAt: null,
    detail: '',
  })),
  verification: null,
  owed: [],
  alerts: [],
  notes: [],
});

async function exec(units: Record<string, FakeUnit>, rec = record(), retries = 1, quietMs = 0) {
  const sys = fakeSystemd(units);
  let t = 0;
  const saved: string[] = [];
  await executePlan(
    rec,
    {
      run: sys.run,
      log: memoryLog(),
      probe: { timeoutMs: 1000, exists: () => true },
      now: () => (t += 10),
      sleep: async () => {},
      save: (r) => saved.push(r.steps.map((s) => s.status[0]).join('')),
    },
    { settleTimeoutMs: 1000, quietMs, stepTimeoutMs: 50, retries },
  );
  const restarts = sys.calls.filter((c) => / (restart|reload-or-restart) /.test(c));
  return { rec, restarts, calls: sys.calls, saved, status: rec.steps.map((s) => `${s.id}=${s.status}/${s.attempts}`) };
}

describe('executePlan', () => {
  it('runs the steps in order and journals every transition', async () => {
    const r = await exec({ 'tailscaled.service': { state: 'active' }, 'nftables.service': { state: 'active' } });
    expect(r.restarts).toEqual([
      'systemctl restart tailscaled.service',
      'systemctl reload-or-restart nftables.service',
    ]);
    expect(r.status).toEqual(['settle=done/1', 'restart tailscaled.service=done/1', 'reload nftables.service=done/1']);
    // r = running, d = done, p = pending: saved before and after each step
    expect(r.saved).toEqual(['rpp', 'dpp', 'drp', 'ddp', 'ddr', 'ddd']);
  });

  it.each([
    ['one failed start, then success: 2 attempts', 1, 'done/2', 2],
    ['never starts: exactly 1 + retries attempts, then failed; the reload is skipped', Infinity, 'failed/2', 2],
  ])('%s', async (_, failStarts, want, restarts) => {
    const r = await exec({
      'tailscaled.service': { state: 'active', failStarts },
      'nftables.service': { state: 'active' },
    });
    expect(r.status[1]).toBe(`restart tailscaled.service=${want}`);
    expect(r.restarts.filter((c) => c.includes('tailscaled'))).toHaveLength(restarts);
    if (failStarts === Infinity) expect(r.status[2]).toBe('reload nftables.service=skipped/0');
  });

  it('resets a failed unit before starting it again (start limit)', async () => {
    const r = await exec({ 'tailscaled.service': { state: 'failed' }, 'nftables.service': { state: 'active' } });
    expect(r.calls.indexOf('systemctl reset-failed tailscaled.service')).toBeLessThan(
      r.calls.indexOf('systemctl restart tailscaled.service'),
    );
  });

  it('a unit that fails right after its restart ends the attempt at once, not at the step timeout', async () => {
    // The restart itself succeeds (Type=simple returns at fork); the unit is failed at the first look.
    const r = await exec({
      'tailscaled.service': { state: 'active', diesAfterReads: 1 },
      'nftables.service': { state: 'active' },
    });
    const first = r.calls.indexOf('systemctl restart tailscaled.service');
    const second = r.calls.indexOf('systemctl restart tailscaled.service', first + 1);
    const polls = r.calls.slice(first, second).filter((c) => c.startsWith('systemctl show --property=Id,'));
    expect(polls).toHaveLength(1);
    expect(r.status[1]).toBe('restart tailscaled.service=done/2');
  });

  it('with retries 0 a failed step is tried once', async () => {
    const r = await exec(
      { 'tailscaled.service': { state: 'active', failStarts: Infinity }, 'nftables.service': { state: 'active' } },
      record(),
      0,
    );
    expect(r.restarts).toEqual(['systemctl restart tailscaled.service']);
  });

  it('a resumed record skips done steps and counts the attempt the killed guard made', async () => {
    const rec = record();
    rec.steps[0]!.status = 'done';
    Object.assign(rec.steps[1]!, { status: 'running', attempts: 2 });
    const r = await exec(
      { 'tailscaled.service': { state: 'active', failStarts: Infinity }, 'nftables.service': { state: 'active' } },
      rec,
    );
    // Both attempts were used before the kill: none is left, so nothing is restarted again.
    expect(r.restarts).toEqual([]);
    expect(r.status).toEqual([
      'settle=done/0',
      'restart tailscaled.service=failed/2',
      'reload nftables.service=skipped/0',
    ]);
  });

  it('a resumed record with an attempt left runs the interrupted step again, then the rest', async () => {
    const rec = record();
    rec.steps[0]!.status = 'done';
    Object.assign(rec.steps[1]!, { status: 'running', attempts: 1 });
    const r = await exec({ 'tailscaled.service': { state: 'inactive' }, 'nftables.service': { state: 'active' } }, rec);
    expect(r.restarts).toEqual([
      'systemctl restart tailscaled.service',
      'systemctl reload-or-restart nftables.service',
    ]);
    expect(r.status.at(-1)).toBe('reload nftables.service=done/1');
  });

  it('state that holds, then is lost again within the hold window, fails the attempt at once; the retry holds', async () => {
    // A resumed record (no settle result yet) holds for quietMs; the unit dies right after its first good check.
    const rec = record();
    rec.steps[0]!.status = 'done';
    const r = await exec(
      { 'tailscaled.service': { state: 'inactive', diesAfterReads: 1 }, 'nftables.service': { state: 'active' } },
      rec,
      1,
      30,
    );
    expect(r.restarts.filter((c) => c.includes('tailscaled'))).toHaveLength(2);
    expect(r.status[1]).toBe('restart tailscaled.service=done/2');
  });
});
