// The transaction's pure parts: the gate's request lines, and what is owed after a run.
import { describe, expect, it } from 'vitest';
import { addPending, openTxn, parseRequestLines, type Pending } from '../../src/txn/model.js';

describe('parseRequestLines: what the shell gate appended', () => {
  it.each([
    ['a policy-rc.d refusal', '1764000000 policy-rc.d tailscaled.service restart guarded', 1],
    ['needrestart, and systemctl', '1 needrestart a.service restart defer\n2 systemctl b.service restart veto\n', 2],
    ['a torn last line (the gate was killed mid-write)', '1 policy-rc.d a.service restart guarded\n2 policy-rc', 1],
    ['an unknown requester', '1 cron a.service restart guarded', 0],
    ['an unknown mode', '1 policy-rc.d a.service restart maybe', 0],
    ['a time that is not a number', 'x policy-rc.d a.service restart guarded', 0],
    ['empty', '', 0],
  ])('%s', (_, text, n) => expect(parseRequestLines(text)).toHaveLength(n));
  it('keeps who, what and when', () =>
    expect(parseRequestLines('1764000000 needrestart systemd-networkd.service restart guarded')).toEqual([
      {
        at: '2025-11-24T16:00:00.000Z',
        who: 'needrestart',
        unit: 'systemd-networkd.service',
        action: 'restart',
        decision: 'guarded',
        seen: 'recorded',
      },
    ]));
});

describe('addPending: one entry per unit, a deferred one stays deferred', () => {
  const txn = (id: string) => ({
    ...openTxn(id, new Date('2026-11-22T10:00:00Z'), null),
    decisions: [
      {
        unit: 'a.service',
        action: 'guarded' as const,
        step: 'reload' as const,
        rule: 'r',
        reason: 'why',
        packages: [],
      },
    ],
  });
  const was = (mode: Pending['mode']): Pending => ({
    unit: 'a.service',
    mode,
    step: 'restart',
    since: '2026-11-01T00:00:00.000Z',
    txn: 'old',
    reason: 'old',
  });
  it.each<[string, Pending[], Pending['mode'], Partial<Pending>]>([
    ['new: the rule and its step', [], 'guarded', { mode: 'guarded', step: 'reload', reason: 'r: why', txn: 't' }],
    [
      'owed before as defer: stays defer, keeps its since',
      [was('defer')],
      'guarded',
      { mode: 'defer', since: was('defer').since },
    ],
    ['owed before as guarded: the new mode', [was('guarded')], 'defer', { mode: 'defer' }],
  ])('%s', (_, before, mode, want) => {
    const out = addPending(before, txn('t'), [{ unit: 'a.service', mode }], () => 'restart');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject(want);
  });
  it('a unit no rule decided: the gate request says why, and its own step', () => {
    const t = { ...txn('t'), decisions: [] };
    t.requests = [
      { at: '', who: 'policy-rc.d', unit: 'b.service', action: 'restart', decision: 'guarded', seen: 'recorded' },
    ];
    expect(addPending([], t, [{ unit: 'b.service', mode: 'guarded' }], () => 'reload')[0]).toMatchObject({
      step: 'reload',
      reason: 'policy-rc.d asked to restart (default mode guarded)',
    });
  });
});
